import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';

/**
 * S3's default for buckets created since April 2023: BucketOwnerEnforced. (The simulator still
 * honours ACLs, which S3 would then refuse.)
 */
export function GetBucketOwnershipControls(ctx: S3Context, call: S3Call): 'BucketOwnerEnforced' {
  requireBucket(ctx, call);
  return 'BucketOwnerEnforced';
}
