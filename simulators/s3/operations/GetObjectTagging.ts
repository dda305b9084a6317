import type { S3Call, S3Context } from '../context.js';
import type { Tag } from '../serializers.js';
import { checkVersionId, requireBucket, requireObject } from './common.js';

export function GetObjectTagging(ctx: S3Context, call: S3Call): Tag[] {
  requireBucket(ctx, call);
  checkVersionId(call);
  return JSON.parse(requireObject(ctx, call).tags) as Tag[];
}
