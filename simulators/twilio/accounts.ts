import type { Clock } from '../../src/core/index.js';
import type { Database } from '../../src/db/index.js';
import type { TwilioFixtureAccount } from './config.js';
import type { AccountRow, ApiKeyRow, TwilioStore } from './store.js';

/** Accounts and API keys, with an in-memory cache in front of SQLite. */
export class Accounts {
  private tokens = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly store: TwilioStore,
    private readonly clock: Clock,
    private readonly defaultAuthToken: string,
  ) {}

  /** Declares fixture accounts (strict from the start: their token is fixed). */
  seed(accounts: TwilioFixtureAccount[]): void {
    const now = this.clock.now();
    this.db.transaction(() => {
      for (const a of accounts) {
        this.db
          .stmt(
            `INSERT INTO twilio_accounts (sid, auth_token, friendly_name, status, fixture, date_created, date_updated)
             VALUES (?, ?, ?, 'active', 1, ?, ?)
             ON CONFLICT (sid) DO UPDATE SET auth_token = excluded.auth_token, friendly_name = excluded.friendly_name,
               fixture = 1, date_updated = excluded.date_updated`,
          )
          .run(a.sid, a.auth_token, a.friendly_name ?? `${a.sid} account`, now, now);
        for (const k of a.api_keys ?? []) {
          this.db
            .stmt(
              `INSERT INTO twilio_api_keys (sid, account_sid, secret, fixture, date_created) VALUES (?, ?, ?, 1, ?)
               ON CONFLICT (sid) DO UPDATE SET account_sid = excluded.account_sid, secret = excluded.secret, fixture = 1`,
            )
            .run(k.sid, a.sid, k.secret, now);
        }
      }
    });
    this.tokens.clear();
  }

  /** The account's token; an unknown account is created with `offered` as its token. */
  async tokenFor(sid: string, offered: string): Promise<string> {
    const hit = this.tokens.get(sid);
    if (hit !== undefined) return hit;
    const row = this.store.getAccount.get(sid) as AccountRow | undefined;
    if (row) {
      this.tokens.set(sid, row.auth_token);
      return row.auth_token;
    }
    const created = await this.db.write(() => this.ensure(sid, offered));
    this.tokens.set(sid, created.auth_token);
    return created.auth_token;
  }

  /** The key's secret and account; an unknown key is bound to `account` with `offered`. */
  async keyFor(sid: string, offered: string, account: string): Promise<{ secret: string; account: string }> {
    const row = this.store.getApiKey.get(sid) as ApiKeyRow | undefined;
    if (row) return { secret: row.secret, account: row.account_sid };
    const created = await this.db.write(() => {
      this.ensure(account, this.defaultAuthToken);
      const now = this.clock.now();
      this.store.insertApiKey.run({ sid, account_sid: account, secret: offered, fixture: 0, now });
      return this.store.getApiKey.get(sid) as ApiKeyRow;
    });
    return { secret: created.secret, account: created.account_sid };
  }

  /** A key already bound to an account, without binding an unknown one. */
  knownKey(sid: string): { secret: string; account: string } | undefined {
    const row = this.store.getApiKey.get(sid) as ApiKeyRow | undefined;
    return row ? { secret: row.secret, account: row.account_sid } : undefined;
  }

  get(sid: string): AccountRow | undefined {
    return this.store.getAccount.get(sid) as AccountRow | undefined;
  }

  /** Must run inside a write. */
  private ensure(sid: string, token: string): AccountRow {
    const now = this.clock.now();
    this.store.insertAccount.run({ sid, auth_token: token, friendly_name: `${sid} account`, fixture: 0, now });
    return this.store.getAccount.get(sid) as AccountRow;
  }

  forget(): void {
    this.tokens.clear();
  }
}
