import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { PartRow, UploadRow } from '../store.js';
import { requireBucket } from './common.js';
import { requireUpload } from './uploads.js';

export interface PartsPage {
  upload: UploadRow;
  parts: PartRow[];
  marker: number;
  max: number;
  truncated: boolean;
}

export function ListParts(ctx: S3Context, call: S3Call): PartsPage {
  requireBucket(ctx, call);
  const u = requireUpload(ctx, call);
  const marker = Number(call.q.get('part-number-marker') ?? 0) || 0;
  const maxRaw = call.q.get('max-parts');
  const max = maxRaw === undefined ? 1000 : Math.min(Number(maxRaw), 1000);
  if (!Number.isFinite(max) || max < 0) throw errors.invalidArgument('Provided max-parts not an integer or within integer range', 'max-parts', maxRaw!);
  const all = (ctx.store.parts.all(u.upload_id) as PartRow[]).filter((p) => p.part_number > marker);
  return { upload: u, parts: all.slice(0, max), marker, max, truncated: all.length > max };
}
