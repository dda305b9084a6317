import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { requireBucket } from './common.js';

/** Without a bucket policy S3 has no policy status to report. */
export function GetBucketPolicyStatus(ctx: S3Context, call: S3Call): never {
  const b = requireBucket(ctx, call);
  throw errors.noSuchBucketPolicy(b.name);
}
