import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { requireBucket } from './common.js';

/** Bucket policies are not stored: every bucket is without one. */
export function GetBucketPolicy(ctx: S3Context, call: S3Call): never {
  const b = requireBucket(ctx, call);
  throw errors.noSuchBucketPolicy(b.name);
}
