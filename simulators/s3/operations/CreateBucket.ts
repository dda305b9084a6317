import type { S3Call, S3Context } from '../context.js';
import { errors, S3Error } from '../errors.js';
import type { BucketRow } from '../store.js';
import { child, parseXml, text } from '../xml.js';
import { acl, requireBucket } from './common.js';

const REGIONS = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** S3's general purpose bucket naming rules. */
export function validBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return false;
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return false;
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return false;
  return true;
}

export async function CreateBucket(ctx: S3Context, call: S3Call): Promise<BucketRow> {
  const name = call.bucket!;
  if (!validBucketName(name)) throw errors.invalidBucketName(name);
  let region = 'us-east-1';
  const raw = await call.req.body.bytes(64 * 1024).catch(() => {
    throw errors.malformedXml();
  });
  if (raw.length && raw.toString('utf8').trim()) {
    const doc = parseXml(raw.toString('utf8'));
    const cfg = child(doc, 'CreateBucketConfiguration');
    if (!cfg) throw errors.malformedXml();
    const loc = text(cfg, 'LocationConstraint');
    if (loc !== undefined && loc !== '') {
      if (loc === 'EU') region = 'eu-west-1';
      else if (!REGIONS.test(loc)) throw new S3Error(400, 'InvalidLocationConstraint', 'The specified location-constraint is not valid', { LocationConstraint: loc });
      else region = loc;
    }
  }
  const cannedAcl = acl(call);
  const now = ctx.clock.now();
  await ctx.db.write(() => {
    if (ctx.store.bucket.get(call.tenant, name)) throw errors.bucketAlreadyOwnedByYou(name);
    ctx.store.insertBucket.run(call.tenant, name, region, cannedAcl, now);
  });
  return requireBucket(ctx, call);
}
