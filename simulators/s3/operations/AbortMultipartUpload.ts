import type { S3Call, S3Context } from '../context.js';
import type { PartRow } from '../store.js';
import { requireBucket } from './common.js';
import { requireUpload } from './uploads.js';

export async function AbortMultipartUpload(ctx: S3Context, call: S3Call): Promise<void> {
  requireBucket(ctx, call);
  const u = requireUpload(ctx, call);
  const blobs = await ctx.db.write(() => {
    const b = ctx.store.parts.all(u.upload_id) as PartRow[];
    ctx.store.deleteUpload.run(u.upload_id);
    return b;
  });
  for (const b of blobs) ctx.blobs.delete(b.blob, b.size);
}
