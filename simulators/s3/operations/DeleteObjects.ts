import { createHash } from 'node:crypto';
import { algorithmOf, hasher } from '../checksums.js';
import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { child, children, readXml, text } from '../xml.js';
import { getObject, requireBucket } from './common.js';

export interface DeleteOutcome {
  deleted: { Key: string; VersionId?: string }[];
  errors: { Key: string; VersionId?: string; Code: string; Message: string }[];
  quiet: boolean;
}

export async function DeleteObjects(ctx: S3Context, call: S3Call): Promise<DeleteOutcome> {
  requireBucket(ctx, call);
  const { doc, raw } = await readXml(call.req);
  const md5 = call.h('content-md5');
  if (md5 !== undefined && createHash('md5').update(raw).digest('base64') !== md5) throw errors.badDigestMd5();
  for (const [name, v] of Object.entries(call.req.headers)) {
    const a = name.startsWith('x-amz-checksum-') ? algorithmOf(name.slice('x-amz-checksum-'.length)) : undefined;
    if (!a || typeof v !== 'string') continue;
    const h = hasher(a);
    h.update(raw);
    if ((await h.digest()) !== v) throw errors.badChecksum(a);
  }
  const del = child(doc, 'Delete');
  if (!del) throw errors.malformedXml();
  const objects = children(del, 'Object');
  if (objects.length === 0 || objects.length > 1000) throw errors.malformedXml();
  const quiet = text(del, 'Quiet') === 'true';
  const out: DeleteOutcome = { deleted: [], errors: [], quiet };
  const items = objects.map((o) => ({ Key: text(o, 'Key'), VersionId: text(o, 'VersionId') }));
  const blobs = await ctx.db.write(() => {
    const freed: { blob: string; size: number }[] = [];
    for (const it of items) {
      if (it.Key === undefined) throw errors.malformedXml();
      const key = it.Key;
      if (it.VersionId !== undefined && it.VersionId !== 'null') {
        out.errors.push({ Key: key, VersionId: it.VersionId, Code: 'NoSuchVersion', Message: 'The specified version does not exist.' });
        continue;
      }
      const o = getObject(ctx, call.tenant, call.bucket!, key);
      if (o) {
        ctx.store.deleteObject.run(call.tenant, call.bucket, key);
        freed.push(o);
      }
      out.deleted.push(it.VersionId !== undefined ? { Key: key, VersionId: it.VersionId } : { Key: key });
    }
    return freed;
  });
  for (const b of blobs) ctx.blobs.delete(b.blob, b.size);
  return out;
}
