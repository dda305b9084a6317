import type { S3Call, S3Context } from '../context.js';
import type { UploadRow } from '../store.js';
import { requireBucket } from './common.js';

export interface UploadsPage {
  uploads: UploadRow[];
  prefixes: string[];
  prefix: string;
  delimiter?: string;
  keyMarker: string;
  uploadIdMarker: string;
  max: number;
  truncated: boolean;
}

export function ListMultipartUploads(ctx: S3Context, call: S3Call): UploadsPage {
  requireBucket(ctx, call);
  const prefix = call.q.get('prefix') ?? '';
  const delimiter = call.q.get('delimiter') || undefined;
  const keyMarker = call.q.get('key-marker') ?? '';
  const uploadIdMarker = call.q.get('upload-id-marker') ?? '';
  const max = Math.min(Number(call.q.get('max-uploads') ?? 1000) || 1000, 1000);
  const all = (ctx.store.listUploads.all(call.tenant, call.bucket) as UploadRow[]).filter((u) => {
    if (!u.key.startsWith(prefix)) return false;
    if (!keyMarker) return true;
    const c = Buffer.compare(Buffer.from(u.key), Buffer.from(keyMarker));
    return c > 0 || (c === 0 && uploadIdMarker !== '' && u.upload_id > uploadIdMarker);
  });
  const uploads: UploadRow[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  for (const u of all) {
    const i = delimiter ? u.key.indexOf(delimiter, prefix.length) : -1;
    if (i !== -1) {
      const cp = u.key.slice(0, i + delimiter!.length);
      if (prefixes.includes(cp)) continue;
      if (uploads.length + prefixes.length === max) {
        truncated = true;
        break;
      }
      prefixes.push(cp);
      continue;
    }
    if (uploads.length + prefixes.length === max) {
      truncated = true;
      break;
    }
    uploads.push(u);
  }
  return { uploads, prefixes, prefix, delimiter, keyMarker, uploadIdMarker, max, truncated };
}
