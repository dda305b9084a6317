import { algorithmOf } from '../checksums.js';
import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { ObjectRow } from '../store.js';
import {
  algorithmsIn,
  attributesFromRequest,
  checksumsOf,
  commitObject,
  requireBucket,
  type ObjectAttributes,
} from './common.js';
import { copySourceObject, copyBlob } from './copy.js';

export async function CopyObject(ctx: S3Context, call: S3Call): Promise<ObjectRow> {
  requireBucket(ctx, call);
  const src = copySourceObject(ctx, call);
  const metaDirective = call.h('x-amz-metadata-directive') ?? 'COPY';
  const tagDirective = call.h('x-amz-tagging-directive') ?? 'COPY';
  if (metaDirective !== 'COPY' && metaDirective !== 'REPLACE') throw errors.invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', metaDirective);
  if (tagDirective !== 'COPY' && tagDirective !== 'REPLACE') throw errors.invalidArgument('Unknown tagging directive.', 'x-amz-tagging-directive', tagDirective);
  const requested = attributesFromRequest(call);
  const self = src.bucket === call.bucket && src.key === call.key;
  if (
    self &&
    metaDirective === 'COPY' &&
    call.h('x-amz-storage-class') === undefined &&
    call.h('x-amz-server-side-encryption') === undefined &&
    call.h('x-amz-website-redirect-location') === undefined &&
    call.h('x-amz-checksum-algorithm') === undefined
  ) {
    throw errors.invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const attrs: ObjectAttributes =
    metaDirective === 'REPLACE'
      ? { ...requested }
      : {
          ...requested,
          content_type: src.content_type,
          headers: JSON.stringify({ ...JSON.parse(src.headers), ...JSON.parse(requested.headers) }),
          metadata: src.metadata,
        };
  attrs.tags = tagDirective === 'REPLACE' ? requested.tags : src.tags;
  const algo = algorithmOf(call.h('x-amz-checksum-algorithm'));
  if (call.h('x-amz-checksum-algorithm') !== undefined && !algo) throw errors.invalidRequest('Checksum algorithm provided is unsupported.');
  const algorithms = algo ? [algo] : algorithmsIn(checksumsOf(src.checksums));
  const copy = await copyBlob(ctx, src.blob, algorithms);
  return commitObject(ctx, call, {
    tenant: call.tenant,
    bucket: call.bucket!,
    key: call.key!,
    size: copy.size,
    etag: `"${copy.md5.toString('hex')}"`,
    blob: copy.blob,
    ...attrs,
    checksums: JSON.stringify(copy.checksums),
    checksum_type: algorithms.length ? 'FULL_OBJECT' : null,
    parts: null,
    last_modified: ctx.clock.now(),
  });
}
