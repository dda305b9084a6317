import type { Database, Statement } from '../../src/db/index.js';

export interface AccountRow {
  sid: string;
  auth_token: string;
  friendly_name: string;
  status: string;
  fixture: number;
  date_created: number;
  date_updated: number;
}

export interface ApiKeyRow {
  sid: string;
  account_sid: string;
  secret: string;
  fixture: number;
  date_created: number;
}

export interface MessageRow {
  seq: number;
  sid: string;
  account_sid: string;
  to_number: string;
  from_number: string | null;
  body: string;
  status: string;
  direction: string;
  num_segments: number;
  num_media: number;
  messaging_service_sid: string | null;
  error_code: number | null;
  error_message: string | null;
  price: string | null;
  price_unit: string;
  date_created: number;
  date_updated: number;
  date_sent: number | null;
  send_at: number | null;
  status_callback: string | null;
  params: string;
  /** when the next lifecycle step is due (null: final, or waiting for /advance) */
  next_step_at: number | null;
  /** planned end: 'delivered', 'undelivered:30003', 'failed:30008' */
  outcome: string | null;
}

export interface MediaRow {
  seq: number;
  sid: string;
  account_sid: string;
  message_sid: string;
  content_type: string;
  url: string;
  date_created: number;
  date_updated: number;
}

export interface MessageFilter {
  account: string;
  to?: string;
  from?: string;
  status?: string;
  /** date_sent (or date_created while unsent) within [after, before], both inclusive, ms */
  sentAfter?: number;
  sentBefore?: number;
  /** only rows newer than this seq */
  afterSeq?: number;
  createdAfter?: number;
}

/** Prepared statements of the Twilio simulator. */
export class TwilioStore {
  readonly getAccount: Statement;
  readonly insertAccount: Statement;
  readonly listAccounts: Statement;
  readonly getApiKey: Statement;
  readonly insertApiKey: Statement;
  readonly insertMessage: Statement;
  readonly getMessage: Statement;
  readonly getMessageSeq: Statement;
  readonly deleteMessage: Statement;
  readonly updateMessageBody: Statement;
  readonly updateMessageStatus: Statement;
  readonly insertMedia: Statement;
  readonly listMedia: Statement;
  readonly getMedia: Statement;
  readonly deleteMedia: Statement;
  readonly deleteMediaOfMessage: Statement;
  readonly countMediaOfMessage: Statement;
  readonly setNumMedia: Statement;
  /** outcome, next_step_at, sid */
  readonly planMessage: Statement;

  constructor(private readonly db: Database) {
    const s = db.sql;
    this.getAccount = s.prepare('SELECT * FROM twilio_accounts WHERE sid = ?');
    this.insertAccount = s.prepare(
      `INSERT OR IGNORE INTO twilio_accounts (sid, auth_token, friendly_name, status, fixture, date_created, date_updated)
       VALUES (@sid, @auth_token, @friendly_name, 'active', @fixture, @now, @now)`,
    );
    this.listAccounts = s.prepare('SELECT * FROM twilio_accounts ORDER BY date_created');
    this.getApiKey = s.prepare('SELECT * FROM twilio_api_keys WHERE sid = ?');
    this.insertApiKey = s.prepare(
      `INSERT OR IGNORE INTO twilio_api_keys (sid, account_sid, secret, fixture, date_created)
       VALUES (@sid, @account_sid, @secret, @fixture, @now)`,
    );
    this.insertMessage = s.prepare(
      `INSERT INTO twilio_messages (sid, account_sid, to_number, from_number, body, status, direction, num_segments,
         num_media, messaging_service_sid, error_code, error_message, price, price_unit, date_created, date_updated,
         date_sent, send_at, status_callback, params, next_step_at, outcome)
       VALUES (@sid, @account_sid, @to_number, @from_number, @body, @status, @direction, @num_segments,
         @num_media, @messaging_service_sid, @error_code, @error_message, @price, @price_unit, @date_created,
         @date_updated, @date_sent, @send_at, @status_callback, @params, @next_step_at, @outcome)`,
    );
    this.getMessage = s.prepare('SELECT * FROM twilio_messages WHERE account_sid = ? AND sid = ?');
    this.getMessageSeq = s.prepare('SELECT seq FROM twilio_messages WHERE account_sid = ? AND sid = ?').pluck();
    this.deleteMessage = s.prepare('DELETE FROM twilio_messages WHERE account_sid = ? AND sid = ?');
    this.updateMessageBody = s.prepare(
      'UPDATE twilio_messages SET body = ?, date_updated = ? WHERE account_sid = ? AND sid = ?',
    );
    this.updateMessageStatus = s.prepare(
      'UPDATE twilio_messages SET status = ?, date_updated = ? WHERE account_sid = ? AND sid = ?',
    );
    this.insertMedia = s.prepare(
      `INSERT INTO twilio_media (sid, account_sid, message_sid, content_type, url, date_created, date_updated)
       VALUES (@sid, @account_sid, @message_sid, @content_type, @url, @date_created, @date_updated)`,
    );
    this.listMedia = s.prepare(
      'SELECT * FROM twilio_media WHERE account_sid = ? AND message_sid = ? ORDER BY seq DESC LIMIT ? OFFSET ?',
    );
    this.getMedia = s.prepare('SELECT * FROM twilio_media WHERE account_sid = ? AND message_sid = ? AND sid = ?');
    this.deleteMedia = s.prepare('DELETE FROM twilio_media WHERE account_sid = ? AND message_sid = ? AND sid = ?');
    this.deleteMediaOfMessage = s.prepare('DELETE FROM twilio_media WHERE account_sid = ? AND message_sid = ?');
    this.countMediaOfMessage = s.prepare('SELECT COUNT(*) FROM twilio_media WHERE account_sid = ? AND message_sid = ?').pluck();
    this.planMessage = s.prepare('UPDATE twilio_messages SET outcome = ?, next_step_at = ? WHERE sid = ?');
    this.setNumMedia = s.prepare('UPDATE twilio_messages SET num_media = ?, date_updated = ? WHERE account_sid = ? AND sid = ?');
  }

