import { createHash } from 'node:crypto';
import { header, type Headers } from '../../src/core/index.js';
import { errors } from './errors.js';

function bearer(headers: Headers): string | undefined {
  const auth = header(headers, 'authorization');
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m ? m[1] : undefined;
}

/** The non-secret tenant id of a key: `sg_` + the first 16 hex digits of its SHA-256. */
export function tenantOfKey(key: string): string {
  return 'sg_' + createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * The tenant of a SendGrid API key: a non-secret id derived from it (the raw key is never
 * stored, shown or logged). Keys look like `SG.<id>.<secret>`; the tenant is `sg_` + the
 * first 16 hex digits of the key's SHA-256.
 */
export function tenantOf(headers: Headers): string | undefined {
  const key = bearer(headers);
  return key === undefined ? undefined : tenantOfKey(key);
}

/**
 * Authenticates `Authorization: Bearer <key>`. Without declared keys any `SG.`-style key is
 * accepted; with declared keys (their tenant ids, never the keys) only those are.
 */
export function authenticate(headers: Headers, declared: Set<string> | undefined): string {
  const key = bearer(headers);
  if (key === undefined) throw errors.authRequired();
  const tenant = tenantOfKey(key);
  if (declared ? !declared.has(tenant) : !key.startsWith('SG.')) throw errors.invalidGrant();
  return tenant;
}
