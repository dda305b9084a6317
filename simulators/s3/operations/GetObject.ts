import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { segmentsOf } from '../blobs.js';
import type { ObjectRow } from '../store.js';
import { checkConditions, checkVersionId, parseRange, requireBucket, requireObject } from './common.js';

export interface ReadResult {
  object: ObjectRow;
  status: 200 | 206 | 304;
  range?: { start: number; end: number };
  /** With `partNumber` on a multipart object: how many parts it has. */
  partsCount?: number;
}

/** GetObject and HeadObject: conditions, then the (ranged) read. */
export function GetObject(ctx: S3Context, call: S3Call): ReadResult {
  requireBucket(ctx, call);
  checkVersionId(call);
  const o = requireObject(ctx, call);
  if (checkConditions(call, o) === 'not-modified') return { object: o, status: 304 };
  const pn = call.q.get('partNumber');
  if (pn !== undefined) {
    if (!/^\d+$/.test(pn) || Number(pn) < 1 || Number(pn) > 10000) throw errors.invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', pn);
    if (call.h('range') !== undefined) throw errors.invalidRequest('Cannot specify both Range header and partNumber query parameter');
    return readPart(o, Number(pn));
  }
  const range = parseRange(call.h('range'), o.size);
  if (range === 'unsatisfiable') throw errors.invalidRange(o.size, call.h('range')!);
  if (range) return { object: o, status: 206, range };
  return { object: o, status: 200 };
}

/**
 * `partNumber=n`: the bytes of a multipart object's n-th part (in the order the upload was
 * completed), with the parts count. An object uploaded in one piece is its only part.
 */
function readPart(o: ObjectRow, n: number): ReadResult {
  const segments = o.parts !== null ? segmentsOf(o.blob) : undefined;
  if (!segments) {
    if (n !== 1) throw errors.invalidPartNumber(n, 1);
    if (o.size === 0) return { object: o, status: 200 };
    return { object: o, status: 206, range: { start: 0, end: o.size - 1 } };
  }
  if (n > segments.length) throw errors.invalidPartNumber(n, segments.length);
  let start = 0;
  for (let i = 0; i < n - 1; i++) start += segments[i].size;
  return { object: o, status: 206, range: { start, end: start + segments[n - 1].size - 1 }, partsCount: segments.length };
}
