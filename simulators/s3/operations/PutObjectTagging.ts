import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { checkVersionId, requireBucket, requireObject } from './common.js';
import { readTagSet } from './common.js';

export async function PutObjectTagging(ctx: S3Context, call: S3Call): Promise<void> {
  requireBucket(ctx, call);
  checkVersionId(call);
  requireObject(ctx, call);
  const tags = await readTagSet(call, 10);
  await ctx.db.write(() => {
    const r = ctx.store.setObjectTags.run(JSON.stringify(tags), call.tenant, call.bucket, call.key);
    if (r.changes === 0) throw errors.noSuchKey(call.key!);
  });
}
