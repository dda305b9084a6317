import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { requireBucket } from './common.js';

/** Replication is not simulated: no bucket has a replication configuration. */
export function GetBucketReplication(ctx: S3Context, call: S3Call): never {
  const b = requireBucket(ctx, call);
  throw errors.noReplication(b.name);
}
