import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';

/** Event notifications are not configured: an empty NotificationConfiguration. */
export function GetBucketNotificationConfiguration(ctx: S3Context, call: S3Call): void {
  requireBucket(ctx, call);
}
