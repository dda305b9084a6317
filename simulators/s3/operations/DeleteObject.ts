import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { checkVersionId, getObject, requireBucket } from './common.js';

export async function DeleteObject(ctx: S3Context, call: S3Call): Promise<void> {
  requireBucket(ctx, call);
  checkVersionId(call);
  const gone = await ctx.db.write(() => {
    const o = getObject(ctx, call.tenant, call.bucket!, call.key!);
    const ifMatch = call.h('if-match');
    if (ifMatch !== undefined) {
      if (!o) throw errors.noSuchKey(call.key!);
      if (ifMatch.trim() !== '*' && ifMatch.replace(/"/g, '') !== o.etag.replace(/"/g, '')) throw errors.preconditionFailed('If-Match');
    }
    if (o) ctx.store.deleteObject.run(call.tenant, call.bucket, call.key);
    return o;
  });
  if (gone) ctx.blobs.delete(gone.blob, gone.size);
}
