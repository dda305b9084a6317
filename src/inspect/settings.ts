import type { Config, Settings, Timing } from '../core/index.js';
import type { Database, Statement } from '../db/index.js';

export const SETTINGS_MIGRATIONS = [
  {
    id: '001_settings',
    sql: `CREATE TABLE settings (
      tenant TEXT NOT NULL,   -- '' for the global value
      key    TEXT NOT NULL,
      value  TEXT NOT NULL,
      PRIMARY KEY (tenant, key)
    );`,
  },
];

export const SETTING_KEYS = { timing: ['realistic', 'immediate', 'manual'] } as const;
export type SettingKey = keyof typeof SETTING_KEYS;

/** Settings changed at run time through /__inspect/settings, global or per tenant. */
export class SettingsStore implements Settings {
  private cache = new Map<string, string>();
  private readonly upsert: Statement;
  private readonly remove: Statement;

  constructor(
    private readonly db: Database,
    private readonly config: Config,
  ) {
    db.migrate('settings', SETTINGS_MIGRATIONS);
    for (const r of db.stmt('SELECT * FROM settings').all() as { tenant: string; key: string; value: string }[]) {
      this.cache.set(`${r.tenant}\u0000${r.key}`, r.value);
    }
    this.upsert = db.stmt(
      'INSERT INTO settings (tenant, key, value) VALUES (?, ?, ?) ON CONFLICT (tenant, key) DO UPDATE SET value = excluded.value',
    );
    this.remove = db.stmt('DELETE FROM settings WHERE tenant = ? AND key = ?');
  }

  timing(tenant: string): Timing {
    return (this.cache.get(`${tenant}\u0000timing`) ?? this.cache.get(`\u0000timing`) ?? this.config.timing) as Timing;
  }

  /** The effective settings of a tenant ('' for global). */
  get(tenant: string): Record<SettingKey, string> {
    return { timing: tenant ? this.timing(tenant) : (this.cache.get(`\u0000timing`) ?? this.config.timing) };
  }

  /** Sets (value) or clears (null) settings; returns an error message for a bad key or value. */
  set(tenant: string, values: Record<string, unknown>): string | null {
    for (const [k, v] of Object.entries(values)) {
      if (!(k in SETTING_KEYS)) return `unknown setting "${k}"`;
      if (v !== null && !(SETTING_KEYS[k as SettingKey] as readonly string[]).includes(v as string)) {
        return `setting "${k}" must be one of ${SETTING_KEYS[k as SettingKey].join(', ')} (or null to clear)`;
      }
    }
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(values)) {
        if (v === null) this.remove.run(tenant, k);
        else this.upsert.run(tenant, k, v);
      }
    });
    for (const [k, v] of Object.entries(values)) {
      if (v === null) this.cache.delete(`${tenant}\u0000${k}`);
      else this.cache.set(`${tenant}\u0000${k}`, v as string);
    }
    return null;
  }
}
