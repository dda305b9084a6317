import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { requireBucket } from './common.js';

/**
 * No public access block. S3 turns one on for buckets created since April 2023, but the simulator
 * serves public-read ACLs to anonymous readers, which such a block would forbid: reporting none
 * keeps what a client reads consistent with what the simulator does.
 */
export function GetPublicAccessBlock(ctx: S3Context, call: S3Call): never {
  const b = requireBucket(ctx, call);
  throw errors.noPublicAccessBlock(b.name);
}
