/**
 * The injectable clock: everything that reads "now" for records goes through it. Without a
 * tenant it is the wall clock; with one, that tenant's simulated time (the wall clock plus the
 * tenant's offset, moved by POST /__inspect/clock/advance). Due times stored for timers
 * (`next_step_at`, webhook retries) are wall-clock times.
 */
export interface Clock {
  now(tenant?: string | null): number;
  /** How far a tenant's simulated time is ahead of the wall clock (ms). */
  offset?(tenant: string): number;
  /**
   * Registers a table of persisted due times (`next_step_at`, wall clock) owned by a tenant
   * column: advancing a tenant's time makes its due rows due that much earlier, then calls `wake`.
   */
  registerDue?(table: string, tenantColumn: string, wake: () => void): void;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A tenant's offset on a clock (0 for clocks without offsets). */
export function offsetOf(clock: Clock, tenant: string | null | undefined): number {
  return tenant && clock.offset ? clock.offset(tenant) : 0;
}

/** A clock that tests (and later the time-travel API) can move by hand. */
export class ManualClock implements Clock {
  constructor(private t: number = Date.now()) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** RFC 2822 with a literal +0000, as Twilio writes dates. */
export function rfc2822(ms: number): string {
  const s = new Date(ms).toUTCString(); // "Thu, 24 Aug 2023 05:01:45 GMT"
  return s.slice(0, -3) + '+0000';
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
