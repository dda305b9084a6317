import type { RetentionTarget } from '../core/types.js';
import type { Database, Statement } from '../db/index.js';
import type { EventBus, SimEvent } from './index.js';

export const EVENT_MIGRATIONS = [
  {
    id: '001_events',
    sql: `CREATE TABLE events (
      id       INTEGER PRIMARY KEY,
      time     TEXT NOT NULL,
      provider TEXT NOT NULL,
      type     TEXT NOT NULL,
      tenant   TEXT NOT NULL,
      resource TEXT NOT NULL,
      summary  TEXT NOT NULL
    );`,
  },
];

/** Event-journal rows, pruned by the retention limits. */
export const EVENT_RETENTION: RetentionTarget = { table: 'events', tenant: 'tenant', time: 'time', timeFormat: 'iso', order: 'id' };

export interface StoredEvent {
  id: number;
  time: string;
  provider: string;
  type: string;
  tenant: string;
  resource: string;
  summary: string;
}

export interface EventFilter {
  provider?: string;
  type?: string;
  tenant?: string;
  afterId?: number;
  sinceTime?: string;
  limit: number;
}

/**
 * Every event on the bus, numbered and kept (up to `max`), so a live stream can resume from
 * `Last-Event-ID` and tests can read what happened. Rows ride along with the next group commit.
 */
export class EventJournal {
  private readonly insert: Statement;
  private readonly trim: Statement;
  private sinceTrim = 0;

  constructor(
    private readonly db: Database,
    bus: EventBus,
    private readonly max: number,
  ) {
    db.migrate('events', EVENT_MIGRATIONS);
    this.insert = db.stmt(
      'INSERT INTO events (time, provider, type, tenant, resource, summary) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.trim = db.stmt('DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?');
    bus.on((e) => this.record(e));
  }

  private record(e: SimEvent): void {
    this.db.background(() => {
      this.insert.run(e.time, e.provider, e.type, e.tenant, e.id, e.summary);
      if (++this.sinceTrim >= 1000) {
        this.sinceTrim = 0;
        this.trim.run(this.max);
      }
    });
  }

  /** Oldest first after `afterId`, or newest first otherwise (then reversed by the caller if needed). */
  list(f: EventFilter, order: 'asc' | 'desc'): StoredEvent[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.provider) (where.push('provider = ?'), args.push(f.provider));
    if (f.type) (where.push(f.type.endsWith('*') ? 'type LIKE ?' : 'type = ?'), args.push(f.type.endsWith('*') ? f.type.slice(0, -1) + '%' : f.type));
    if (f.tenant) (where.push('tenant = ?'), args.push(f.tenant));
    if (f.afterId !== undefined) (where.push('id > ?'), args.push(f.afterId));
    if (f.sinceTime !== undefined) (where.push('time > ?'), args.push(f.sinceTime));
    return this.db
      .stmt(`SELECT * FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id ${order.toUpperCase()} LIMIT ?`)
      .all(...args, f.limit) as StoredEvent[];
  }

  lastId(): number {
    return (this.db.stmt('SELECT COALESCE(MAX(id), 0) FROM events').pluck().get() as number) ?? 0;
  }

  reset(tenant?: string): void {
    if (tenant) this.db.stmt('DELETE FROM events WHERE tenant = ?').run(tenant);
    else this.db.stmt('DELETE FROM events').run();
  }
}
