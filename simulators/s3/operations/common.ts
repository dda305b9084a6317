import { randomHex } from '../../../src/core/index.js';
import { ALGORITHMS, type ChecksumAlgorithm } from '../checksums.js';
import type { S3Call, S3Context } from '../context.js';
import { errors, S3Error } from '../errors.js';
import type { Checksums, Tag } from '../serializers.js';
import type { BucketRow, ObjectRow } from '../store.js';
import { child, children, readXml, text } from '../xml.js';

export function requireBucket(ctx: S3Context, call: S3Call): Readonly<BucketRow> {
  const b = call.bucket === undefined ? undefined : ctx.store.bucketOf(call.tenant, call.bucket);
  if (!b) throw errors.noSuchBucket(call.bucket!);
  return b;
}

export function getObject(ctx: S3Context, tenant: string, bucket: string, key: string): ObjectRow | undefined {
  return ctx.store.object.get(tenant, bucket, key) as ObjectRow | undefined;
}

export function requireObject(ctx: S3Context, call: S3Call): ObjectRow {
  const o = getObject(ctx, call.tenant, call.bucket!, call.key!);
  if (!o) throw errors.noSuchKey(call.key!);
  return o;
}

/** `versionId` may only be `null` (versioning is never enabled). */
export function checkVersionId(call: S3Call): void {
  const v = call.q.get('versionId');
  if (v !== undefined && v !== 'null') throw errors.invalidArgument('Invalid version id specified', 'versionId', v);
}

const STORAGE_CLASSES = new Set([
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE',
  'OUTPOSTS', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE',
]);
const CANNED_ACLS = new Set(['private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write']);

/** Object headers S3 stores and returns as they were sent. */
export const STORED_HEADERS = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'expires',
  'x-amz-website-redirect-location',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-context',
  'x-amz-server-side-encryption-bucket-key-enabled',
  'x-amz-server-side-encryption-customer-algorithm',
  'x-amz-server-side-encryption-customer-key-md5',
];

export function acl(call: S3Call): string {
  const a = call.h('x-amz-acl') ?? 'private';
  if (!CANNED_ACLS.has(a)) throw errors.invalidArgument('', 'x-amz-acl', a);
  return a;
}

export function storageClass(call: S3Call): string {
  const s = call.h('x-amz-storage-class') ?? 'STANDARD';
  if (!STORAGE_CLASSES.has(s)) throw new S3Error(400, 'InvalidStorageClass', 'The storage class you specified is not valid', { StorageClassRequested: s });
  return s;
}

export function parseTagging(v: string | undefined): Tag[] {
  if (!v) return [];
  const tags = new URLSearchParams(v);
  const out: Tag[] = [];
  for (const [Key, Value] of tags) out.push({ Key, Value });
  validateTags(out, 10);
  return out;
}

export function validateTags(tags: Tag[], max: number): void {
  if (tags.length > max) {
    throw max === 10 ? new S3Error(400, 'BadRequest', 'Object tags cannot be greater than 10') : errors.invalidTag('Bucket tag count cannot be greater than 50');
  }
  const seen = new Set<string>();
  for (const t of tags) {
    if (seen.has(t.Key)) throw errors.invalidTag('Cannot provide multiple Tags with the same key');
    seen.add(t.Key);
    if (t.Key.length === 0 || [...t.Key].length > 128) throw errors.invalidTag('The TagKey you have provided is invalid');
    if ([...t.Value].length > 256) throw errors.invalidTag('The TagValue you have provided is too long, max length is 256');
  }
}

/** What a write request says about the object besides its bytes. */
export interface ObjectAttributes {
  content_type: string | null;
  headers: string;
  metadata: string;
  tags: string;
  storage_class: string;
  acl: string;
}

export function attributesFromRequest(call: S3Call): ObjectAttributes {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let v = call.h(name);
    if (v === undefined) continue;
    if (name === 'content-encoding') {
      v = v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s && s.toLowerCase() !== 'aws-chunked')
        .join(', ');
      if (!v) continue;
    }
    headers[name] = v;
  }
  headers['x-amz-server-side-encryption'] ??= 'AES256';
  const sse = headers['x-amz-server-side-encryption'];
  if (sse !== 'AES256' && sse !== 'aws:kms' && sse !== 'aws:kms:dsse') {
    throw errors.invalidArgument('The encryption method specified is not supported', 'x-amz-server-side-encryption', sse);
  }
  const metadata: Record<string, string> = {};
  let metaSize = 0;
  for (const [k, v] of Object.entries(call.req.headers)) {
    if (!k.startsWith('x-amz-meta-') || v === undefined) continue;
    const value = Array.isArray(v) ? v.join(',') : v;
    metadata[k.slice('x-amz-meta-'.length)] = value;
    metaSize += Buffer.byteLength(k) - 11 + Buffer.byteLength(value);
  }
  if (metaSize > 2048) throw new S3Error(400, 'MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size', { Size: String(metaSize), MaxSizeAllowed: '2048' });
  return {
    content_type: call.h('content-type') ?? null,
    headers: JSON.stringify(headers),
    metadata: JSON.stringify(metadata),
    tags: JSON.stringify(parseTagging(call.h('x-amz-tagging'))),
    storage_class: storageClass(call),
    acl: acl(call),
  };
}

