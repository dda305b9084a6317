import type { RetentionTarget } from '../core/types.js';
import type { Database, Statement } from '../db/index.js';

export interface JournalEntry {
  id: number;
  time: string;
  method: string;
  path: string;
  query: string;
  provider: string;
  operation: string | null;
  tenant: string | null;
  status: number;
  duration_ms: number;
  unmatched: boolean;
  /** The injected fault (rule id and action) when a fault rule shaped the answer. */
  fault: { rule: string; action: string } | null;
}

export const JOURNAL_MIGRATIONS = [
  {
    id: '001_journal',
    sql: `CREATE TABLE journal (
      id INTEGER PRIMARY KEY,
      time INTEGER NOT NULL,
      method TEXT NOT NULL,
      path TEXT NOT NULL,
      query TEXT NOT NULL,
      provider TEXT NOT NULL,
      operation TEXT,
      tenant TEXT,
      status INTEGER NOT NULL,
      duration_ms REAL NOT NULL,
      unmatched INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX journal_tenant ON journal (tenant, id);`,
  },
  {
    id: '002_journal_fault',
    sql: `ALTER TABLE journal ADD COLUMN fault_rule TEXT;
    ALTER TABLE journal ADD COLUMN fault_action TEXT;`,
  },
];

/** Request-journal rows, pruned by the retention limits. */
export const JOURNAL_RETENTION: RetentionTarget = { table: 'journal', tenant: 'tenant', time: 'time', order: 'id' };

export interface JournalFilter {
  provider?: string;
  status?: number;
  unmatched?: boolean;
  tenant?: string;
  /** true: only requests a fault rule answered; a rule id: only that rule's. */
  fault?: true | string;
  sinceId?: number;
  sinceTime?: number;
}

type Row = Omit<JournalEntry, 'time' | 'unmatched' | 'fault'> & {
  time: number;
  unmatched: number;
  fault_rule: string | null;
  fault_action: string | null;
};

/**
 * The request journal: one row per request, written in the same group commit as the
 * vendors' writes (never on its own), trimmed to `max` rows.
 */
export class Journal {
  private readonly insert: Statement;
  private readonly trim: Statement;
  private sinceTrim = 0;

  constructor(
    private readonly db: Database,
    private readonly max: number,
  ) {
    this.insert = db.stmt(
      `INSERT INTO journal (time, method, path, query, provider, operation, tenant, status, duration_ms, unmatched, fault_rule, fault_action)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.trim = db.stmt('DELETE FROM journal WHERE id <= (SELECT MAX(id) FROM journal) - ?');
  }

  record(e: Omit<JournalEntry, 'id' | 'time'> & { time: number }): void {
    this.db.background(() => {
      this.insert.run(
        e.time,
        e.method,
        e.path,
        e.query,
        e.provider,
        e.operation,
        e.tenant,
        e.status,
        e.duration_ms,
        e.unmatched ? 1 : 0,
        e.fault?.rule ?? null,
        e.fault?.action ?? null,
      );
      if (++this.sinceTrim >= 1000) {
        this.sinceTrim = 0;
        this.trim.run(this.max);
      }
    });
  }

  private where(f: JournalFilter): { sql: string; args: unknown[] } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.provider) (where.push('provider = ?'), args.push(f.provider));
    if (f.status !== undefined) (where.push('status = ?'), args.push(f.status));
    if (f.unmatched !== undefined) (where.push('unmatched = ?'), args.push(f.unmatched ? 1 : 0));
    if (f.tenant) (where.push('tenant = ?'), args.push(f.tenant));
    if (f.fault === true) where.push('fault_rule IS NOT NULL');
    else if (f.fault !== undefined) (where.push('fault_rule = ?'), args.push(f.fault));
    if (f.sinceId !== undefined) (where.push('id > ?'), args.push(f.sinceId));
    if (f.sinceTime !== undefined) (where.push('time > ?'), args.push(f.sinceTime));
    return { sql: where.length ? 'WHERE ' + where.join(' AND ') : '', args };
  }

  list(f: JournalFilter & { limit: number }): JournalEntry[] {
    const { sql, args } = this.where(f);
    return (this.db.stmt(`SELECT * FROM journal ${sql} ORDER BY id DESC LIMIT ?`).all(...args, f.limit) as Row[]).map(({ fault_rule, fault_action, ...r }) => ({
      ...r,
      time: new Date(r.time).toISOString(),
      unmatched: r.unmatched === 1,
      fault: fault_rule === null ? null : { rule: fault_rule, action: fault_action ?? 'error' },
    }));
  }

  /** Deletes the entries `list` would match (all of them); answers how many. */
  delete(f: JournalFilter): number {
    const { sql, args } = this.where(f);
    return this.db.transaction(() => this.db.stmt(`DELETE FROM journal ${sql}`).run(...args).changes);
  }

  reset(tenant?: string): void {
    if (tenant) this.db.stmt('DELETE FROM journal WHERE tenant = ?').run(tenant);
    else this.db.stmt('DELETE FROM journal').run();
  }
}
