import type { S3Call, S3Context } from '../context.js';
import { requireBucket, readTagSet } from './common.js';

export async function PutBucketTagging(ctx: S3Context, call: S3Call): Promise<void> {
  requireBucket(ctx, call);
  const tags = await readTagSet(call, 50);
  await ctx.db.write(() => ctx.store.setBucketTags.run(JSON.stringify(tags), call.tenant, call.bucket));
}
