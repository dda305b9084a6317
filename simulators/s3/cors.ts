import type { SimResponse } from '../../src/core/index.js';
import { errors } from './errors.js';
import type { CorsRule } from './serializers.js';
import { requestIds } from './errors.js';

function wildcard(pattern: string, value: string, ci: boolean): boolean {
  if (pattern === '*') return true;
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', ci ? 'i' : '');
  return re.test(value);
}

/** The first rule allowing this origin, method and (for preflights) request headers. */
export function matchRule(rules: CorsRule[], origin: string, method: string, requestHeaders: string[]): CorsRule | undefined {
  return rules.find(
    (r) =>
      r.AllowedOrigins.some((o) => wildcard(o, origin, false)) &&
      r.AllowedMethods.includes(method) &&
      requestHeaders.every((h) => r.AllowedHeaders.some((a) => wildcard(a, h, true))),
  );
}

export function corsHeaders(rule: CorsRule, origin: string, requestHeaders: string[]): Record<string, string> {
  const any = rule.AllowedOrigins.includes('*');
  const h: Record<string, string> = {
    'access-control-allow-origin': any ? '*' : origin,
    'access-control-allow-methods': rule.AllowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!any) h['access-control-allow-credentials'] = 'true';
  if (requestHeaders.length) h['access-control-allow-headers'] = requestHeaders.join(', ');
  if (rule.ExposeHeaders.length) h['access-control-expose-headers'] = rule.ExposeHeaders.join(', ');
  if (rule.MaxAgeSeconds !== undefined) h['access-control-max-age'] = String(rule.MaxAgeSeconds);
  return h;
}

const NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

/** An unsigned OPTIONS preflight against a bucket's CORS rules. */
export function preflight(rulesJson: string | null | undefined, h: (n: string) => string | undefined): SimResponse {
  const origin = h('origin');
  const method = h('access-control-request-method');
  if (!origin) throw errors.invalidRequest('Insufficient information. Origin request header needed.').withCode('BadRequest');
  if (!method) throw errors.invalidRequest('Invalid Access-Control-Request-Method: null').withCode('BadRequest');
  if (rulesJson === undefined) throw errors.corsForbidden('CORSResponse: Bucket not found');
  if (!rulesJson) throw errors.corsForbidden('CORSResponse: CORS is not enabled for this bucket.');
  const reqHeaders = (h('access-control-request-headers') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const rule = matchRule(JSON.parse(rulesJson) as CorsRule[], origin, method, reqHeaders);
  if (!rule) throw errors.corsForbidden(NOT_ALLOWED);
  return { status: 200, headers: { ...requestIds(), ...corsHeaders(rule, origin, reqHeaders), 'content-length': '0' }, body: null };
}
