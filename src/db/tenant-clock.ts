import type { Clock } from '../core/clock.js';
import type { Database, Statement } from './index.js';

export const TENANT_CLOCK_MIGRATIONS = [
  {
    id: '001_tenant_clock',
    sql: `CREATE TABLE tenant_clock (
      tenant    TEXT PRIMARY KEY,
      offset_ms INTEGER NOT NULL
    );`,
  },
];

interface DueTable {
  table: string;
  tenantColumn: string;
  wake: () => void;
}

/**
 * Per-tenant simulated time: the wall clock of `base` plus an offset per tenant, kept in
 * SQLite (and cached), so one CI job moving its time never touches another's. Advancing a
 * tenant also makes its persisted due steps due that much earlier, so the steppers (which run
 * on the wall clock) fire them.
 */
export class TenantClock implements Clock {
  private readonly offsets = new Map<string, number>();
  private readonly due: DueTable[] = [];
  private readonly upsert: Statement;

  constructor(
    private readonly db: Database,
    private readonly base: Clock,
  ) {
    db.migrate('clock', TENANT_CLOCK_MIGRATIONS);
    for (const r of db.stmt('SELECT tenant, offset_ms FROM tenant_clock').all() as { tenant: string; offset_ms: number }[]) {
      this.offsets.set(r.tenant, r.offset_ms);
    }
    this.upsert = db.stmt(
      'INSERT INTO tenant_clock (tenant, offset_ms) VALUES (?, ?) ON CONFLICT (tenant) DO UPDATE SET offset_ms = excluded.offset_ms',
    );
  }

  now(tenant?: string | null): number {
    const t = this.base.now();
    return tenant ? t + (this.offsets.get(tenant) ?? 0) : t;
  }

  /** The wall clock (the base clock). */
  wall(): number {
    return this.base.now();
  }

  offset(tenant: string): number {
    return this.offsets.get(tenant) ?? 0;
  }

  registerDue(table: string, tenantColumn: string, wake: () => void): void {
    this.due.push({ table, tenantColumn, wake });
  }

  /** Moves one tenant's time forward by `ms`; returns its new offset. */
  advance(tenant: string, ms: number): number {
    const offset = this.offset(tenant) + ms;
    this.db.flush();
    this.db.transaction(() => {
      this.upsert.run(tenant, offset);
      for (const d of this.due) {
        this.db
          .stmt(`UPDATE ${d.table} SET next_step_at = next_step_at - ? WHERE ${d.tenantColumn} = ? AND next_step_at IS NOT NULL`)
          .run(ms, tenant);
      }
    });
    this.offsets.set(tenant, offset);
    for (const d of this.due) d.wake();
    return offset;
  }

  /** Back to the wall clock for one tenant, or for all. */
  reset(tenant?: string): void {
    if (tenant) {
      this.db.stmt('DELETE FROM tenant_clock WHERE tenant = ?').run(tenant);
      this.offsets.delete(tenant);
    } else {
      this.db.stmt('DELETE FROM tenant_clock').run();
      this.offsets.clear();
    }
  }
}
