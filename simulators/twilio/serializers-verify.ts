import type { AttemptRow, VerificationRow, VerifyServiceRow } from './store-verify.js';
import { effectiveStatus } from './store-verify.js';

/** ISO 8601 in GMT without fractions, as Twilio's v1/v2 APIs write dates (`2026-11-25T18:00:00Z`). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const verifyBase = (publicUrl: string) => `${publicUrl}/verify/v2`;

const bool = (n: number) => n === 1;

/** A Verify Service exactly as verify.twilio.com returns it. */
export function serializeService(s: VerifyServiceRow, publicUrl: string): Record<string, unknown> {
  const p = JSON.parse(s.params) as Record<string, string | number | boolean | undefined>;
  const v = <T>(k: string) => (p[k] ?? null) as T | null;
  const url = `${verifyBase(publicUrl)}/Services/${s.sid}`;
  const origins = v<string>('Passkeys.RelyingParty.Origins');
  return {
    sid: s.sid,
    account_sid: s.account_sid,
    friendly_name: s.friendly_name,
    code_length: s.code_length,
    lookup_enabled: bool(s.lookup_enabled),
    psd2_enabled: bool(s.psd2_enabled),
    skip_sms_to_landlines: bool(s.skip_sms_to_landlines),
    dtmf_input_required: bool(s.dtmf_input_required),
    tts_name: s.tts_name,
    do_not_share_warning_enabled: bool(s.do_not_share_warning_enabled),
    custom_code_enabled: bool(s.custom_code_enabled),
    push: {
      include_date: p['Push.IncludeDate'] ?? false,
      apn_credential_sid: v('Push.ApnCredentialSid'),
      fcm_credential_sid: v('Push.FcmCredentialSid'),
    },
    totp: {
      issuer: v('Totp.Issuer'),
      time_step: v('Totp.TimeStep'),
      code_length: v('Totp.CodeLength'),
      skew: v('Totp.Skew'),
    },
    whatsapp: {
      msg_service_sid: v('Whatsapp.MsgServiceSid'),
      from: v('Whatsapp.From'),
    },
    passkeys: {
      relying_party: {
        id: v('Passkeys.RelyingParty.Id'),
        name: v('Passkeys.RelyingParty.Name'),
        origins: origins === null ? null : origins.split(',').map((o) => o.trim()),
      },
      authenticator_attachment: v('Passkeys.AuthenticatorAttachment'),
      discoverable_credentials: v('Passkeys.DiscoverableCredentials'),
      user_verification: v('Passkeys.UserVerification'),
    },
    default_template_sid: s.default_template_sid,
    verify_event_subscription_enabled: bool(s.verify_event_subscription_enabled),
    date_created: isoSeconds(s.date_created),
    date_updated: isoSeconds(s.date_updated),
    url,
    links: {
      verification_checks: `${url}/VerificationCheck`,
      verifications: `${url}/Verifications`,
      rate_limits: `${url}/RateLimits`,
      messaging_configurations: `${url}/MessagingConfigurations`,
      entities: `${url}/Entities`,
      webhooks: `${url}/Webhooks`,
      access_tokens: `${url}/AccessTokens`,
    },
  };
}

/** `send_code_attempts[].channel` as Twilio writes it: SMS, CALL, EMAIL in capitals, whatsapp not. */
function attemptChannel(channel: string): string {
  return channel === 'whatsapp' ? 'whatsapp' : channel.toUpperCase();
}

export function serializeAttempts(attempts: AttemptRow[]): Record<string, unknown>[] {
  return attempts.map((a) => ({ time: isoSeconds(a.time), channel: attemptChannel(a.channel), attempt_sid: a.sid }));
}

/** A Verification exactly as verify.twilio.com returns it. */
export function serializeVerification(v: VerificationRow, attempts: AttemptRow[], now: number, publicUrl: string): Record<string, unknown> {
  const status = effectiveStatus(v, now);
  return {
    sid: v.sid,
    service_sid: v.service_sid,
    account_sid: v.account_sid,
    to: v.to_address,
    channel: v.channel,
    status,
    valid: status === 'approved',
    date_created: isoSeconds(v.date_created),
    date_updated: isoSeconds(v.date_updated),
    lookup: JSON.parse(v.lookup) as unknown,
    amount: v.amount,
    payee: v.payee,
    send_code_attempts: serializeAttempts(attempts),
    sna: null,
    url: `${verifyBase(publicUrl)}/Services/${v.service_sid}/Verifications/${v.sid}`,
  };
}

/** A VerificationCheck exactly as verify.twilio.com returns it. */
export function serializeCheck(v: VerificationRow, now: number): Record<string, unknown> {
  const status = effectiveStatus(v, now);
  return {
    sid: v.sid,
    service_sid: v.service_sid,
    account_sid: v.account_sid,
    to: v.to_address,
    channel: v.channel,
    status,
    valid: status === 'approved',
    amount: v.amount,
    payee: v.payee,
    sna_attempts_error_codes: [],
    date_created: isoSeconds(v.date_created),
    date_updated: isoSeconds(v.date_updated),
  };
}

export interface V2Page {
  /** absolute URL of the list without query, e.g. http://127.0.0.1:4747/verify/v2/Services */
  url: string;
  key: string;
  page: number;
  pageSize: number;
  nextToken: string | null;
  previousToken: string | null;
}

function pageUrl(p: V2Page, page: number, token: string | null): string {
  const qs = new URLSearchParams();
  qs.set('PageSize', String(p.pageSize));
  qs.set('Page', String(page));
  if (token) qs.set('PageToken', token);
  return `${p.url}?${qs.toString()}`;
}

/** Twilio's v1/v2 list envelope: the items under `key`, and `meta` with absolute page URLs. */
export function v2List(items: unknown[], p: V2Page): Record<string, unknown> {
  return {
    [p.key]: items,
    meta: {
      page: p.page,
      page_size: p.pageSize,
      first_page_url: pageUrl(p, 0, null),
      previous_page_url: p.previousToken ? pageUrl(p, Math.max(0, p.page - 1), p.previousToken) : null,
      url: pageUrl(p, p.page, null),
      next_page_url: p.nextToken ? pageUrl(p, p.page + 1, p.nextToken) : null,
      key: p.key,
    },
  };
}
