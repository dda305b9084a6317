/** The injectable clock: everything that reads "now" for records goes through it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

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
