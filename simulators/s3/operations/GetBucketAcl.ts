import type { S3Call, S3Context } from '../context.js';
import type { Grant } from '../serializers.js';
import { cannedGrants } from './acl.js';
import { requireBucket } from './common.js';

/** The grants of the bucket's canned ACL besides the owner's FULL_CONTROL. */
export function GetBucketAcl(ctx: S3Context, call: S3Call): Grant[] {
  return cannedGrants(requireBucket(ctx, call).acl);
}
