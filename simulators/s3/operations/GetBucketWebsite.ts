import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { requireBucket } from './common.js';

/** Website hosting is not simulated: no bucket has a website configuration. */
export function GetBucketWebsite(ctx: S3Context, call: S3Call): never {
  const b = requireBucket(ctx, call);
  throw errors.noSuchWebsite(b.name);
}
