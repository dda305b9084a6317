import type { Database, Statement } from '../../src/db/index.js';
import type { NumberRow } from './store-numbers.js';

export interface ServiceRow {
  seq: number;
  sid: string;
  account_sid: string;
  friendly_name: string;
  inbound_request_url: string | null;
  inbound_method: string;
  fallback_url: string | null;
  fallback_method: string;
  status_callback: string | null;
  sticky_sender: number;
  mms_converter: number;
  smart_encoding: number;
  fallback_to_long_code: number;
  area_code_geomatch: number;
  synchronous_validation: number;
  validity_period: number;
  usecase: string;
  use_inbound_webhook_on_number: number;
  date_created: number;
  date_updated: number;
}

/** Form parameter -> column and type, for create and update. */
export const SERVICE_FIELDS: [string, keyof ServiceRow, 'string' | 'url' | 'method' | 'bool' | 'int'][] = [
  ['FriendlyName', 'friendly_name', 'string'],
  ['InboundRequestUrl', 'inbound_request_url', 'url'],
  ['InboundMethod', 'inbound_method', 'method'],
  ['FallbackUrl', 'fallback_url', 'url'],
  ['FallbackMethod', 'fallback_method', 'method'],
  ['StatusCallback', 'status_callback', 'url'],
  ['StickySender', 'sticky_sender', 'bool'],
  ['MmsConverter', 'mms_converter', 'bool'],
  ['SmartEncoding', 'smart_encoding', 'bool'],
  ['FallbackToLongCode', 'fallback_to_long_code', 'bool'],
  ['AreaCodeGeomatch', 'area_code_geomatch', 'bool'],
  ['SynchronousValidation', 'synchronous_validation', 'bool'],
  ['ValidityPeriod', 'validity_period', 'int'],
  ['Usecase', 'usecase', 'string'],
  ['UseInboundWebhookOnNumber', 'use_inbound_webhook_on_number', 'bool'],
];

export interface ServiceNumberRow {
  seq: number;
  service_sid: string;
  number_sid: string;
  account_sid: string;
  date_created: number;
  date_updated: number;
  phone_number: string;
}

/** Prepared statements for Messaging Services and their sender pools. */
export class MessagingStore {
  readonly get: Statement;
  readonly remove: Statement;
  readonly removeNumbers: Statement;
  readonly addNumber: Statement;
  readonly getNumber: Statement;
  readonly removeNumber: Statement;
  readonly senders: Statement;
  readonly serviceOfNumber: Statement;

  constructor(private readonly db: Database) {
    const s = db.sql;
    this.get = s.prepare('SELECT * FROM twilio_messaging_services WHERE account_sid = ? AND sid = ?');
    this.remove = s.prepare('DELETE FROM twilio_messaging_services WHERE account_sid = ? AND sid = ?');
    this.removeNumbers = s.prepare('DELETE FROM twilio_service_numbers WHERE account_sid = ? AND service_sid = ?');
    this.addNumber = s.prepare(
      `INSERT INTO twilio_service_numbers (service_sid, number_sid, account_sid, date_created, date_updated)
       VALUES (?, ?, ?, ?, ?)`,
    );
    this.getNumber = s.prepare(
      `SELECT sn.*, n.phone_number FROM twilio_service_numbers sn JOIN twilio_numbers n ON n.sid = sn.number_sid
       WHERE sn.account_sid = ? AND sn.service_sid = ? AND sn.number_sid = ?`,
    );
    this.removeNumber = s.prepare('DELETE FROM twilio_service_numbers WHERE account_sid = ? AND service_sid = ? AND number_sid = ?');
    // The sender pool, oldest first.
    this.senders = s.prepare(
      `SELECT n.* FROM twilio_service_numbers sn JOIN twilio_numbers n ON n.sid = sn.number_sid
       WHERE sn.account_sid = ? AND sn.service_sid = ? ORDER BY sn.seq`,
    );
    this.serviceOfNumber = s.prepare(
      `SELECT s.* FROM twilio_service_numbers sn JOIN twilio_messaging_services s ON s.sid = sn.service_sid
       WHERE sn.number_sid = ? ORDER BY sn.seq LIMIT 1`,
    );
  }

  insert(row: ServiceRow): number {
    const cols = Object.keys(row).filter((k) => k !== 'seq');
    return Number(
      this.db
        .stmt(`INSERT INTO twilio_messaging_services (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`)
        .run(Object.fromEntries(cols.map((c) => [c, row[c as keyof ServiceRow]]))).lastInsertRowid,
    );
  }

  update(account: string, sid: string, changes: Partial<ServiceRow>, now: number): void {
    const keys = Object.keys(changes);
    if (!keys.length) return;
    this.db
      .stmt(`UPDATE twilio_messaging_services SET ${keys.map((k) => `${k} = @${k}`).join(', ')}, date_updated = @now WHERE account_sid = @account AND sid = @sid`)
      .run({ ...changes, now, account, sid });
  }

  list(account: string, limit: number, offset: number): ServiceRow[] {
    return this.db
      .stmt('SELECT * FROM twilio_messaging_services WHERE account_sid = ? ORDER BY seq DESC LIMIT ? OFFSET ?')
      .all(account, limit, offset) as ServiceRow[];
  }

  listNumbers(account: string, service: string, limit: number, offset: number): ServiceNumberRow[] {
    return this.db
      .stmt(
        `SELECT sn.*, n.phone_number FROM twilio_service_numbers sn JOIN twilio_numbers n ON n.sid = sn.number_sid
         WHERE sn.account_sid = ? AND sn.service_sid = ? ORDER BY sn.seq DESC LIMIT ? OFFSET ?`,
      )
      .all(account, service, limit, offset) as ServiceNumberRow[];
  }

  sendersOf(account: string, service: string): NumberRow[] {
    return this.senders.all(account, service) as NumberRow[];
  }

  reset(tenant?: string): void {
    const s = this.db.sql;
    if (tenant) {
      s.prepare('DELETE FROM twilio_service_numbers WHERE account_sid = ?').run(tenant);
      s.prepare('DELETE FROM twilio_messaging_services WHERE account_sid = ?').run(tenant);
    } else {
      s.prepare('DELETE FROM twilio_service_numbers').run();
      s.prepare('DELETE FROM twilio_messaging_services').run();
    }
  }
}
