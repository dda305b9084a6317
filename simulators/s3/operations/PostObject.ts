import { createHash, createHmac } from 'node:crypto';
import type { SimRequest } from '../../../src/core/index.js';
import { signingKey } from '../auth.js';
import type { S3Config } from '../config.js';
import type { S3Call, S3Context } from '../context.js';
import { errors } from '../errors.js';
import type { BucketRow, ObjectRow } from '../store.js';
import { commitObject, MAX_OBJECT, parseTagging } from './common.js';

const FIELD_LIMIT = 64 * 1024;

export interface PostResult {
  object: ObjectRow;
  status: number;
  redirect?: string;
}

/**
 * Reads a multipart/form-data body: fields before the `file` part into `fields`, then the file's
 * bytes, streamed to `onFile` without buffering the whole file.
 */
async function parseForm(
  req: SimRequest,
  boundary: string,
  onFile: (filename: string, fields: Map<string, string>, data: AsyncIterable<Buffer>) => Promise<void>,
): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  const it = req.body.stream()[Symbol.asyncIterator]();
  let buf = Buffer.alloc(0);
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const r = await it.next();
    if (r.done) {
      ended = true;
      return false;
    }
    buf = Buffer.concat([buf, r.value]);
    return true;
  };
  const until = async (needle: Buffer): Promise<number> => {
    for (;;) {
      const i = buf.indexOf(needle);
      if (i !== -1) return i;
      if (buf.length > FIELD_LIMIT * 2) throw errors.malformedPost('Form field is too large');
      if (!(await more())) throw errors.malformedPost('The body of your POST request is not well-formed multipart/form-data.');
    }
  };
  const first = Buffer.from(`--${boundary}`);
  const delim = Buffer.from(`\r\n--${boundary}`);
  const start = await until(first);
  buf = buf.subarray(start + first.length);
  for (;;) {
    while (buf.length < 2 && (await more()));
    if (buf.subarray(0, 2).toString() === '--') break;
    const headEnd = await until(Buffer.from('\r\n\r\n'));
    const head = buf.subarray(0, headEnd).toString('utf8');
    buf = buf.subarray(headEnd + 4);
    const disp = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disp)?.[1] ?? '';
    const filename = /\bfilename="([^"]*)"/i.exec(disp)?.[1];
    const partType = /content-type:\s*([^\r\n]*)/i.exec(head)?.[1];
    if (name.toLowerCase() === 'file') {
      if (partType && !fields.has('content-type')) fields.set('content-type-of-file', partType);
      let done = false;
      const data = async function* (): AsyncIterable<Buffer> {
        for (;;) {
          const i = buf.indexOf(delim);
          if (i !== -1) {
            if (i > 0) yield buf.subarray(0, i);
            buf = buf.subarray(i + delim.length);
            done = true;
            return;
          }
          const keep = delim.length - 1;
          if (buf.length > keep) {
            const out = buf.subarray(0, buf.length - keep);
            buf = buf.subarray(buf.length - keep);
            yield out;
          }
          if (!(await more())) throw errors.incompleteBody();
        }
      };
      await onFile(filename ?? '', fields, data());
      if (!done) throw errors.incompleteBody();
      // anything after the file is ignored, as S3 does
      while (await more()) buf = Buffer.alloc(0);
      return fields;
    }
    const end = await until(delim);
    fields.set(name.toLowerCase(), buf.subarray(0, end).toString('utf8'));
    buf = buf.subarray(end + delim.length);
  }
  throw errors.malformedPost('POST requires exactly one file upload per request.');
}

type Condition = { field: string; op: 'eq' | 'starts-with'; value: string } | { range: [number, number] };

function parsePolicy(policyB64: string, now: number): Condition[] {
  let doc: { expiration?: string; conditions?: unknown[] };
  try {
    doc = JSON.parse(Buffer.from(policyB64, 'base64').toString('utf8')) as typeof doc;
  } catch {
    throw errors.invalidPolicy('Invalid Policy: Invalid JSON.');
  }
  if (!doc.expiration || !Array.isArray(doc.conditions)) throw errors.invalidPolicy('Invalid Policy: Policy missing expiration or conditions.');
  const exp = Date.parse(doc.expiration);
  if (!Number.isFinite(exp) || exp < now) throw errors.accessDeniedPolicy('Invalid according to Policy: Policy expired.');
  return doc.conditions.map((c): Condition => {
    if (Array.isArray(c)) {
      const [op, a, b] = c as [string, unknown, unknown];
      if (String(op).toLowerCase() === 'content-length-range') return { range: [Number(a), Number(b)] };
      const o = String(op).toLowerCase();
      if ((o !== 'eq' && o !== 'starts-with') || typeof a !== 'string' || !a.startsWith('$')) throw errors.invalidPolicy(`Invalid Policy: Invalid condition ${JSON.stringify(c)}.`);
      return { field: a.slice(1).toLowerCase(), op: o, value: String(b) };
    }
    if (c && typeof c === 'object') {
      const [k, v] = Object.entries(c)[0] ?? [];
      if (k === undefined) throw errors.invalidPolicy('Invalid Policy: empty condition.');
      return { field: k.toLowerCase(), op: 'eq', value: String(v) };
    }
    throw errors.invalidPolicy('Invalid Policy: Invalid condition.');
  });
}

const SIGNATURE_FIELDS = new Set(['x-amz-signature', 'signature', 'file', 'policy', 'awsaccesskeyid', 'x-amz-security-token', 'content-type-of-file']);

