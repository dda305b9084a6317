import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { CorsRule } from '../serializers.js';
import { requireBucket } from './common.js';

export function GetBucketCors(ctx: S3Context, call: S3Call): CorsRule[] {
  const b = requireBucket(ctx, call);
  if (!b.cors) throw errors.noSuchCors(b.name);
  return JSON.parse(b.cors) as CorsRule[];
}
