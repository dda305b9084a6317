import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { requireBucket } from './common.js';

/** Object Lock is not simulated: no bucket has it enabled. */
export function GetObjectLockConfiguration(ctx: S3Context, call: S3Call): never {
  const b = requireBucket(ctx, call);
  throw errors.noObjectLock(b.name);
}
