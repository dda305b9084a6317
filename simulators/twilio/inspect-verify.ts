import type { InspectQuery } from '../../src/core/index.js';
import type { TwilioContext } from './context.js';
import { normalizeNumber } from './phone.js';
import { isoSeconds, serializeAttempts } from './serializers-verify.js';
import { effectiveStatus, type AttemptRow, type VerificationRow } from './store-verify.js';

/** /__inspect/twilio/verifications?to=&status=&service_sid= : newest first, code included. */
export function inspectVerifications(ctx: TwilioContext, q: InspectQuery): unknown[] {
  const now = ctx.clock.now();
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.tenant) (where.push('account_sid = ?'), args.push(q.tenant));
  const to = q.params.get('to');
  if (to) (where.push('to_address = ?'), args.push(to.includes('@') ? to : normalizeNumber(to.replace(/^ /, '+'))));
  const service = q.params.get('service_sid');
  if (service) (where.push('service_sid = ?'), args.push(service));
  const status = q.params.get('status');
  if (status === 'pending') (where.push("status = 'pending' AND expires_at > ?"), args.push(now));
  else if (status === 'expired') (where.push("status = 'pending' AND expires_at <= ?"), args.push(now));
  else if (status) (where.push('status = ?'), args.push(status));
  if (q.sinceTime !== undefined) (where.push('date_created > ?'), args.push(q.sinceTime));
  if (q.sinceId !== undefined) {
    where.push('seq > COALESCE((SELECT seq FROM twilio_verifications WHERE sid = ?), 9e18)');
    args.push(q.sinceId);
  }
  const sql = `SELECT * FROM twilio_verifications ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
  const rows = ctx.db.stmt(sql).all(...args, q.limit) as VerificationRow[];
  return rows.map((v) => {
    const attempts = ctx.verify.attemptsOf.all(v.sid) as AttemptRow[];
    return {
      sid: v.sid,
      service_sid: v.service_sid,
      account_sid: v.account_sid,
      to: v.to_address,
      channel: v.channel,
      status: effectiveStatus(v, now),
      code: v.code,
      check_attempts: v.check_attempts,
      send_code_attempts: serializeAttempts(attempts),
      message_sids: attempts.flatMap((a) => (a.message_sid ? [a.message_sid] : [])),
      amount: v.amount,
      payee: v.payee,
      date_created: isoSeconds(v.date_created),
      date_updated: isoSeconds(v.date_updated),
      expires_at: isoSeconds(v.expires_at),
    };
  });
}
