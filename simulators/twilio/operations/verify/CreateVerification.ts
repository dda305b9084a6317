import { createHash } from 'node:crypto';
import { first, twilioSid, type FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { verifyErrors } from '../../errors-verify.js';
import { newMessageRow } from '../../message-rows.js';
import { normalizeNumber } from '../../phone.js';
import { analyzeNumber, lineTypeOf } from '../../phone-intel.js';
import { VERIFICATION_TTL_MS, type AttemptRow, type VerificationRow, type VerifyServiceRow } from '../../store-verify.js';
import type { MessageRow } from '../../store.js';
import { requireService } from './FetchService.js';

export const CHANNELS = ['sms', 'call', 'email', 'whatsapp'] as const;
/** The sender of Verify's SMS in the simulator (Twilio picks one of its own numbers). */
export const VERIFY_SMS_FROM = '+18555550100';
const MAX_SENDS = 5;
const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A code that looks random but follows from the verification SID (reproducible in a replay). */
export function deriveCode(sid: string, length: number): string {
  const n = BigInt('0x' + createHash('sha256').update(sid).digest('hex'));
  return (n % 10n ** BigInt(length)).toString().padStart(length, '0');
}

/** The `To` of a verification: an E.164 number (separators removed) or an email address. */
export function readTo(raw: string, channel: string): string {
  if (channel === 'email') {
    if (!EMAIL.test(raw.trim())) throw verifyErrors.invalid('To');
    return raw.trim();
  }
  const to = normalizeNumber(raw);
  if (!E164.test(to)) throw verifyErrors.invalid('To');
  return to;
}

export interface CreatedVerification {
  verification: VerificationRow;
  attempts: AttemptRow[];
  message: MessageRow | null;
}

function smsBody(service: VerifyServiceRow, name: string, code: string): string {
  const body = `Your ${name} verification code is: ${code}`;
  return service.do_not_share_warning_enabled
    ? `${body}. Don\u2019t share this code with anyone; our employees will never ask for the code`
    : body;
}

/**
 * POST /verify/v2/Services/{ServiceSid}/Verifications
 * A pending verification to the same `To` is sent again (same SID and code, one more
 * send_code_attempt); five sends to one `To` within 10 minutes are the most Twilio allows.
 */
export async function CreateVerification(
  ctx: TwilioContext,
  account: string,
  serviceSid: string,
  form: FormValues,
): Promise<CreatedVerification> {
  const service = requireService(ctx, account, serviceSid, `/Services/${serviceSid}/Verifications`);
  const rawTo = first(form, 'To');
  if (rawTo === undefined || rawTo.trim() === '') throw verifyErrors.missing('To');
  const channelRaw = first(form, 'Channel');
  if (channelRaw === undefined || channelRaw === '') throw verifyErrors.missing('Channel');
  const channel = channelRaw.toLowerCase();
  if (!(CHANNELS as readonly string[]).includes(channel)) throw verifyErrors.invalid('Channel');
  const to = readTo(rawTo, channel);
  const custom = first(form, 'CustomCode');
  if (custom !== undefined && (!service.custom_code_enabled || !/^[0-9A-Za-z]{4,10}$/.test(custom))) {
    throw verifyErrors.invalid('CustomCode');
  }
  const name = first(form, 'CustomFriendlyName') || service.friendly_name;

  let lookup: Record<string, unknown> = {};
  if (channel !== 'email' && service.lookup_enabled) {
    const info = analyzeNumber(to);
    const line = info.valid
      ? lineTypeOf(info)
      : { carrier_name: null, error_code: 60600, mobile_country_code: null, mobile_network_code: null, type: null };
    lookup = {
      carrier: {
        mobile_country_code: line.mobile_country_code,
        type: line.type,
        error_code: line.error_code,
        mobile_network_code: line.mobile_network_code,
        name: line.carrier_name,
      },
    };
    if (channel === 'sms' && service.skip_sms_to_landlines && line.type === 'landline') throw verifyErrors.landline();
  }
  const psd2 = service.psd2_enabled === 1;
  const now = ctx.clock.now(account);

  const result = await ctx.db.write((): CreatedVerification => {
    const sends = ctx.verify.countRecentSends.get(account, serviceSid, to, now - VERIFICATION_TTL_MS) as number;
    if (sends >= MAX_SENDS) throw verifyErrors.maxSendAttempts();
    const prior = ctx.verify.latestForTo.get(account, serviceSid, to) as VerificationRow | undefined;
    let v: VerificationRow;
    if (prior && prior.status === 'pending' && now < prior.expires_at) {
      v = { ...prior, channel, date_updated: now };
      ctx.verify.updateVerification.run(v);
    } else {
      const sid = twilioSid('VE');
      v = {
        seq: 0,
        sid,
        account_sid: account,
        service_sid: serviceSid,
        to_address: to,
        channel,
        status: 'pending',
        code: ctx.verify.fixedCode ?? custom ?? deriveCode(sid, service.code_length),
        check_attempts: 0,
        amount: psd2 ? (first(form, 'Amount') ?? null) : null,
        payee: psd2 ? (first(form, 'Payee') ?? null) : null,
        lookup: JSON.stringify(lookup),
        date_created: now,
        date_updated: now,
        expires_at: now + VERIFICATION_TTL_MS,
      };
      v.seq = Number(ctx.verify.insertVerification.run(v).lastInsertRowid);
    }
    let message: MessageRow | null = null;
    if (channel === 'sms' || channel === 'whatsapp') {
      const body = smsBody(service, name, v.code);
      const wa = channel === 'whatsapp' ? 'whatsapp:' : '';
      const m = newMessageRow(
        ctx,
        {
          account_sid: account,
          to_number: wa + to,
          from_number: wa + VERIFY_SMS_FROM,
          body,
          status: 'queued',
          direction: 'outbound-api',
          params: JSON.stringify({ VerificationSid: [v.sid] }),
          date_created: now,
          date_updated: now,
        },
        0,
      );
      m.next_step_at = ctx.lifecycle.nextStepAt(account, 'queued', now);
      m.outcome = ctx.lifecycle.outcomeFor(account, m.sid, wa + to);
      m.seq = Number(ctx.store.insertMessage.run(m).lastInsertRowid);
      message = m;
    }
    ctx.verify.insertAttempt.run({
      sid: twilioSid('VL'),
      account_sid: account,
      service_sid: serviceSid,
      verification_sid: v.sid,
      to_address: to,
      channel,
      message_sid: message?.sid ?? null,
      time: now,
    });
    return { verification: v, attempts: ctx.verify.attemptsOf.all(v.sid) as AttemptRow[], message };
  });

  const time = new Date(now).toISOString();
  ctx.bus.emit({
    provider: 'twilio',
    type: 'twilio.verification.created',
    tenant: account,
    id: result.verification.sid,
    summary: `${channel} verification to ${to} (send ${result.attempts.length})`,
    time,
  });
  if (result.message) {
    const m = result.message;
    ctx.lifecycle.schedule(m.next_step_at);
    ctx.bus.emit({
      provider: 'twilio',
      type: 'twilio.message.created',
      tenant: account,
      id: m.sid,
      summary: `${m.status} ${m.from_number} -> ${m.to_number}: ${m.body.slice(0, 60)}`,
      time,
    });
  }
  return result;
}
