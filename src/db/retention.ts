import type { Clock } from '../core/clock.js';
import type { RetentionTarget } from '../core/types.js';
import type { Database } from './index.js';

/** Records deleted per transaction: small, so requests are served between batches. */
const BATCH = 200;
const CHUNK = 500;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `12h`, `7d` (or `0`) in milliseconds; NaN when malformed. */
export function parseDuration(v: string): number {
  if (v === '0') return 0;
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(v);
  return m ? Number(m[1]) * UNITS[m[2]] : NaN;
}

function removeWhere(db: Database, t: RetentionTarget, where: string, args: unknown[]): number {
  const children = t.children ?? [];
  const parents = [...new Set(children.map((c) => c.parent))];
  const rows = parents.length ? (db.stmt(`SELECT ${parents.join(', ')} FROM ${t.table} WHERE ${where}`).all(...args) as Record<string, unknown>[]) : [];
  const valuesOf = (parent: string) => JSON.stringify([...new Set(rows.map((r) => r[parent]))]);
  for (const c of children) {
    if (c.shared) continue;
    db.stmt(`DELETE FROM ${c.table} WHERE ${c.column} IN (SELECT value FROM json_each(?))`).run(valuesOf(c.parent));
  }
  const n = db.stmt(`DELETE FROM ${t.table} WHERE ${where}`).run(...args).changes;
  for (const c of children) {
    if (!c.shared) continue;
    const values = valuesOf(c.parent);
    db.stmt(
      `DELETE FROM ${c.table} WHERE ${c.column} IN (SELECT value FROM json_each(?))
         AND ${c.column} NOT IN (SELECT ${c.parent} FROM ${t.table} WHERE ${c.parent} IN (SELECT value FROM json_each(?)))`,
    ).run(values, values);
  }
  return n;
}

/**
 * Deletes the records of a target whose `column` is one of `values`, with the rows that belong
 * to them. Call it inside a transaction (a db.write job or db.transaction).
 */
export function removeRecords(db: Database, t: RetentionTarget, column: string, values: unknown[]): number {
  let n = 0;
  for (let i = 0; i < values.length; i += CHUNK) {
    n += removeWhere(db, t, `${column} IN (SELECT value FROM json_each(?))`, [JSON.stringify(values.slice(i, i + CHUNK))]);
  }
  return n;
}

export interface RetentionOptions {
  /** Records kept per table and tenant; 0 keeps all. */
  maxRecords: number;
  /** Records older than this are pruned; 0 keeps them. */
  maxAgeMs: number;
  intervalMs: number;
  clock: Clock;
}

/**
 * Retention limits: every `intervalMs`, prunes the oldest records of each target past
 * `maxRecords` per tenant or older than `maxAgeMs`, in small batches that each ride a group
 * commit, so requests keep being served while it runs.
 */
export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly targets: RetentionTarget[],
    private readonly o: RetentionOptions,
  ) {}

  start(): void {
    if (this.o.maxRecords <= 0 && this.o.maxAgeMs <= 0) return;
    this.timer = setInterval(() => void this.run(), this.o.intervalMs);
    this.timer.unref();
  }

  /** One pruning pass (joins the one under way); answers how many records went. */
  run(): Promise<number> {
    return (this.running ??= this.prune()
      .catch(() => 0)
      .finally(() => {
        this.running = undefined;
      }));
  }

  private async prune(): Promise<number> {
    const { db } = this;
    let total = 0;
    for (const t of this.targets) {
      const extra = t.where ? ` AND (${t.where})` : '';
      if (this.o.maxAgeMs > 0) {
        const cutoff = this.o.clock.now() - this.o.maxAgeMs;
        total += await this.batches(t, `${t.time} < ?${extra}`, [t.timeFormat === 'iso' ? new Date(cutoff).toISOString() : cutoff]);
      }
      if (this.o.maxRecords > 0) {
        const over = db
          .stmt(`SELECT ${t.tenant} FROM ${t.table} GROUP BY ${t.tenant} HAVING COUNT(*) > ?`)
          .pluck()
          .all(this.o.maxRecords) as unknown[];
        for (const tenant of over) {
          if (this.stopped) return total;
          const oldestKept = db
            .stmt(`SELECT ${t.order} FROM ${t.table} WHERE ${t.tenant} IS ? ORDER BY ${t.order} DESC LIMIT 1 OFFSET ?`)
            .pluck()
            .get(tenant, this.o.maxRecords - 1);
          if (oldestKept === undefined || oldestKept === null) continue;
          total += await this.batches(t, `${t.tenant} IS ? AND ${t.order} < ?${extra}`, [tenant, oldestKept]);
        }
      }
    }
    return total;
  }

  private async batches(t: RetentionTarget, where: string, args: unknown[]): Promise<number> {
    let total = 0;
    while (!this.stopped) {
      const n = await this.db.write(() => {
        const keys = this.db.stmt(`SELECT ${t.order} FROM ${t.table} WHERE ${where} ORDER BY ${t.order} LIMIT ${BATCH}`).pluck().all(...args);
        return keys.length ? removeRecords(this.db, t, t.order, keys) : 0;
      });
      total += n;
      if (n < BATCH) break;
    }
    return total;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }
}
