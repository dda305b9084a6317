import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';
import { Listing, scan, maxKeys, encodingType } from './listing.js';

export interface ListV1Result extends Listing {
  prefix: string;
  delimiter?: string;
  max: number;
  encoding?: 'url';
  marker: string;
}

export function ListObjects(ctx: S3Context, call: S3Call): ListV1Result {
  requireBucket(ctx, call);
  const prefix = call.q.get('prefix') ?? '';
  const delimiter = call.q.get('delimiter') || undefined;
  const max = maxKeys(call);
  const marker = call.q.get('marker') ?? '';
  const page = scan(ctx, call.tenant, call.bucket!, { prefix, delimiter, after: marker || undefined, max });
  return { ...page, prefix, delimiter, max, encoding: encodingType(call), marker };
}
