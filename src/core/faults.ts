/**
 * Fault injection, as the simulators see it. Rules live elsewhere (PUT /__inspect/faults);
 * a simulator asks its `FaultHook` once it knows the operation and the tenant, before the
 * operation runs, and answers with its own vendor error, waits, or drops the connection.
 */
import type { ProviderName, ResponseMeta, SimResponse } from './types.js';

/** Answer with the vendor's error shape. Omitted fields take the vendor's throttling error. */
export interface FaultErrorAction {
  type: 'error';
  status?: number;
  /** The vendor's code: Twilio's numeric code (20429), S3's `<Code>` (SlowDown); SendGrid has none. */
  code?: number | string;
  message?: string;
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  ms?: number;
}

/** Wait `ms`, then run the operation normally. */
export interface FaultLatencyAction {
  type: 'latency';
  ms: number;
}

/** Drop the connection without answering (after `ms`, if set). */
export interface FaultResetAction {
  type: 'reset';
  ms?: number;
}

export type FaultAction = FaultErrorAction | FaultLatencyAction | FaultResetAction;

/** Request fields a rule can match (`to`, `from`, `bucket`, `key`...), each with one or more values. */
export type FaultFields = Record<string, string | string[] | undefined>;

export interface FaultQuery {
  provider: ProviderName;
  operation: string;
  tenant?: string;
  /** Read only when a candidate rule matches on fields (it may read the request body). */
  fields(): Promise<FaultFields> | FaultFields;
}

/** The rule that fired for a request. */
export interface FiredFault {
  rule: string;
  action: FaultAction;
}

/** What the request journal records about an injected fault. */
export interface FaultMeta {
  rule: string;
  action: FaultAction['type'];
}

export interface FaultHook {
  /** True when at least one rule exists for the provider: a cheap check on every request. */
  armed(provider: ProviderName): boolean;
  /** The first rule that fires for this request, if any; its counters move and it is journalled. */
  fire(q: FaultQuery): Promise<FiredFault | undefined>;
  /** Waits `ms` (cut short when the server shuts down). */
  sleep(ms: number): Promise<void>;
}

/** A fault that ends the request: an error answer, or a reset (`SimResponse.reset`). */
export interface InjectedFault {
  meta: FaultMeta;
  /** Undefined for latency: the operation runs, and its response carries `meta`. */
  response?: SimResponse;
}

/**
 * Runs the fault check for a request. `vendorError` builds the vendor's error answer for an
 * `error` action. Resolves undefined (no fault) without touching the request when no rule
 * exists for the provider.
 */
export async function injectFault(
  hook: FaultHook | undefined,
  q: FaultQuery,
  vendorError: (a: FaultErrorAction) => SimResponse,
): Promise<InjectedFault | undefined> {
  if (!hook || !hook.armed(q.provider)) return undefined;
  const fired = await hook.fire(q);
  if (!fired) return undefined;
  const a = fired.action;
  const meta: FaultMeta = { rule: fired.rule, action: a.type };
  if (a.ms) await hook.sleep(a.ms);
  const base: ResponseMeta = { operation: q.operation, tenant: q.tenant, fault: meta };
  if (a.type === 'latency') return { meta };
  if (a.type === 'reset') return { meta, response: { status: 0, headers: {}, body: null, reset: true, meta: base } };
  const response = vendorError(a);
  if (a.headers) Object.assign(response.headers, lowerKeys(a.headers));
  response.meta = base;
  return { meta, response };
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}
