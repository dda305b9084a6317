import type { Database, Statement } from '../../src/db/index.js';

export interface NumberRow {
  seq: number;
  sid: string;
  account_sid: string;
  phone_number: string;
  friendly_name: string;
  sms_url: string | null;
  sms_method: string;
  sms_fallback_url: string | null;
  sms_fallback_method: string;
  voice_url: string | null;
  voice_method: string;
  voice_fallback_url: string | null;
  voice_fallback_method: string;
  status_callback: string | null;
  status_callback_method: string;
  fixture: number;
  date_created: number;
  date_updated: number;
}

export const NUMBER_FIELDS: [param: string, column: keyof NumberRow][] = [
  ['FriendlyName', 'friendly_name'],
  ['SmsUrl', 'sms_url'],
  ['SmsMethod', 'sms_method'],
  ['SmsFallbackUrl', 'sms_fallback_url'],
  ['SmsFallbackMethod', 'sms_fallback_method'],
  ['VoiceUrl', 'voice_url'],
  ['VoiceMethod', 'voice_method'],
  ['VoiceFallbackUrl', 'voice_fallback_url'],
  ['VoiceFallbackMethod', 'voice_fallback_method'],
  ['StatusCallback', 'status_callback'],
  ['StatusCallbackMethod', 'status_callback_method'],
];

/** Prepared statements for IncomingPhoneNumbers and opt-outs. */
export class NumberStore {
  readonly insert: Statement;
  readonly get: Statement;
  readonly byNumber: Statement;
  readonly anyByNumber: Statement;
  readonly remove: Statement;
  readonly optOut: Statement;
  readonly optIn: Statement;
  readonly isOptedOut: Statement;

  constructor(private readonly db: Database) {
    const s = db.sql;
    this.insert = s.prepare(
      `INSERT INTO twilio_numbers (sid, account_sid, phone_number, friendly_name, sms_url, sms_method, sms_fallback_url,
         sms_fallback_method, voice_url, voice_method, voice_fallback_url, voice_fallback_method, status_callback,
         status_callback_method, fixture, date_created, date_updated)
       VALUES (@sid, @account_sid, @phone_number, @friendly_name, @sms_url, @sms_method, @sms_fallback_url,
         @sms_fallback_method, @voice_url, @voice_method, @voice_fallback_url, @voice_fallback_method, @status_callback,
         @status_callback_method, @fixture, @date_created, @date_updated)`,
    );
    this.get = s.prepare('SELECT * FROM twilio_numbers WHERE account_sid = ? AND sid = ?');
    this.byNumber = s.prepare('SELECT * FROM twilio_numbers WHERE account_sid = ? AND phone_number = ?');
    this.anyByNumber = s.prepare('SELECT * FROM twilio_numbers WHERE phone_number = ? ORDER BY seq');
    this.remove = s.prepare('DELETE FROM twilio_numbers WHERE account_sid = ? AND sid = ?');
    this.optOut = s.prepare('INSERT OR IGNORE INTO twilio_opt_outs (account_sid, person, number, created) VALUES (?, ?, ?, ?)');
    this.optIn = s.prepare('DELETE FROM twilio_opt_outs WHERE account_sid = ? AND person = ? AND number = ?');
    this.isOptedOut = s.prepare('SELECT 1 FROM twilio_opt_outs WHERE account_sid = ? AND person = ? AND number = ?').pluck();
  }

  update(account: string, sid: string, changes: Partial<NumberRow>, now: number): void {
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    const set = keys.map((k) => `${k} = @${k}`).join(', ');
    this.db
      .stmt(`UPDATE twilio_numbers SET ${set}, date_updated = @now WHERE account_sid = @account AND sid = @sid`)
      .run({ ...changes, now, account, sid });
  }

  list(account: string, f: { phoneNumber?: string; friendlyName?: string }, limit: number, offset: number): NumberRow[] {
    const where = ['account_sid = ?'];
    const args: unknown[] = [account];
    if (f.phoneNumber) (where.push('phone_number LIKE ?'), args.push(`%${f.phoneNumber.replace(/[%_]/g, '')}%`));
    if (f.friendlyName) (where.push('friendly_name = ?'), args.push(f.friendlyName));
    return this.db
      .stmt(`SELECT * FROM twilio_numbers WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as NumberRow[];
  }

  reset(tenant?: string): void {
    const s = this.db.sql;
    if (tenant) {
      s.prepare('DELETE FROM twilio_numbers WHERE account_sid = ? AND fixture = 0').run(tenant);
      s.prepare('DELETE FROM twilio_opt_outs WHERE account_sid = ?').run(tenant);
    } else {
      s.prepare('DELETE FROM twilio_numbers WHERE fixture = 0').run();
      s.prepare('DELETE FROM twilio_opt_outs').run();
    }
  }
}
