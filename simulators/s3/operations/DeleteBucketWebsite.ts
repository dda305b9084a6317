import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';

/** Nothing to delete: succeeds, as S3 does for a bucket without a website configuration. */
export function DeleteBucketWebsite(ctx: S3Context, call: S3Call): void {
  requireBucket(ctx, call);
}
