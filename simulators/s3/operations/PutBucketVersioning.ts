import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import { child, readXml, text } from '../xml.js';
import { requireBucket } from './common.js';

/**
 * Versioning is not simulated: `Suspended` is stored (objects keep the version `null`, as in a
 * suspended bucket); `Enabled`, and MFA Delete, answer NotImplemented.
 */
export async function PutBucketVersioning(ctx: S3Context, call: S3Call): Promise<void> {
  requireBucket(ctx, call);
  const { doc } = await readXml(call.req);
  const cfg = child(doc, 'VersioningConfiguration');
  if (!cfg) throw errors.malformedXml();
  const status = text(cfg, 'Status');
  const mfa = text(cfg, 'MfaDelete');
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') throw errors.malformedXml();
  if (mfa !== undefined && mfa !== 'Enabled' && mfa !== 'Disabled') throw errors.malformedXml();
  if (status === 'Enabled') throw errors.versioningNotSimulated();
  if (mfa === 'Enabled') throw errors.mfaDeleteNotSimulated();
  if (status === 'Suspended') await ctx.db.write(() => ctx.store.setBucketVersioning.run(status, call.tenant, call.bucket));
}
