import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { CorsRule } from '../serializers.js';
import { child, children, readXml, text, texts } from '../xml.js';
import { requireBucket } from './common.js';

const CORS_METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);

export async function PutBucketCors(ctx: S3Context, call: S3Call): Promise<void> {
  requireBucket(ctx, call);
  const { doc } = await readXml(call.req);
  const cfg = child(doc, 'CORSConfiguration');
  if (!cfg) throw errors.malformedXml();
  const rules: CorsRule[] = children(cfg, 'CORSRule').map((r) => {
    const rule: CorsRule = {
      ID: text(r, 'ID'),
      AllowedOrigins: texts(r, 'AllowedOrigin'),
      AllowedMethods: texts(r, 'AllowedMethod'),
      AllowedHeaders: texts(r, 'AllowedHeader'),
      ExposeHeaders: texts(r, 'ExposeHeader'),
    };
    const age = text(r, 'MaxAgeSeconds');
    if (age !== undefined) rule.MaxAgeSeconds = Number(age);
    if (!rule.AllowedOrigins.length || !rule.AllowedMethods.length) throw errors.malformedXml();
    for (const m of rule.AllowedMethods) {
      if (!CORS_METHODS.has(m)) throw errors.invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
    return rule;
  });
  if (rules.length === 0 || rules.length > 100) throw errors.malformedXml();
  await ctx.db.write(() => ctx.store.setBucketCors.run(JSON.stringify(rules), call.tenant, call.bucket));
}
