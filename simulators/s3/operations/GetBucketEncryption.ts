import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';

/** S3 encrypts every bucket with SSE-S3 by default; the simulator reports that default. */
export function GetBucketEncryption(ctx: S3Context, call: S3Call): { algorithm: 'AES256'; bucketKey: false } {
  requireBucket(ctx, call);
  return { algorithm: 'AES256', bucketKey: false };
}
