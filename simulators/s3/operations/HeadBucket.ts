import type { S3Call, S3Context } from '../context.js';
import type { BucketRow } from '../store.js';
import { requireBucket } from './common.js';

export function HeadBucket(ctx: S3Context, call: S3Call): BucketRow {
  return requireBucket(ctx, call);
}
