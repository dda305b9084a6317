import type { Database, Statement } from '../../src/db/index.js';

export interface VerifyServiceRow {
  seq: number;
  sid: string;
  account_sid: string;
  friendly_name: string;
  code_length: number;
  lookup_enabled: number;
  psd2_enabled: number;
  skip_sms_to_landlines: number;
  dtmf_input_required: number;
  tts_name: string | null;
  do_not_share_warning_enabled: number;
  custom_code_enabled: number;
  default_template_sid: string | null;
  verify_event_subscription_enabled: number;
  params: string;
  date_created: number;
  date_updated: number;
}

export interface VerificationRow {
  seq: number;
  sid: string;
  account_sid: string;
  service_sid: string;
  to_address: string;
  channel: string;
  status: string;
  code: string;
  check_attempts: number;
  amount: string | null;
  payee: string | null;
  lookup: string;
  date_created: number;
  date_updated: number;
  expires_at: number;
}

export interface AttemptRow {
  seq: number;
  sid: string;
  account_sid: string;
  service_sid: string;
  verification_sid: string;
  to_address: string;
  channel: string;
  message_sid: string | null;
  time: number;
}

/** A verification is usable for 10 minutes; send attempts are counted over the same window. */
export const VERIFICATION_TTL_MS = 10 * 60 * 1000;

/** Prepared statements of Verify v2, and the fixed code knob. */
export class VerifyStore {
  readonly insertService: Statement;
  readonly getService: Statement;
  readonly insertVerification: Statement;
  readonly getVerification: Statement;
  readonly latestForTo: Statement;
  readonly updateVerification: Statement;
  readonly insertAttempt: Statement;
  readonly attemptsOf: Statement;
  readonly countRecentSends: Statement;

  constructor(
    private readonly db: Database,
    /** Every new verification gets this code when set (twilio.verifyFixedCode). */
    readonly fixedCode: string | undefined,
  ) {
    const s = db.sql;
    this.insertService = s.prepare(
      `INSERT INTO twilio_verify_services (sid, account_sid, friendly_name, code_length, lookup_enabled, psd2_enabled,
         skip_sms_to_landlines, dtmf_input_required, tts_name, do_not_share_warning_enabled, custom_code_enabled,
         default_template_sid, verify_event_subscription_enabled, params, date_created, date_updated)
       VALUES (@sid, @account_sid, @friendly_name, @code_length, @lookup_enabled, @psd2_enabled,
         @skip_sms_to_landlines, @dtmf_input_required, @tts_name, @do_not_share_warning_enabled, @custom_code_enabled,
         @default_template_sid, @verify_event_subscription_enabled, @params, @date_created, @date_updated)`,
    );
    this.getService = s.prepare('SELECT * FROM twilio_verify_services WHERE account_sid = ? AND sid = ?');
    this.insertVerification = s.prepare(
      `INSERT INTO twilio_verifications (sid, account_sid, service_sid, to_address, channel, status, code, check_attempts,
         amount, payee, lookup, date_created, date_updated, expires_at)
       VALUES (@sid, @account_sid, @service_sid, @to_address, @channel, @status, @code, @check_attempts,
         @amount, @payee, @lookup, @date_created, @date_updated, @expires_at)`,
    );
    this.getVerification = s.prepare('SELECT * FROM twilio_verifications WHERE account_sid = ? AND service_sid = ? AND sid = ?');
    this.latestForTo = s.prepare(
      'SELECT * FROM twilio_verifications WHERE account_sid = ? AND service_sid = ? AND to_address = ? ORDER BY seq DESC LIMIT 1',
    );
    this.updateVerification = s.prepare(
      `UPDATE twilio_verifications SET status = @status, channel = @channel, check_attempts = @check_attempts,
         date_updated = @date_updated WHERE sid = @sid`,
    );
    this.insertAttempt = s.prepare(
      `INSERT INTO twilio_verification_attempts (sid, account_sid, service_sid, verification_sid, to_address, channel,
         message_sid, time)
       VALUES (@sid, @account_sid, @service_sid, @verification_sid, @to_address, @channel, @message_sid, @time)`,
    );
    this.attemptsOf = s.prepare('SELECT * FROM twilio_verification_attempts WHERE verification_sid = ? ORDER BY seq');
    this.countRecentSends = s
      .prepare(
        'SELECT COUNT(*) FROM twilio_verification_attempts WHERE account_sid = ? AND service_sid = ? AND to_address = ? AND time > ?',
      )
      .pluck();
  }

  /** Services of an account, oldest first, after/before a seq (keyset paging). */
  listServices(account: string, page: { limit: number; offset?: number; afterSeq?: number; beforeSeqDesc?: number }): VerifyServiceRow[] {
    const s = this.db.sql;
    if (page.beforeSeqDesc !== undefined) {
      const rows = s
        .prepare('SELECT * FROM twilio_verify_services WHERE account_sid = ? AND seq < ? ORDER BY seq DESC LIMIT ?')
        .all(account, page.beforeSeqDesc, page.limit) as VerifyServiceRow[];
      return rows.reverse();
    }
    return s
      .prepare('SELECT * FROM twilio_verify_services WHERE account_sid = ? AND seq > ? ORDER BY seq ASC LIMIT ? OFFSET ?')
      .all(account, page.afterSeq ?? 0, page.limit, page.offset ?? 0) as VerifyServiceRow[];
  }

  hasService(account: string, cmp: '<' | '>', seq: number): boolean {
    return !!this.db.stmt(`SELECT 1 FROM twilio_verify_services WHERE account_sid = ? AND seq ${cmp} ? LIMIT 1`).get(account, seq);
  }

  /** Must run inside a transaction. */
  reset(tenant?: string): void {
    for (const t of ['twilio_verification_attempts', 'twilio_verifications', 'twilio_verify_services']) {
      if (tenant) this.db.stmt(`DELETE FROM ${t} WHERE account_sid = ?`).run(tenant);
      else this.db.stmt(`DELETE FROM ${t}`).run();
    }
  }
}

/** The status a verification shows now: a pending one past its 10 minutes has expired. */
export function effectiveStatus(v: VerificationRow, now: number): string {
  return v.status === 'pending' && now >= v.expires_at ? 'expired' : v.status;
}
