import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { ObjectRow } from '../store.js';
import { checkConditions, checkVersionId, parseRange, requireBucket, requireObject } from './common.js';

export interface ReadResult {
  object: ObjectRow;
  status: 200 | 206 | 304;
  range?: { start: number; end: number };
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
    if (o.parts === null && pn === '1') return { object: o, status: 200 };
    throw errors.notImplemented();
  }
  const range = parseRange(call.h('range'), o.size);
  if (range === 'unsatisfiable') throw errors.invalidRange(o.size, call.h('range')!);
  if (range) return { object: o, status: 206, range };
  return { object: o, status: 200 };
}
