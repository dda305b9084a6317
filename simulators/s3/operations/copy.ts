import { createHash } from 'node:crypto';
import { hasher, type ChecksumAlgorithm } from '../checksums.js';
import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { Checksums } from '../serializers.js';
import type { ObjectRow } from '../store.js';
import { checkConditions, getObject } from './common.js';

/** `x-amz-copy-source: bucket/key[?versionId=]`, url-encoded, with or without a leading slash. */
export function parseCopySource(v: string | undefined): { bucket: string; key: string } {
  if (!v) throw errors.invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', '');
  let s = v;
  const q = s.indexOf('?');
  let version: string | undefined;
  if (q !== -1) {
    version = new URLSearchParams(s.slice(q + 1)).get('versionId') ?? undefined;
    s = s.slice(0, q);
  }
  if (version !== undefined && version !== 'null') throw errors.invalidArgument('Invalid version id specified', 'x-amz-copy-source', v);
  let decoded: string;
  try {
    decoded = decodeURIComponent(s);
  } catch {
    throw errors.invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', v);
  }
  if (decoded.startsWith('/')) decoded = decoded.slice(1);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw errors.invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', v);
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

export function copySourceObject(ctx: S3Context, call: S3Call): ObjectRow {
  const src = parseCopySource(call.h('x-amz-copy-source'));
  if (!ctx.store.bucket.get(call.tenant, src.bucket)) throw errors.noSuchBucket(src.bucket);
  const o = getObject(ctx, call.tenant, src.bucket, src.key);
  if (!o) throw errors.noSuchKey(src.key);
  checkConditions(call, o, true);
  return o;
}

/** Copies a blob range into a new blob, computing MD5 and the given checksums. */
export async function copyBlob(
  ctx: S3Context,
  blob: string,
  algorithms: ChecksumAlgorithm[],
  start?: number,
  end?: number,
): Promise<{ blob: string; size: number; md5: Buffer; checksums: Checksums }> {
  const w = ctx.blobs.create();
  const md5 = createHash('md5');
  const hs = algorithms.map((a) => [a, hasher(a)] as const);
  let size = 0;
  try {
    for await (const c of ctx.blobs.read(blob, start, end)) {
      size += c.byteLength;
      md5.update(c);
      for (const [, h] of hs) h.update(c);
      await w.write(c);
    }
    await w.commit();
  } catch (e) {
    w.discard();
    throw e;
  }
  const checksums: Checksums = {};
  for (const [a, h] of hs) checksums[a] = await h.digest();
  return { blob: w.id, size, md5: md5.digest(), checksums };
}
