import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';

export function GetBucketLocation(ctx: S3Context, call: S3Call): string {
  return requireBucket(ctx, call).region;
}
