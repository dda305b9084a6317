import { json, rfc2822, type SimResponse } from '../../src/core/index.js';
import type { AccountRow, MediaRow, MessageRow } from './store.js';

export const API_VERSION = '2010-04-01';
const BASE = `/${API_VERSION}/Accounts`;

export function messageUri(account: string, sid: string): string {
  return `${BASE}/${account}/Messages/${sid}.json`;
}

/** A Message resource exactly as api.twilio.com returns it (keys in Twilio's order). */
export function serializeMessage(m: MessageRow): Record<string, unknown> {
  const base = `${BASE}/${m.account_sid}/Messages/${m.sid}`;
  return {
    account_sid: m.account_sid,
    api_version: API_VERSION,
    body: m.body,
    date_created: rfc2822(m.date_created),
    date_sent: m.date_sent === null ? null : rfc2822(m.date_sent),
    date_updated: rfc2822(m.date_updated),
    direction: m.direction,
    error_code: m.error_code,
    error_message: m.error_message,
    from: m.from_number,
    messaging_service_sid: m.messaging_service_sid,
    num_media: String(m.num_media),
    num_segments: String(m.num_segments),
    price: m.price,
    price_unit: m.price_unit,
    sid: m.sid,
    status: m.status,
    subresource_uris: {
      media: `${base}/Media.json`,
      feedback: `${base}/Feedback.json`,
    },
    to: m.to_number,
    uri: `${base}.json`,
  };
}

export function serializeMedia(m: MediaRow): Record<string, unknown> {
  return {
    account_sid: m.account_sid,
    content_type: m.content_type,
    date_created: rfc2822(m.date_created),
    date_updated: rfc2822(m.date_updated),
    parent_sid: m.message_sid,
    sid: m.sid,
    uri: `${BASE}/${m.account_sid}/Messages/${m.message_sid}/Media/${m.sid}.json`,
  };
}

export function serializeAccount(a: AccountRow): Record<string, unknown> {
  const base = `${BASE}/${a.sid}`;
  const sub = (name: string) => `${base}/${name}.json`;
  return {
    auth_token: a.auth_token,
    date_created: rfc2822(a.date_created),
    date_updated: rfc2822(a.date_updated),
    friendly_name: a.friendly_name,
    owner_account_sid: a.sid,
    sid: a.sid,
    status: a.status,
    subresource_uris: {
      addresses: sub('Addresses'),
      conferences: sub('Conferences'),
      signing_keys: sub('SigningKeys'),
      transcriptions: sub('Transcriptions'),
      connect_apps: sub('ConnectApps'),
      sip: sub('SIP'),
      authorized_connect_apps: sub('AuthorizedConnectApps'),
      usage: sub('Usage'),
      keys: sub('Keys'),
      applications: sub('Applications'),
      recordings: sub('Recordings'),
      short_codes: sub('SMS/ShortCodes'),
      calls: sub('Calls'),
      notifications: sub('Notifications'),
      incoming_phone_numbers: sub('IncomingPhoneNumbers'),
      queues: sub('Queues'),
      messages: sub('Messages'),
      outgoing_caller_ids: sub('OutgoingCallerIds'),
      available_phone_numbers: sub('AvailablePhoneNumbers'),
      balance: sub('Balance'),
    },
    type: 'Full',
    uri: `${base}.json`,
  };
}

export interface PageInfo {
  /** path of the list, e.g. /2010-04-01/Accounts/AC.../Messages.json */
  path: string;
  /** filter parameters to repeat in page URIs, in the order received */
  filters: [string, string][];
  page: number;
  pageSize: number;
  nextToken: string | null;
  previousToken: string | null;
  count: number;
}

function pageUri(p: PageInfo, page: number, token: string | null): string {
  const qs = new URLSearchParams();
  for (const [k, v] of p.filters) qs.append(k, v);
  qs.set('PageSize', String(p.pageSize));
  qs.set('Page', String(page));
  if (token) qs.set('PageToken', token);
  return `${p.path}?${qs.toString().replace(/\+/g, '%20')}`;
}

/** One page of a list, as the operations return it. */
export interface ListPage<T> {
  rows: T[];
  page: number;
  pageSize: number;
  nextToken: string | null;
  previousToken: string | null;
  filters: [string, string][];
}

/** A page as Twilio's v2010 list answer: `path` is the list's path, `key` the items' name. */
export function listResponse<T>(key: string, path: string, p: ListPage<T>, serialize: (row: T) => unknown): SimResponse {
  return json(
    200,
    listEnvelope(key, p.rows.map(serialize), {
      path,
      filters: p.filters,
      page: p.page,
      pageSize: p.pageSize,
      nextToken: p.nextToken,
      previousToken: p.previousToken,
      count: p.rows.length,
    }),
  );
}

/** Twilio's v2010 list envelope; every page URI is relative, as the SDKs expect. */
export function listEnvelope(key: string, items: unknown[], p: PageInfo): Record<string, unknown> {
  const start = p.page * p.pageSize;
  return {
    end: p.count === 0 ? 0 : start + p.count - 1,
    first_page_uri: pageUri(p, 0, null),
    [key]: items,
    next_page_uri: p.nextToken ? pageUri(p, p.page + 1, p.nextToken) : null,
    page: p.page,
    page_size: p.pageSize,
    previous_page_uri: p.previousToken ? pageUri(p, Math.max(0, p.page - 1), p.previousToken) : null,
    start,
    uri: pageUri(p, p.page, null),
  };
}
