import { algorithmOf } from '../checksums.js';
import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { ingest } from '../ingest.js';
import type { ObjectRow } from '../store.js';
import { attributesFromRequest, commitObject, requireBucket } from './common.js';
import { MAX_OBJECT } from './common.js';

export async function PutObject(ctx: S3Context, call: S3Call): Promise<ObjectRow> {
  requireBucket(ctx, call);
  const attrs = attributesFromRequest(call);
  const declared = Number(call.h('x-amz-decoded-content-length') ?? call.h('content-length') ?? 0);
  if (declared > MAX_OBJECT) throw errors.entityTooLarge();
  const sdkAlgo = call.h('x-amz-sdk-checksum-algorithm');
  if (sdkAlgo !== undefined && !algorithmOf(sdkAlgo)) throw errors.invalidRequest('Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
  const got = await ingest(ctx.blobs, call.req, call.auth, { query: call.q });
  return commitObject(ctx, call, {
    tenant: call.tenant,
    bucket: call.bucket!,
    key: call.key!,
    size: got.size,
    etag: `"${got.md5.toString('hex')}"`,
    blob: got.blob,
    ...attrs,
    checksums: JSON.stringify(got.checksums),
    checksum_type: Object.keys(got.checksums).length ? 'FULL_OBJECT' : null,
    parts: null,
    last_modified: ctx.clock.now(),
  });
}
