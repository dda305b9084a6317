import { first, parseBool, twilioSid, type FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { verifyErrors } from '../../errors-verify.js';
import type { VerifyServiceRow } from '../../store-verify.js';

/** Form keys kept as they are (push, totp, whatsapp and passkeys settings). */
const NESTED = /^(Push|Totp|Whatsapp|Passkeys)\./;
const INTEGER_KEYS = new Set(['Totp.TimeStep', 'Totp.CodeLength', 'Totp.Skew']);
const BOOLEAN_KEYS = new Set(['Push.IncludeDate']);

export function readBool(form: FormValues, name: string, dflt: boolean): boolean {
  const raw = first(form, name);
  if (raw === undefined) return dflt;
  const b = parseBool(raw);
  if (b === undefined) throw verifyErrors.invalid(name);
  return b;
}

/** POST /verify/v2/Services */
export async function CreateService(ctx: TwilioContext, account: string, form: FormValues): Promise<VerifyServiceRow> {
  const name = first(form, 'FriendlyName');
  if (name === undefined || name.trim() === '') throw verifyErrors.missing('FriendlyName');
  // Up to 30 characters, and no more than 4 digits (a name must not look like a phone number).
  if (name.length > 30 || (name.match(/\d/g) ?? []).length > 4) throw verifyErrors.invalid('FriendlyName');
  const lengthRaw = first(form, 'CodeLength');
  let codeLength = 6;
  if (lengthRaw !== undefined) {
    codeLength = Number(lengthRaw);
    if (!/^\d+$/.test(lengthRaw) || codeLength < 4 || codeLength > 10) throw verifyErrors.invalid('CodeLength');
  }
  const template = first(form, 'DefaultTemplateSid');
  if (template !== undefined && !/^HJ[0-9a-fA-F]{32}$/.test(template)) throw verifyErrors.invalid('DefaultTemplateSid');
  const params: Record<string, string | number | boolean> = {};
  for (const [k, vs] of form) {
    if (!NESTED.test(k)) continue;
    const v = vs[0];
    if (INTEGER_KEYS.has(k)) {
      if (!/^\d+$/.test(v)) throw verifyErrors.invalid(k);
      params[k] = Number(v);
    } else if (BOOLEAN_KEYS.has(k)) {
      params[k] = readBool(form, k, false);
    } else params[k] = v;
  }
  const now = ctx.clock.now();
  const row: VerifyServiceRow = {
    seq: 0,
    sid: twilioSid('VA'),
    account_sid: account,
    friendly_name: name,
    code_length: codeLength,
    lookup_enabled: Number(readBool(form, 'LookupEnabled', true)),
    psd2_enabled: Number(readBool(form, 'Psd2Enabled', false)),
    skip_sms_to_landlines: Number(readBool(form, 'SkipSmsToLandlines', false)),
    dtmf_input_required: Number(readBool(form, 'DtmfInputRequired', true)),
    tts_name: first(form, 'TtsName') ?? null,
    do_not_share_warning_enabled: Number(readBool(form, 'DoNotShareWarningEnabled', false)),
    custom_code_enabled: Number(readBool(form, 'CustomCodeEnabled', false)),
    default_template_sid: template ?? null,
    verify_event_subscription_enabled: Number(readBool(form, 'VerifyEventSubscriptionEnabled', false)),
    params: JSON.stringify(params),
    date_created: now,
    date_updated: now,
  };
  await ctx.db.write(() => {
    row.seq = Number(ctx.verify.insertService.run(row).lastInsertRowid);
  });
  ctx.bus.emit({
    provider: 'twilio',
    type: 'twilio.verify_service.created',
    tenant: account,
    id: row.sid,
    summary: `Verify service ${name}`,
    time: new Date(now).toISOString(),
  });
  return row;
}
