import { first, type FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { verifyErrors } from '../../errors-verify.js';
import { analyzeNumber, callerNameOf, isCountry, lineTypeOf } from '../../phone-intel.js';

/** Data packages of Lookup v2, in the order of the response's fields. */
const PACKAGES = [
  'caller_name',
  'sim_swap',
  'call_forwarding',
  'line_status',
  'line_type_intelligence',
  'identity_match',
  'reassigned_number',
  'sms_pumping_risk',
  'phone_number_quality_score',
  'pre_fill',
] as const;
const FIELDS = new Set<string>(['validation', ...PACKAGES]);

/**
 * GET /lookups/v2/PhoneNumbers/{PhoneNumber}?Fields=...
 * Basic validation always; `line_type_intelligence` and `caller_name` on request; the other
 * packages are answered null. An invalid number is a 200 with `valid: false`, as on Twilio.
 */
export async function FetchPhoneNumber(ctx: TwilioContext, phoneNumber: string, q: FormValues): Promise<Record<string, unknown>> {
  const fields = new Set<string>();
  for (const f of (first(q, 'Fields') ?? '').split(',')) {
    const name = f.trim();
    if (name === '') continue;
    if (!FIELDS.has(name)) throw verifyErrors.invalid('Fields');
    fields.add(name);
  }
  const country = first(q, 'CountryCode');
  if (country !== undefined && country !== '' && !isCountry(country.toUpperCase())) throw verifyErrors.invalid('CountryCode');
  const info = analyzeNumber(phoneNumber, country ? country.toUpperCase() : 'US');
  const out: Record<string, unknown> = {
    calling_country_code: info.calling_country_code,
    country_code: info.country_code,
    phone_number: info.phone_number,
    national_format: info.national_format,
    valid: info.valid,
    validation_errors: info.validation_errors,
  };
  for (const p of PACKAGES) out[p] = null;
  if (info.valid) {
    if (fields.has('caller_name')) out.caller_name = await callerNameOf(info);
    if (fields.has('line_type_intelligence')) out.line_type_intelligence = lineTypeOf(info);
  }
  const path = encodeURIComponent(info.phone_number).replace(/^%2B/, '+');
  out.url = `${ctx.publicUrl}/lookups/v2/PhoneNumbers/${path}`;
  return out;
}
