import { algorithmOf } from '../checksums.js';
import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { UploadRow } from '../store.js';
import { attributesFromRequest, newUploadId, requireBucket } from './common.js';

export async function CreateMultipartUpload(ctx: S3Context, call: S3Call): Promise<UploadRow> {
  requireBucket(ctx, call);
  const attrs = attributesFromRequest(call);
  const rawAlgo = call.h('x-amz-checksum-algorithm');
  const algorithm = algorithmOf(rawAlgo);
  if (rawAlgo !== undefined && !algorithm) throw errors.invalidRequest('Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
  let type = call.h('x-amz-checksum-type')?.toUpperCase();
  if (type !== undefined && type !== 'COMPOSITE' && type !== 'FULL_OBJECT') throw errors.invalidRequest('Value for x-amz-checksum-type header is invalid.');
  if (algorithm) type ??= algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE';
  if (type && !algorithm) throw errors.invalidRequest('The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
  if (type === 'COMPOSITE' && algorithm === 'CRC64NVME') throw errors.invalidRequest('The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.');
  if (type === 'FULL_OBJECT' && (algorithm === 'SHA1' || algorithm === 'SHA256')) throw errors.invalidRequest(`The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`);
  const row: UploadRow = {
    upload_id: newUploadId(),
    tenant: call.tenant,
    bucket: call.bucket!,
    key: call.key!,
    ...attrs,
    checksum_algorithm: algorithm ?? null,
    checksum_type: type ?? null,
    initiated: ctx.clock.now(),
  };
  await ctx.db.write(() => ctx.store.insertUpload.run(row));
  return row;
}
