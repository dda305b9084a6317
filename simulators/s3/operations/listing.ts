import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { ObjectRow } from '../store.js';

export const BATCH = 1000;

export interface Listing {
  objects: ObjectRow[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned: where the next page starts (exclusive). */
  last?: string;
}

export const cmp = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** The smallest string greater (in UTF-8 byte order) than every string starting with `p`. */
export function successor(p: string): string | undefined {
  const cps = [...p];
  while (cps.length) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last >= 0x10ffff) continue;
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    return cps.join('') + String.fromCodePoint(next);
  }
  return undefined;
}

/**
 * One page of keys in byte order: keys under `prefix` after `after` (exclusive), rolled up into
 * common prefixes at `delimiter`, at most `max` entries (keys and prefixes together). A common
 * prefix that contains `after` was returned on an earlier page and is not repeated.
 */
export function scan(
  ctx: S3Context,
  tenant: string,
  bucket: string,
  opts: { prefix: string; delimiter?: string; after?: string; max: number },
): Listing {
  const { prefix, delimiter, after, max } = opts;
  const objects: ObjectRow[] = [];
  const prefixes: string[] = [];
  let count = 0;
  let last: string | undefined;
  let cursor = after ?? '';
  let inclusive = after === undefined;
  if (cmp(prefix, cursor) > 0) {
    cursor = prefix;
    inclusive = true;
  }
  if (max === 0) return { objects, prefixes, truncated: false };
  for (;;) {
    const rows = (inclusive ? ctx.store.listFrom : ctx.store.listAfter).all(tenant, bucket, cursor, BATCH) as ObjectRow[];
    if (rows.length === 0) return { objects, prefixes, truncated: false, last };
    let jumped = false;
    for (const row of rows) {
      if (!row.key.startsWith(prefix)) return { objects, prefixes, truncated: false, last };
      const i = delimiter ? row.key.indexOf(delimiter, prefix.length) : -1;
      if (i !== -1) {
        const cp = row.key.slice(0, i + delimiter!.length);
        const seen = (after !== undefined && after.startsWith(cp)) || cp === last;
        if (!seen) {
          if (count === max) return { objects, prefixes, truncated: true, last };
          prefixes.push(cp);
          count++;
          last = cp;
        }
        const next = successor(cp);
        if (next !== undefined) {
          cursor = next;
          inclusive = true;
          jumped = true;
          break;
        }
        cursor = row.key;
        inclusive = false;
        continue;
      }
      if (count === max) return { objects, prefixes, truncated: true, last };
      objects.push(row);
      count++;
      last = row.key;
      cursor = row.key;
      inclusive = false;
    }
    if (!jumped && rows.length < BATCH) return { objects, prefixes, truncated: false, last };
  }
}

export function maxKeys(call: S3Call, name = 'max-keys'): number {
  const v = call.q.get(name);
  if (v === undefined) return 1000;
  if (!/^\d+$/.test(v)) throw errors.invalidArgument('Provided max-keys not an integer or within integer range', name, v);
  return Math.min(Number(v), 1000);
}

export function encodingType(call: S3Call): 'url' | undefined {
  const e = call.q.get('encoding-type');
  if (e === undefined || e === '') return undefined;
  if (e !== 'url') throw errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', e);
  return 'url';
}

export const encodeToken = (s: string) => Buffer.from(s, 'utf8').toString('base64');

export function decodeToken(t: string): string {
  const s = Buffer.from(t, 'base64').toString('utf8');
  if (t === '' || encodeToken(s).replace(/=+$/, '') !== t.replace(/=+$/, '')) {
    throw errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', t);
  }
  return s;
}