  private where(f: MessageFilter): { sql: string; args: unknown[] } {
    const where = ['account_sid = ?'];
    const args: unknown[] = [f.account];
    if (f.to !== undefined) (where.push('to_number = ?'), args.push(f.to));
    if (f.from !== undefined) (where.push('from_number = ?'), args.push(f.from));
    if (f.status !== undefined) (where.push('status = ?'), args.push(f.status));
    if (f.sentAfter !== undefined) (where.push('COALESCE(date_sent, date_created) >= ?'), args.push(f.sentAfter));
    if (f.sentBefore !== undefined) (where.push('COALESCE(date_sent, date_created) <= ?'), args.push(f.sentBefore));
    if (f.afterSeq !== undefined) (where.push('seq > ?'), args.push(f.afterSeq));
    if (f.createdAfter !== undefined) (where.push('date_created > ?'), args.push(f.createdAfter));
    return { sql: where.join(' AND '), args };
  }

  /**
   * Newest first. `beforeSeq` pages backwards in time (next page), `afterSeqAsc` forwards
   * (previous page); keyset paging stays correct while new messages arrive.
   */
  listMessages(f: MessageFilter, page: { limit: number; offset?: number; beforeSeq?: number; afterSeqAsc?: number }): MessageRow[] {
    const w = this.where(f);
    if (page.afterSeqAsc !== undefined) {
      const rows = this.db
        .stmt(`SELECT * FROM twilio_messages WHERE ${w.sql} AND seq > ? ORDER BY seq ASC LIMIT ?`)
        .all(...w.args, page.afterSeqAsc, page.limit) as MessageRow[];
      return rows.reverse();
    }
    let sql = `SELECT * FROM twilio_messages WHERE ${w.sql}`;
    const args = [...w.args];
    if (page.beforeSeq !== undefined) (sql += ' AND seq < ?'), args.push(page.beforeSeq);
    sql += ' ORDER BY seq DESC LIMIT ? OFFSET ?';
    args.push(page.limit, page.offset ?? 0);
    return this.db.stmt(sql).all(...args) as MessageRow[];
  }

  /** Is there any matching row older than `seq` (for next_page_uri)? */
  hasOlder(f: MessageFilter, seq: number): boolean {
    const w = this.where(f);
    return !!this.db.stmt(`SELECT 1 FROM twilio_messages WHERE ${w.sql} AND seq < ? LIMIT 1`).get(...w.args, seq);
  }

  hasNewer(f: MessageFilter, seq: number): boolean {
    const w = this.where(f);
    return !!this.db.stmt(`SELECT 1 FROM twilio_messages WHERE ${w.sql} AND seq > ? LIMIT 1`).get(...w.args, seq);
  }

  seqOf(account: string, sid: string): number | undefined {
    return this.getMessageSeq.get(account, sid) as number | undefined;
  }

  reset(tenant?: string): void {
    const tables = ['twilio_media', 'twilio_messages'];
    if (tenant) {
      for (const t of tables) this.db.stmt(`DELETE FROM ${t} WHERE account_sid = ?`).run(tenant);
      this.db.stmt('DELETE FROM twilio_api_keys WHERE account_sid = ? AND fixture = 0').run(tenant);
      this.db.stmt('DELETE FROM twilio_accounts WHERE sid = ? AND fixture = 0').run(tenant);
      this.db.stmt('DELETE FROM twilio_outcome_rules WHERE tenant = ? AND fixture = 0').run(tenant);
    } else {
      for (const t of tables) this.db.stmt(`DELETE FROM ${t}`).run();
      this.db.stmt('DELETE FROM twilio_api_keys WHERE fixture = 0').run();
      this.db.stmt('DELETE FROM twilio_accounts WHERE fixture = 0').run();
      this.db.stmt('DELETE FROM twilio_outcome_rules WHERE fixture = 0').run();
    }
  }
}
