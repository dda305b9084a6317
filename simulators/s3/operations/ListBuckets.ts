import type { S3Call, S3Context } from '../context.js';
import type { BucketRow } from '../store.js';

export function ListBuckets(ctx: S3Context, call: S3Call): BucketRow[] {
  let rows = ctx.store.listBuckets.all(call.tenant) as BucketRow[];
  const prefix = call.q.get('prefix');
  if (prefix) rows = rows.filter((b) => b.name.startsWith(prefix));
  return rows;
}
