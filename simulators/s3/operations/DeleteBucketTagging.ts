import type { S3Call, S3Context } from '../context.js';
import { requireBucket } from './common.js';

export async function DeleteBucketTagging(ctx: S3Context, call: S3Call): Promise<void> {
  requireBucket(ctx, call);
  await ctx.db.write(() => ctx.store.setBucketTags.run(null, call.tenant, call.bucket));
}
