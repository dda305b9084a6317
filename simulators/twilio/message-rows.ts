import { twilioSid } from '../../src/core/index.js';
import type { TwilioContext } from './context.js';
import { countSegments, mediaContentType } from './phone.js';
import type { MediaRow, MessageRow } from './store.js';

/**
 * A new Message row (outbound, inbound, a TwiML reply or a Verify SMS) stamped with the account's
 * time; `m` sets what differs from the defaults.
 */
export function newMessageRow(ctx: TwilioContext, m: Partial<MessageRow> & Pick<MessageRow, 'account_sid' | 'to_number' | 'from_number' | 'body' | 'status' | 'direction'>, mediaCount: number): MessageRow {
  const now = ctx.clock.now(m.account_sid);
  return {
    seq: 0,
    sid: twilioSid(mediaCount ? 'MM' : 'SM'),
    num_segments: countSegments(m.body),
    num_media: mediaCount,
    messaging_service_sid: null,
    error_code: null,
    error_message: null,
    price: null,
    price_unit: 'USD',
    date_created: now,
    date_updated: now,
    date_sent: null,
    send_at: null,
    status_callback: null,
    params: '{}',
    next_step_at: null,
    outcome: null,
    ...m,
  };
}

/** The Media rows of a new message, one per URL. */
export function newMediaRows(ctx: TwilioContext, account: string, sid: string, urls: string[]): MediaRow[] {
  const now = ctx.clock.now(account);
  return urls.map((url) => ({
    seq: 0,
    sid: twilioSid('ME'),
    account_sid: account,
    message_sid: sid,
    content_type: mediaContentType(url),
    url,
    date_created: now,
    date_updated: now,
  }));
}
