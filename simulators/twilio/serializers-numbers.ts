import { rfc2822 } from '../../src/core/index.js';
import { API_VERSION } from './serializers.js';
import type { NumberRow } from './store-numbers.js';

const CAPABILITIES = { voice: true, sms: true, mms: true, fax: false };

/** An IncomingPhoneNumber resource as api.twilio.com returns it (unset URLs are ""). */
export function serializeNumber(n: NumberRow): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${n.account_sid}/IncomingPhoneNumbers/${n.sid}.json`;
  return {
    account_sid: n.account_sid,
    address_requirements: 'none',
    address_sid: null,
    api_version: API_VERSION,
    beta: false,
    bundle_sid: null,
    capabilities: CAPABILITIES,
    date_created: rfc2822(n.date_created),
    date_updated: rfc2822(n.date_updated),
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    emergency_status: 'Inactive',
    friendly_name: n.friendly_name,
    identity_sid: null,
    origin: 'twilio',
    phone_number: n.phone_number,
    sid: n.sid,
    sms_application_sid: '',
    sms_fallback_method: n.sms_fallback_method,
    sms_fallback_url: n.sms_fallback_url ?? '',
    sms_method: n.sms_method,
    sms_url: n.sms_url ?? '',
    status: 'in-use',
    status_callback: n.status_callback ?? '',
    status_callback_method: n.status_callback_method,
    subresource_uris: {
      assigned_add_ons: `/2010-04-01/Accounts/${n.account_sid}/IncomingPhoneNumbers/${n.sid}/AssignedAddOns.json`,
    },
    trunk_sid: null,
    type: /^\+1(800|833|844|855|866|877|888)/.test(n.phone_number) ? 'toll-free' : 'local',
    uri,
    voice_application_sid: '',
    voice_caller_id_lookup: false,
    voice_fallback_method: n.voice_fallback_method,
    voice_fallback_url: n.voice_fallback_url ?? '',
    voice_method: n.voice_method,
    voice_receive_mode: 'voice',
    voice_url: n.voice_url ?? '',
  };
}

/** US national format: (415) 555-0100 */
export function friendlyNumber(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}
