import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { Checksums } from '../serializers.js';
import type { PartRow, UploadRow } from '../store.js';

export function requireUpload(ctx: S3Context, call: S3Call): UploadRow {
  const id = call.q.get('uploadId') ?? '';
  const u = ctx.store.upload.get(id, call.tenant, call.bucket, call.key) as UploadRow | undefined;
  if (!u) throw errors.noSuchUpload(id);
  return u;
}

export function partNumber(call: S3Call): number {
  const v = call.q.get('partNumber') ?? '';
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 10000) throw errors.invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', v);
  return n;
}

export async function storePart(ctx: S3Context, u: UploadRow, n: number, p: { blob: string; size: number; md5: Buffer; checksums: Checksums }): Promise<PartRow> {
  const row: PartRow = {
    upload_id: u.upload_id,
    part_number: n,
    size: p.size,
    etag: `"${p.md5.toString('hex')}"`,
    blob: p.blob,
    checksums: JSON.stringify(p.checksums),
    last_modified: ctx.clock.now(),
  };
  let old: PartRow | undefined;
  try {
    await ctx.db.write(() => {
      if (!ctx.store.upload.get(u.upload_id, u.tenant, u.bucket, u.key)) throw errors.noSuchUpload(u.upload_id);
      old = ctx.store.part.get(u.upload_id, n) as PartRow | undefined;
      ctx.store.upsertPart.run(row.upload_id, n, row.size, row.etag, row.blob, row.checksums, row.last_modified);
    });
  } catch (e) {
    ctx.blobs.delete(p.blob);
    throw e;
  }
  if (old && old.blob !== p.blob) ctx.blobs.delete(old.blob, old.size);
  return row;
}
