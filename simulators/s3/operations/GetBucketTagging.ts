import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { Tag } from '../serializers.js';
import { requireBucket } from './common.js';

export function GetBucketTagging(ctx: S3Context, call: S3Call): Tag[] {
  const b = requireBucket(ctx, call);
  if (!b.tags) throw errors.noSuchTagSet(b.name);
  return JSON.parse(b.tags) as Tag[];
}
