import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { requireBucket } from './common.js';

export async function DeleteBucket(ctx: S3Context, call: S3Call): Promise<void> {
  const blobs = await ctx.db.write(() => {
    requireBucket(ctx, call);
    if (ctx.store.anyObject.get(call.tenant, call.bucket)) throw errors.bucketNotEmpty(call.bucket!);
    const sql = ctx.db.sql;
    const parts = sql
      .prepare('SELECT blob FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads WHERE tenant = ? AND bucket = ?)')
      .all(call.tenant, call.bucket) as { blob: string }[];
    sql.prepare('DELETE FROM s3_uploads WHERE tenant = ? AND bucket = ?').run(call.tenant, call.bucket);
    ctx.store.deleteBucket.run(call.tenant, call.bucket);
    return parts.map((p) => p.blob);
  });
  for (const b of blobs) ctx.blobs.delete(b);
}