function verifySignature(fields: Map<string, string>, cfg: S3Config, secretOf: (k: string) => string): string {
  const policy = fields.get('policy') ?? '';
  if (fields.has('x-amz-signature')) {
    const cred = (fields.get('x-amz-credential') ?? '').split('/');
    if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256' || cred.length !== 5) throw errors.invalidArgument('POST requires x-amz-algorithm AWS4-HMAC-SHA256 and a valid x-amz-credential', 'x-amz-credential', fields.get('x-amz-credential') ?? '');
    const [key, date, region, service] = cred;
    if (cfg.auth === 'off') return key;
    const expected = createHmac('sha256', signingKey(secretOf(key), date, region, service)).update(policy).digest('hex');
    if (expected !== fields.get('x-amz-signature')) throw errors.signatureDoesNotMatch({ AWSAccessKeyId: key, StringToSign: policy, SignatureProvided: fields.get('x-amz-signature') ?? '' });
    return key;
  }
  const key = fields.get('awsaccesskeyid');
  if (!key || !fields.has('signature')) throw errors.accessDeniedPolicy('Access Denied');
  if (cfg.auth === 'off') return key;
  const expected = createHmac('sha1', secretOf(key)).update(policy).digest('base64');
  if (expected !== fields.get('signature')) throw errors.signatureDoesNotMatch({ AWSAccessKeyId: key, StringToSign: policy, SignatureProvided: fields.get('signature') ?? '' });
  return key;
}

/** Browser-form upload (presigned POST): policy conditions, then the file. */
export async function PostObject(ctx: S3Context, call: S3Call, secretOf: (k: string) => string): Promise<PostResult> {
  const ct = call.h('content-type') ?? '';
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(ct);
  if (!/^multipart\/form-data/i.test(ct) || !boundary) throw errors.malformedPost('The body of your POST request is not well-formed multipart/form-data.');
  let result: PostResult | undefined;
  await parseForm(call.req, boundary[1] ?? boundary[2], async (filename, fields, data) => {
    if (!fields.has('policy')) throw errors.accessDeniedPolicy('Access Denied');
    const tenant = verifySignature(fields, ctx.cfg, secretOf);
    const bucket = ctx.store.bucket.get(tenant, call.bucket) as BucketRow | undefined;
    if (!bucket) throw errors.noSuchBucket(call.bucket!);
    call.tenant = tenant;
    const rawKey = fields.get('key');
    if (!rawKey) throw errors.invalidArgument('Bucket POST must contain a field named \'key\'.  If it is specified, please check the order of the fields.', 'key', '');
    const key = rawKey.replace(/\$\{filename\}/g, filename);
    const values = new Map(fields);
    values.set('key', key);
    values.set('bucket', call.bucket!);
    const conditions = parsePolicy(fields.get('policy')!, ctx.clock.now());
    let range: [number, number] = [0, MAX_OBJECT];
    const covered = new Set<string>(['bucket']);
    for (const c of conditions) {
      if ('range' in c) {
        range = c.range;
        continue;
      }
      covered.add(c.field);
      const v = c.field === 'key' ? rawKey : (values.get(c.field) ?? '');
      const actual = c.field === 'key' ? key : v;
      const ok = c.op === 'eq' ? actual === c.value || v === c.value : actual.startsWith(c.value) || v.startsWith(c.value);
      if (!ok) throw errors.accessDeniedPolicy(`Invalid according to Policy: Policy Condition failed: ["${c.op}", "$${c.field}", "${c.value}"]`);
    }
    for (const name of fields.keys()) {
      if (SIGNATURE_FIELDS.has(name) || name.startsWith('x-ignore-') || covered.has(name)) continue;
      throw errors.accessDeniedPolicy(`Invalid according to Policy: Extra input fields: ${name}`);
    }
    const w = ctx.blobs.create();
    const md5 = createHash('md5');
    let size = 0;
    try {
      for await (const c of data) {
        size += c.length;
        if (size > range[1]) throw errors.entityTooLarge();
        md5.update(c);
        await w.write(c);
      }
      if (size < range[0]) throw errors.entityTooSmall();
      await w.commit();
    } catch (e) {
      w.discard();
      throw e;
    }
    const metadata: Record<string, string> = {};
    for (const [k, v] of fields) if (k.startsWith('x-amz-meta-')) metadata[k.slice('x-amz-meta-'.length)] = v;
    const headers: Record<string, string> = { 'x-amz-server-side-encryption': fields.get('x-amz-server-side-encryption') ?? 'AES256' };
    for (const k of ['cache-control', 'content-disposition', 'content-encoding', 'expires']) if (fields.has(k)) headers[k] = fields.get(k)!;
    call.key = key;
    const object = await commitObject(ctx, call, {
      tenant,
      bucket: call.bucket!,
      key,
      size,
      etag: `"${md5.digest('hex')}"`,
      blob: w.id,
      content_type: fields.get('content-type') ?? fields.get('content-type-of-file') ?? 'binary/octet-stream',
      headers: JSON.stringify(headers),
      metadata: JSON.stringify(metadata),
      tags: JSON.stringify(parseTagging(undefined)),
      checksums: '{}',
      checksum_type: null,
      parts: null,
      storage_class: 'STANDARD',
      acl: fields.get('acl') ?? 'private',
      last_modified: ctx.clock.now(),
    });
    const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
    if (redirect) {
      const u = new URL(redirect);
      u.searchParams.set('bucket', object.bucket);
      u.searchParams.set('key', object.key);
      u.searchParams.set('etag', object.etag);
      result = { object, status: 303, redirect: u.toString() };
      return;
    }
    const s = Number(fields.get('success_action_status') ?? 204);
    result = { object, status: s === 200 || s === 201 ? s : 204 };
  });
  if (!result) throw errors.malformedPost('POST requires exactly one file upload per request.');
  return result;
}

