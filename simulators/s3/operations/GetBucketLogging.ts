import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';

/** Server access logging is off: an empty BucketLoggingStatus. */
export function GetBucketLogging(ctx: S3Context, call: S3Call): void {
  requireBucket(ctx, call);
}
