import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';

export function GetBucketVersioning(ctx: S3Context, call: S3Call): void {
  requireBucket(ctx, call);
}
