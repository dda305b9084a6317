import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';

/** Requester Pays is off: the bucket owner pays. */
export function GetBucketRequestPayment(ctx: S3Context, call: S3Call): 'BucketOwner' {
  requireBucket(ctx, call);
  return 'BucketOwner';
}
