import type { S3Call, S3Context } from '../context.js';
import { requestedAcl } from './acl.js';
import { requireBucket } from './common.js';

export async function PutBucketAcl(ctx: S3Context, call: S3Call): Promise<void> {
  requireBucket(ctx, call);
  const acl = await requestedAcl(call);
  await ctx.db.write(() => ctx.store.setBucketAcl.run(acl, call.tenant, call.bucket));
}
