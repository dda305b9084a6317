import type { Clock } from '../core/clock.js';
import type { Database } from './index.js';

export interface StepperOptions {
  db: Database;
  clock: Clock;
  /** Table holding the resources, with a `next_step_at` column (ms, NULL when nothing is due). */
  table: string;
  /** Column naming a resource (sid, msg_id...). */
  key: string;
  /** Tie-breaker after next_step_at, e.g. `seq`. */
  order?: string;
  /** Column naming the tenant: advancing a tenant's clock makes its steps due earlier. */
  tenant?: string;
  /** Advances the due resources (its own db.write and announcements). */
  run(due: string[], now: number): Promise<void>;
}

/** Resources stepped per transaction: small, so requests are served between batches. */
const BATCH = 64;

/**
 * Drives persisted lifecycles: wakes when the earliest `next_step_at` is due, steps everything
 * due in small batches, then sleeps until the next one. Steps live in SQLite, so a restart
 * resumes them (call `tick()` at boot).
 */
export class Stepper {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private ticking = false;
  private stopped = false;

  constructor(private readonly o: StepperOptions) {
    if (o.tenant) o.clock.registerDue?.(o.table, o.tenant, () => void this.tick());
  }

  /** Makes sure a tick runs by `at`. */
  schedule(at: number | null): void {
    if (at === null || this.stopped || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.tick();
    }, Math.max(0, at - this.o.clock.now()));
  }

  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    const { db, table, key } = this.o;
    const order = this.o.order ? `next_step_at, ${this.o.order}` : 'next_step_at';
    try {
      for (;;) {
        const now = this.o.clock.now();
        const due = db
          .stmt(`SELECT ${key} FROM ${table} WHERE next_step_at IS NOT NULL AND next_step_at <= ? ORDER BY ${order} LIMIT ${BATCH}`)
          .pluck()
          .all(now) as string[];
        if (due.length === 0) break;
        await this.o.run(due, now);
        if (this.stopped) return;
      }
      this.schedule(db.stmt(`SELECT MIN(next_step_at) FROM ${table} WHERE next_step_at IS NOT NULL`).pluck().get() as number | null);
    } finally {
      this.ticking = false;
    }
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
