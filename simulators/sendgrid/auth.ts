import { createHash } from 'node:crypto';
import { header, type Headers } from '../../src/core/index.js';

/**
 * The tenant of a SendGrid API key: a non-secret id derived from it (the raw key is never
 * stored, shown or logged). Keys look like `SG.<id>.<secret>`; the tenant is `sg_` + the
 * first 16 hex digits of the key's SHA-256.
 */
export function tenantOf(headers: Headers): string | undefined {
  const auth = header(headers, 'authorization');
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  if (!m) return undefined;
  return 'sg_' + createHash('sha256').update(m[1]).digest('hex').slice(0, 16);
}
