import { createHash } from 'node:crypto';
import { compositeChecksum, hasher, type ChecksumAlgorithm } from '../checksums.js';
import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { Checksums } from '../serializers.js';
import type { ObjectRow, PartRow } from '../store.js';
import { composeRef } from '../blobs.js';
import { children, child, readXml, text } from '../xml.js';
import { checksumsOf, checkWriteConditions, commitObject, requireBucket, unquote } from './common.js';
import { requireUpload } from './uploads.js';

const MIN_PART = 5 * 1024 * 1024;

export async function CompleteMultipartUpload(ctx: S3Context, call: S3Call): Promise<ObjectRow> {
  requireBucket(ctx, call);
  const u = requireUpload(ctx, call);
  const { doc } = await readXml(call.req);
  const root = child(doc, 'CompleteMultipartUpload');
  if (!root) throw errors.malformedXml();
  const requested = children(root, 'Part').map((p) => {
    const n = Number(text(p, 'PartNumber'));
    const etag = text(p, 'ETag');
    if (!Number.isInteger(n) || etag === undefined) throw errors.malformedXml();
    const sums: Checksums = {};
    for (const a of ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const) {
      const v = text(p, 'Checksum' + a);
      if (v !== undefined) sums[a] = v;
    }
    return { n, etag: unquote(etag), sums };
  });
  if (requested.length === 0) throw errors.malformedXml();
  for (let i = 1; i < requested.length; i++) if (requested[i].n <= requested[i - 1].n) throw errors.invalidPartOrder();
  const stored = new Map((ctx.store.parts.all(u.upload_id) as PartRow[]).map((p) => [p.part_number, p]));
  const parts = requested.map((r) => {
    const p = stored.get(r.n);
    if (!p || unquote(p.etag) !== r.etag) throw errors.invalidPart();
    const have = checksumsOf(p.checksums);
    for (const [a, v] of Object.entries(r.sums)) if (have[a as ChecksumAlgorithm] !== undefined && have[a as ChecksumAlgorithm] !== v) throw errors.invalidPart();
    return p;
  });
  parts.forEach((p, i) => {
    if (i < parts.length - 1 && p.size < MIN_PART) {
      const e = errors.entityTooSmall();
      Object.assign(e.extra, { ProposedSize: String(p.size), MinSizeAllowed: String(MIN_PART), PartNumber: String(p.part_number), ETag: unquote(p.etag) });
      throw e;
    }
  });
  // Fail early on a precondition (checked again in the commit).
  checkWriteConditions(call, ctx.store.object.get(u.tenant, u.bucket, u.key) as ObjectRow | undefined);

  const algo = u.checksum_algorithm as ChecksumAlgorithm | null;
  let size = 0;
  for (const p of parts) size += p.size;
  const checksums: Checksums = {};
  if (algo && u.checksum_type === 'FULL_OBJECT') {
    const h = hasher(algo);
    for (const p of parts) for await (const c of ctx.blobs.read(p.blob)) h.update(c);
    checksums[algo] = await h.digest();
  } else if (algo) {
    const each = parts.map((p) => checksumsOf(p.checksums)[algo]);
    if (each.every((v): v is string => v !== undefined)) checksums[algo] = await compositeChecksum(algo, each);
  }
  const md5s = createHash('md5');
  for (const p of parts) md5s.update(Buffer.from(unquote(p.etag), 'hex'));
  // The object is read from its parts' files (no copy): it takes them over from the upload.
  const used = new Set(parts.map((p) => p.part_number));
  const leftOut: PartRow[] = [];
  const obj = await commitObject(
    ctx,
    call,
    {
      tenant: u.tenant,
      bucket: u.bucket,
      key: u.key,
      size,
      etag: `"${md5s.digest('hex')}-${parts.length}"`,
      blob: composeRef(parts.map((p) => ({ id: p.blob, size: p.size }))),
      content_type: u.content_type,
      headers: u.headers,
      metadata: u.metadata,
      tags: u.tags,
      checksums: JSON.stringify(checksums),
      checksum_type: algo ? u.checksum_type : null,
      parts: parts.length,
      storage_class: u.storage_class,
      acl: u.acl,
      last_modified: ctx.clock.now(),
    },
    () => {
      if (!ctx.store.upload.get(u.upload_id, u.tenant, u.bucket, u.key)) throw errors.noSuchUpload(u.upload_id);
      const now = new Map((ctx.store.parts.all(u.upload_id) as PartRow[]).map((p) => [p.part_number, p]));
      // a part uploaded again since it was read above has replaced (and removed) that file
      for (const p of parts) if (now.get(p.part_number)?.blob !== p.blob) throw errors.invalidPart();
      for (const p of now.values()) if (!used.has(p.part_number)) leftOut.push(p);
      ctx.store.deleteUpload.run(u.upload_id);
    },
    true,
  );
  for (const p of leftOut) ctx.blobs.delete(p.blob, p.size);
  return obj;
}