export const unquote = (etag: string) => etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');

function etagList(v: string): string[] {
  return v.split(',').map((s) => unquote(s));
}

function etagMatches(header: string, etag: string): boolean {
  const list = etagList(header);
  return list.includes('*') || list.includes(unquote(etag));
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Conditional reads (RFC 7232 as S3 applies it): If-Match / If-Unmodified-Since -> 412,
 * If-None-Match / If-Modified-Since -> 304. `copy` evaluates the x-amz-copy-source-if-* set, where
 * every failure is 412.
 */
export function checkConditions(call: S3Call, o: ObjectRow, copy = false): 'ok' | 'not-modified' {
  const p = copy ? 'x-amz-copy-source-' : '';
  const ifMatch = call.h(p + 'if-match');
  const ifNoneMatch = call.h(p + 'if-none-match');
  const ifModifiedSince = call.h(p + 'if-modified-since');
  const ifUnmodifiedSince = call.h(p + 'if-unmodified-since');
  const lm = seconds(o.last_modified);
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, o.etag)) throw errors.preconditionFailed(copy ? 'x-amz-copy-source-If-Match' : 'If-Match');
  } else if (ifUnmodifiedSince !== undefined) {
    const t = Date.parse(ifUnmodifiedSince);
    if (Number.isFinite(t) && lm > seconds(t)) throw errors.preconditionFailed(copy ? 'x-amz-copy-source-If-Unmodified-Since' : 'If-Unmodified-Since');
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, o.etag)) {
      if (copy) throw errors.preconditionFailed('x-amz-copy-source-If-None-Match');
      return 'not-modified';
    }
  } else if (ifModifiedSince !== undefined) {
    const t = Date.parse(ifModifiedSince);
    if (Number.isFinite(t) && lm <= seconds(t) && seconds(t) <= seconds(Date.now())) {
      if (copy) throw errors.preconditionFailed('x-amz-copy-source-If-Modified-Since');
      return 'not-modified';
    }
  }
  return 'ok';
}

/** Conditional writes: `If-None-Match: *` (create only) and `If-Match: etag`, checked inside the commit. */
export function checkWriteConditions(call: S3Call, existing: ObjectRow | undefined): void {
  const ifNoneMatch = call.h('if-none-match');
  const ifMatch = call.h('if-match');
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw errors.notImplemented();
    if (existing) throw errors.preconditionFailed('If-None-Match');
  }
  if (ifMatch !== undefined) {
    if (!existing) throw errors.noSuchKey(call.key!);
    if (!etagMatches(ifMatch, existing.etag)) throw errors.preconditionFailed('If-Match');
  }
}

/**
 * Stores an object's record in the next group commit (replacing any previous one), then removes
 * the blob it replaced. The new blob is removed if the commit fails, unless `keepBlob` (a multipart
 * object's parts still belong to their upload then).
 */
export async function commitObject(
  ctx: S3Context,
  call: S3Call,
  row: Omit<ObjectRow, 'seq'>,
  extra?: () => void,
  keepBlob = false,
): Promise<ObjectRow> {
  let old: ObjectRow | undefined;
  let seq = 0;
  try {
    await ctx.db.write(() => {
      if (!ctx.store.bucketOf(row.tenant, row.bucket)) throw errors.noSuchBucket(row.bucket);
      const existing = ctx.store.object.get(row.tenant, row.bucket, row.key) as ObjectRow | undefined;
      checkWriteConditions(call, existing);
      if (existing) ctx.store.deleteObject.run(row.tenant, row.bucket, row.key);
      seq = Number(ctx.store.insertObject.run(row).lastInsertRowid);
      extra?.();
      old = existing;
    });
  } catch (e) {
    if (!keepBlob) ctx.blobs.delete(row.blob);
    throw e;
  }
  if (old && old.blob !== row.blob) ctx.blobs.delete(old.blob, old.size);
  return { ...row, seq };
}

export function checksumsOf(json: string): Checksums {
  return JSON.parse(json) as Checksums;
}

export function algorithmsIn(c: Checksums): ChecksumAlgorithm[] {
  return ALGORITHMS.filter((a) => c[a]);
}

export function newUploadId(): string {
  return Buffer.from(randomHex(48), 'hex').toString('base64url');
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` -> inclusive [start, end]; undefined when not a single range. */
export function parseRange(v: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!v) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(v.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  let end = m[2] === '' ? size - 1 : Number(m[2]);
  if (m[2] !== '' && end < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  end = Math.min(end, size - 1);
  return { start, end };
}

export async function readTagSet(call: S3Call, max: number): Promise<Tag[]> {
  const { doc } = await readXml(call.req);
  const tagging = child(doc, 'Tagging');
  const set = child(tagging, 'TagSet');
  if (!tagging || !set) throw errors.malformedXml();
  const tags = children(set, 'Tag').map((t) => {
    const Key = text(t, 'Key');
    const Value = text(t, 'Value') ?? '';
    if (Key === undefined) throw errors.malformedXml();
    return { Key, Value };
  });
  validateTags(tags, max);
  return tags;
}

export const MAX_OBJECT = 5 * 1024 ** 3;
