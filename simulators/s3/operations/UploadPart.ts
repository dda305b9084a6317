import { type ChecksumAlgorithm } from '../checksums.js';
import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { ingest } from '../ingest.js';
import type { PartRow, UploadRow } from '../store.js';
import { requireBucket } from './common.js';
import { requireUpload, partNumber, storePart } from './uploads.js';

export async function UploadPart(ctx: S3Context, call: S3Call): Promise<{ part: PartRow; upload: UploadRow }> {
  requireBucket(ctx, call);
  const n = partNumber(call);
  const u = requireUpload(ctx, call);
  const declared = Number(call.h('x-amz-decoded-content-length') ?? call.h('content-length') ?? 0);
  if (declared > 5 * 1024 ** 3) throw errors.entityTooLarge();
  const got = await ingest(ctx.blobs, call.req, call.auth, { algorithm: (u.checksum_algorithm as ChecksumAlgorithm | null) ?? undefined, query: call.q });
  return { part: await storePart(ctx, u, n, got), upload: u };
}
