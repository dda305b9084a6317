import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';

/** The status PutBucketVersioning set (only ever Suspended); undefined when never set. */
export function GetBucketVersioning(ctx: S3Context, call: S3Call): string | undefined {
  return requireBucket(ctx, call).versioning ?? undefined;
}
