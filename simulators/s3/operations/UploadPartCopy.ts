import { type ChecksumAlgorithm } from '../checksums.js';
import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { PartRow, UploadRow } from '../store.js';
import { parseRange, requireBucket } from './common.js';
import { copySourceObject, copyBlob } from './copy.js';
import { requireUpload, partNumber, storePart } from './uploads.js';

export async function UploadPartCopy(ctx: S3Context, call: S3Call): Promise<{ part: PartRow; upload: UploadRow }> {
  requireBucket(ctx, call);
  const n = partNumber(call);
  const u = requireUpload(ctx, call);
  const src = copySourceObject(ctx, call);
  const rangeHeader = call.h('x-amz-copy-source-range');
  let start: number | undefined;
  let end: number | undefined;
  if (rangeHeader !== undefined) {
    const r = parseRange(rangeHeader, src.size);
    if (!r || r === 'unsatisfiable' || !/^bytes=\d+-\d+$/.test(rangeHeader.trim()) || Number(rangeHeader.split('-')[1]) >= src.size) {
      throw errors.invalidArgument('The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', 'x-amz-copy-source-range', rangeHeader);
    }
    start = r.start;
    end = r.end;
  }
  const algos = u.checksum_algorithm ? [u.checksum_algorithm as ChecksumAlgorithm] : [];
  const copy = await copyBlob(ctx, src.blob, algos, start, end);
  return { part: await storePart(ctx, u, n, copy), upload: u };
}
