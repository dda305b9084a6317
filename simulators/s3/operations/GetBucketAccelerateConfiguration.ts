import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';

/** Transfer acceleration was never set: an AccelerateConfiguration without a Status. */
export function GetBucketAccelerateConfiguration(ctx: S3Context, call: S3Call): void {
  requireBucket(ctx, call);
}
