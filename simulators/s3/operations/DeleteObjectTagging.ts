import type { S3Call, S3Context } from '../context.js';
import { checkVersionId, requireBucket, requireObject } from './common.js';

export async function DeleteObjectTagging(ctx: S3Context, call: S3Call): Promise<void> {
  requireBucket(ctx, call);
  checkVersionId(call);
  requireObject(ctx, call);
  await ctx.db.write(() => ctx.store.setObjectTags.run('[]', call.tenant, call.bucket, call.key));
}
