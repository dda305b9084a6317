import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { requestedAcl } from './acl.js';
import { checkVersionId, requireBucket, requireObject } from './common.js';

export async function PutObjectAcl(ctx: S3Context, call: S3Call): Promise<void> {
  requireBucket(ctx, call);
  checkVersionId(call);
  requireObject(ctx, call);
  const acl = await requestedAcl(call);
  await ctx.db.write(() => {
    const r = ctx.store.setObjectAcl.run(acl, call.tenant, call.bucket, call.key);
    if (r.changes === 0) throw errors.noSuchKey(call.key!);
  });
}
