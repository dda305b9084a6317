import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';
import { Listing, scan, maxKeys, encodingType } from './listing.js';

export interface VersionsResult extends Listing {
  prefix: string;
  delimiter?: string;
  max: number;
  encoding?: 'url';
  keyMarker: string;
  versionIdMarker: string;
}

export function ListObjectVersions(ctx: S3Context, call: S3Call): VersionsResult {
  requireBucket(ctx, call);
  const prefix = call.q.get('prefix') ?? '';
  const delimiter = call.q.get('delimiter') || undefined;
  const max = maxKeys(call);
  const keyMarker = call.q.get('key-marker') ?? '';
  const page = scan(ctx, call.tenant, call.bucket!, { prefix, delimiter, after: keyMarker || undefined, max });
  return { ...page, prefix, delimiter, max, encoding: encodingType(call), keyMarker, versionIdMarker: call.q.get('version-id-marker') ?? '' };
}
