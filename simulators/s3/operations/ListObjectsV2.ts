import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';
import { Listing, scan, maxKeys, encodeToken, encodingType, decodeToken } from './listing.js';

export interface ListV2Result extends Listing {
  prefix: string;
  delimiter?: string;
  max: number;
  encoding?: 'url';
  continuationToken?: string;
  nextToken?: string;
  startAfter?: string;
  fetchOwner: boolean;
}

export function ListObjectsV2(ctx: S3Context, call: S3Call): ListV2Result {
  requireBucket(ctx, call);
  const prefix = call.q.get('prefix') ?? '';
  const delimiter = call.q.get('delimiter') || undefined;
  const max = maxKeys(call);
  const encoding = encodingType(call);
  const token = call.q.get('continuation-token');
  const startAfter = call.q.get('start-after') || undefined;
  let after = startAfter;
  if (token !== undefined) after = decodeToken(token);
  const page = scan(ctx, call.tenant, call.bucket!, { prefix, delimiter, after, max });
  return {
    ...page,
    prefix,
    delimiter,
    max,
    encoding,
    continuationToken: token,
    nextToken: page.truncated && page.last !== undefined ? encodeToken(page.last) : undefined,
    startAfter,
    fetchOwner: call.q.get('fetch-owner') === 'true',
  };
}
