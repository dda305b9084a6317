import type { S3Call, S3Context } from '../context.js';
import type { Grant } from '../serializers.js';
import { cannedGrants } from './acl.js';
import { checkVersionId, requireBucket, requireObject } from './common.js';

/** The grants of the object's canned ACL besides the owner's FULL_CONTROL. */
export function GetObjectAcl(ctx: S3Context, call: S3Call): Grant[] {
  requireBucket(ctx, call);
  checkVersionId(call);
  return cannedGrants(requireObject(ctx, call).acl);
}
