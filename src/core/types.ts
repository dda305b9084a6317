/**
 * The Simulator contract. Every vendor simulator answers `handle(req) -> response` over this
 * small interface; Node requests (src/http) and Fetch Requests (in-process mode) adapt to it.
 */

import type { FaultMeta } from './faults.js';

export type Headers = Record<string, string | string[] | undefined>;

/** A request body that has not been read yet. Operations read it only if they need it. */
export interface BodySource {
  /** Reads the whole body, failing with BodyTooLargeError past `limit` bytes. */
  bytes(limit: number): Promise<Buffer>;
  /** Streams the body chunk by chunk (for large uploads). */
  stream(): AsyncIterable<Uint8Array>;
}

export interface SimRequest {
  method: string;
  /** Raw path as received, percent-encoding intact, without the query string. */
  path: string;
  /** Raw query string without the leading '?', '' when absent. */
  query: string;
  /** Header names in lower case (Node's IncomingHttpHeaders shape). */
  headers: Headers;
  body: BodySource;
}

export type ResponseBody = string | Uint8Array | AsyncIterable<Uint8Array> | null;

/** What the journal records about a request besides its status. */
export interface ResponseMeta {
  operation?: string;
  tenant?: string;
  /** True when no route of the owning vendor matched. */
  unmatched?: boolean;
  /** The injected fault (PUT /__inspect/faults) that shaped this response. */
  fault?: FaultMeta;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: ResponseBody;
  meta?: ResponseMeta;
  /** Drop the connection instead of answering (an injected fault); status is 0. */
  reset?: boolean;
}

export interface Migration {
  /** e.g. "001_init" */
  id: string;
  sql: string;
}

export type ProviderName = 'twilio' | 'sendgrid' | 's3';

export interface Simulator {
  readonly provider: ProviderName;
  handle(req: SimRequest): Promise<SimResponse>;
  /** Deletes every record of one tenant, or of all tenants. */
  reset(tenant?: string): void;
  /** Tenants this simulator knows about. */
  tenants(): { tenant: string; created: string }[];
  /** Collections shown under /__inspect/<provider>/<name>. */
  readonly inspect?: Record<string, InspectCollection>;
  /** Further routes under /__inspect/<provider> (actions, downloads). */
  readonly inspectRoutes?: InspectRoute[];
  /** What fault rules can name for this vendor: its operations and the request fields it extracts. */
  readonly faultTargets?: FaultTargets;
  /** Tables of inspect records pruned by the retention limits (never user data such as S3 objects). */
  readonly retention?: RetentionTarget[];
  /** Stops timers; called on shutdown. */
  close?(): Promise<void> | void;
}

export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A query on one /__inspect collection; `since` keeps only items newer than a time or an item. */
export interface InspectQuery {
  tenant?: string;
  sinceTime?: number;
  sinceId?: string;
  params: URLSearchParams;
  limit: number;
}

/** A collection a simulator shows under /__inspect/<provider>/<name>, newest first. */
export interface InspectCollection {
  list(q: InspectQuery): unknown[];
  /**
   * A part of one item, served at /__inspect/<provider>/<name>/<id>/<part...> (e.g. an email's
   * `html`, or `attachments/0`). Undefined when the item or the part does not exist.
   */
  resource?(id: string, part: string[]): InspectResource | undefined;
  /**
   * Deletes every item `list(q)` would match (ignoring `limit`), with what belongs to it;
   * answers how many items went. Absent when the collection cannot be deleted through /__inspect.
   */
  delete?(q: InspectQuery): number;
}

/**
 * A table of records kept for inspection, pruned per tenant by count and by age, oldest first,
 * together with the rows of other tables that belong to each record.
 */
export interface RetentionTarget {
  table: string;
  /** Column naming the tenant. */
  tenant: string;
  /** Creation time column: epoch ms (`ms`) or an ISO string (`iso`). */
  time: string;
  timeFormat?: 'ms' | 'iso';
  /** Column increasing with insertion order (`seq`, `id`). */
  order: string;
  /** Only rows matching this SQL condition are pruned (e.g. `next_step_at IS NULL`: nothing still due). */
  where?: string;
  /**
   * Rows of `table` whose `column` equals the record's `parent` column go with the record;
   * `shared` ones only once no record refers to them any more.
   */
  children?: { table: string; column: string; parent: string; shared?: boolean }[];
}

/** Bytes an inspect collection serves for one part of an item. */
export interface InspectResource {
  contentType: string;
  body: string | Uint8Array;
  /** Sent as `Content-Disposition: attachment; filename=...` when set. */
  filename?: string;
}

/** A request to one of a simulator's own /__inspect routes (JSON bodies already parsed). */
export interface InspectRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  tenant?: string;
}

/**
 * A route a simulator adds under /__inspect/<provider>: `pattern` is relative to that prefix and
 * uses express-style parameters (`/messages/:sid/advance`). The answer is a SimResponse, so a
 * download can stream.
 */
export interface InspectRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pattern: string;
  handler: (req: InspectRequest) => Promise<SimResponse> | SimResponse;
}

/** The operations and request fields (`to`, `bucket`...) fault rules may name for one vendor. */
export interface FaultTargets {
  operations: readonly string[];
  fields: readonly string[];
}
