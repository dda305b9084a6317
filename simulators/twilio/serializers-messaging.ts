import { lazyModule } from '../../src/core/index.js';
import { isoSeconds } from './serializers-verify.js';

const phonelib = lazyModule<typeof import('libphonenumber-js/max')>('libphonenumber-js/max', import.meta.url);
import type { ServiceNumberRow, ServiceRow } from './store-messaging.js';

export const messagingBase = (publicUrl: string) => `${publicUrl}/messaging/v1`;

/** A Messaging Service exactly as messaging.twilio.com returns it. */
export function serializeService(s: ServiceRow, publicUrl: string): Record<string, unknown> {
  const url = `${messagingBase(publicUrl)}/Services/${s.sid}`;
  return {
    account_sid: s.account_sid,
    area_code_geomatch: !!s.area_code_geomatch,
    date_created: isoSeconds(s.date_created),
    date_updated: isoSeconds(s.date_updated),
    fallback_method: s.fallback_method,
    fallback_to_long_code: !!s.fallback_to_long_code,
    fallback_url: s.fallback_url,
    friendly_name: s.friendly_name,
    inbound_method: s.inbound_method,
    inbound_request_url: s.inbound_request_url,
    links: {
      channel_senders: `${url}/ChannelSenders`,
      phone_numbers: `${url}/PhoneNumbers`,
      short_codes: `${url}/ShortCodes`,
      alpha_senders: `${url}/AlphaSenders`,
      messages: `${url}/Messages`,
      us_app_to_person: `${url}/Compliance/Usa2p`,
      us_app_to_person_usecases: `${url}/Compliance/Usa2p/Usecases`,
      destination_alpha_senders: `${url}/DestinationAlphaSenders`,
    },
    mms_converter: !!s.mms_converter,
    scan_message_content: 'inherit',
    sid: s.sid,
    smart_encoding: !!s.smart_encoding,
    status_callback: s.status_callback,
    sticky_sender: !!s.sticky_sender,
    synchronous_validation: !!s.synchronous_validation,
    url,
    us_app_to_person_registered: false,
    use_inbound_webhook_on_number: !!s.use_inbound_webhook_on_number,
    usecase: s.usecase,
    validity_period: s.validity_period,
  };
}

/** A number in a service's sender pool. */
export function serializeServiceNumber(n: ServiceNumberRow, publicUrl: string): Record<string, unknown> {
  return {
    account_sid: n.account_sid,
    capabilities: ['MMS', 'SMS', 'Voice'],
    country_code: phonelib().parsePhoneNumberFromString(n.phone_number)?.country ?? 'US',
    date_created: isoSeconds(n.date_created),
    date_updated: isoSeconds(n.date_updated),
    phone_number: n.phone_number,
    service_sid: n.service_sid,
    sid: n.number_sid,
    url: `${messagingBase(publicUrl)}/Services/${n.service_sid}/PhoneNumbers/${n.number_sid}`,
  };
}
