import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { requireBucket } from './common.js';

/** GetBucketLifecycleConfiguration (and the legacy GetBucketLifecycle, same request): never configured. */
export function GetBucketLifecycleConfiguration(ctx: S3Context, call: S3Call): never {
  const b = requireBucket(ctx, call);
  throw errors.noSuchLifecycle(b.name);
}
