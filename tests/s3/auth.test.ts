import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { request as httpRequest } from 'node:http';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { inspectObjects, newAccessKey, newBucket, s3Client } from '../helpers/s3.js';
import { startSim } from '../helpers/server.js';

/** The sha256 constructor @smithy/signature-v4 wants, over node:crypto. */
class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | Uint8Array) {
    this.h = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

async function fails(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (e) {
    return e as S3ServiceException;
  }
  throw new Error('expected the call to fail');
}

describe('S3 authentication', () => {
  let sim: RunningServer;
  const tenant = newAccessKey();
  let s3: S3Client;
  const bucket = newBucket('auth');

  beforeAll(async () => {
    sim = await startSim({ 's3.access_keys': [{ access_key_id: 'FIXTUREKEY', secret_access_key: 'fixture-secret' }] });
    s3 = s3Client(sim, tenant);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'secret.txt', Body: 'top secret' }));
  });
  afterAll(async () => {
    s3.destroy();
    await sim.close();
  });

  it('the access key names the tenant: another key does not see the bucket', async () => {
    const other = s3Client(sim, newAccessKey());
    expect((await other.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    const e = await fails(other.send(new GetObjectCommand({ Bucket: bucket, Key: 'secret.txt' })));
    expect(e.name).toBe('NoSuchBucket');
    other.destroy();
    const tenants = (await (await fetch(`${sim.url}/__inspect/tenants`)).json()) as { items: { provider: string; tenant: string }[] };
    expect(tenants.items).toContainEqual(expect.objectContaining({ provider: 's3', tenant }));
  });

  it('a wrong secret gets SignatureDoesNotMatch with the StringToSign and CanonicalRequest', async () => {
    const bad = s3Client(sim, tenant, {}, 'wrong-secret');
    const e = await fails(bad.send(new GetObjectCommand({ Bucket: bucket, Key: 'secret.txt' })));
    expect(e.name).toBe('SignatureDoesNotMatch');
    expect(e.$metadata.httpStatusCode).toBe(403);
    const body = e as unknown as { StringToSign?: string; CanonicalRequest?: string };
    expect(body.StringToSign).toMatch(/^AWS4-HMAC-SHA256\n/);
    expect(body.CanonicalRequest).toContain('/secret.txt');
    bad.destroy();
    const fx = s3Client(sim, 'FIXTUREKEY', {}, 'test');
    expect((await fails(fx.send(new ListBucketsCommand({})))).name).toBe('SignatureDoesNotMatch');
    fx.destroy();
    const fxOk = s3Client(sim, 'FIXTUREKEY', {}, 'fixture-secret');
    await fxOk.send(new ListBucketsCommand({}));
    fxOk.destroy();
  });

  it('a tampered request (body changed after signing) is rejected', async () => {
    const tamper = s3Client(sim, tenant, { requestChecksumCalculation: 'WHEN_REQUIRED' });
    tamper.middlewareStack.add(
      (next) => (args) => {
        const req = args.request as { body: unknown; headers: Record<string, string> };
        req.body = 'tampered!!';
        req.headers['content-length'] = '10';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    const e = await fails(tamper.send(new PutObjectCommand({ Bucket: bucket, Key: 'tamper.txt', Body: 'original!!' })));
    expect(e.name).toBe('XAmzContentSHA256Mismatch');
    tamper.destroy();
    expect(await inspectObjects(sim, { tenant, bucket, prefix: 'tamper' })).toEqual([]);
  });

  it('a request signed 20 minutes ago gets RequestTimeTooSkewed', async () => {
    const skewed = s3Client(sim, tenant, { systemClockOffset: -20 * 60 * 1000 });
    // the SDK corrects its clock from the error's Date header and retries: count the first answer
    let first: number | undefined;
    skewed.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        first ??= (out.response as { statusCode: number }).statusCode;
        return out;
      },
      { step: 'deserialize', priority: 'low' },
    );
    const r = await skewed.send(new GetObjectCommand({ Bucket: bucket, Key: 'secret.txt' })).catch((e: S3ServiceException) => e);
    expect(first).toBe(403);
    if (r instanceof Error) expect(r.name).toBe('RequestTimeTooSkewed');
    skewed.destroy();
    const raw = await fetch(`${sim.url}/${bucket}/secret.txt`, {
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=${tenant}/20200101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${'0'.repeat(64)}`,
        'x-amz-date': '20200101T000000Z',
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      },
    });
    expect(raw.status).toBe(403);
    expect(await raw.text()).toContain('<Code>RequestTimeTooSkewed</Code>');
  });

  it('presigned GET and PUT (SigV4) work; tampered and expired ones do not', async () => {
    const presigner = s3Client(sim, tenant, { requestChecksumCalculation: 'WHEN_REQUIRED' });
    const url = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: bucket, Key: 'secret.txt' }), { expiresIn: 60 });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('top secret');
    const tampered = await fetch(url.replace('secret.txt', 'secret.txt2'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const forged = await fetch(url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'ab'.repeat(32)}`));
    expect(forged.status).toBe(403);
    const put = await getSignedUrl(presigner, new PutObjectCommand({ Bucket: bucket, Key: 'presigned upload.txt' }), { expiresIn: 60 });
    const up = await fetch(put, { method: 'PUT', body: 'uploaded via presigned url' });
    expect(up.status).toBe(200);
    const [row] = await inspectObjects(sim, { tenant, bucket, prefix: 'presigned' });
    expect(row).toMatchObject({ key: 'presigned upload.txt', size: 26 });

    // the default configuration bakes the CRC32 of an empty body into the URL: S3 rejects the upload
    const defaults = s3Client(sim, tenant);
    const baked = await getSignedUrl(defaults, new PutObjectCommand({ Bucket: bucket, Key: 'baked.txt' }), { expiresIn: 60 });
    expect(baked).toContain('x-amz-checksum-crc32=AAAAAA%3D%3D');
    const rejected = await fetch(baked, { method: 'PUT', body: 'not empty' });
    expect(rejected.status).toBe(400);
    expect(await rejected.text()).toContain('<Code>BadDigest</Code>');
    defaults.destroy();
    expect(await inspectObjects(sim, { tenant, bucket, key: 'baked.txt' })).toEqual([]);

    const expired = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: bucket, Key: 'secret.txt' }), { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) });
    const res = await fetch(expired);
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain('<Code>AccessDenied</Code>');
    expect(text).toContain('Request has expired');
    presigner.destroy();
  });

  it('unsigned requests find the oldest bucket of that name; private objects are AccessDenied, public-read ones readable', async () => {
    const other = s3Client(sim, newAccessKey());
    await other.send(new CreateBucketCommand({ Bucket: bucket }));
    await other.send(new PutObjectCommand({ Bucket: bucket, Key: 'public.txt', Body: 'not this one', ACL: 'public-read' }));
    other.destroy();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'public.txt', Body: 'hello public', ACL: 'public-read', ContentType: 'text/plain' }));
    const pub = await fetch(`${sim.url}/${bucket}/public.txt`);
    expect(pub.status).toBe(200);
    expect(await pub.text()).toBe('hello public');
    const head = await fetch(`${sim.url}/${bucket}/public.txt`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('12');
    const priv = await fetch(`${sim.url}/${bucket}/secret.txt`);
    expect(priv.status).toBe(403);
    expect(await priv.text()).toContain('<Code>AccessDenied</Code>');
    const put = await fetch(`${sim.url}/${bucket}/anon.txt`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(403);
  });

  it('signed aws-chunked bodies (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) are verified chunk by chunk', async () => {
    const signer = new SignatureV4({ credentials: { accessKeyId: tenant, secretAccessKey: 'test' }, region: 'us-east-1', service: 's3', sha256: Sha256 as never, uriEscapePath: false });
    const chunks = [Buffer.alloc(8192, 'a'), Buffer.from('the end')];
    const host = new URL(sim.url).host;
    const framedLength = (sigs: string[]) =>
      chunks.reduce((n, c, i) => n + c.length.toString(16).length + ';chunk-signature='.length + sigs[i].length + 4 + c.length, 0) + 1 + ';chunk-signature='.length + 64 + 4;
    const send = async (corrupt: boolean) => {
      const total = chunks.reduce((n, c) => n + c.length, 0);
      const req = {
        method: 'PUT',
        protocol: 'http:',
        hostname: host.split(':')[0],
        port: Number(host.split(':')[1]),
        path: `/${bucket}/chunked.txt`,
        headers: {
          host,
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': String(total),
          'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'content-length': String(framedLength(chunks.map(() => '0'.repeat(64)))),
        } as Record<string, string>,
        query: {},
      };
      const signed = await signer.sign(req);
      const seed = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization)![1];
      const amzDate = signed.headers['x-amz-date'];
      const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
      let prev = seed;
      const parts: Buffer[] = [];
      for (const c of [...chunks, Buffer.alloc(0)]) {
        const sts = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, prev, createHash('sha256').update('').digest('hex'), createHash('sha256').update(c).digest('hex')].join('\n');
        const sig = await signer.sign(sts, { signingDate: new Date(Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15))) });
        prev = sig;
        const data = corrupt && c.length === 7 ? Buffer.from('THE END') : c;
        parts.push(Buffer.from(`${c.length.toString(16)};chunk-signature=${sig}\r\n`), data, Buffer.from('\r\n'));
      }
      const body = Buffer.concat(parts);
      expect(String(body.length)).toBe(signed.headers['content-length']);
      return new Promise<{ status: number; text: string }>((resolve, reject) => {
        const r = httpRequest(`${sim.url}/${bucket}/chunked.txt`, { method: 'PUT', headers: signed.headers }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        });
        r.on('error', reject);
        r.end(body);
      });
    };
    const ok = await send(false);
    expect(ok.status).toBe(200);
    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'chunked.txt' }));
    expect(await get.Body!.transformToString()).toBe('a'.repeat(8192) + 'the end');
    const bad = await send(true);
    expect(bad.status).toBe(403);
    expect(bad.text).toContain('SignatureDoesNotMatch');
  });
});

describe('S3 auth knobs', () => {
  it('strict keys: unknown access keys get InvalidAccessKeyId', async () => {
    const sim = await startSim({ 's3.strictKeys': true, 's3.access_keys': [{ access_key_id: 'KNOWN', secret_access_key: 'known-secret' }] });
    const unknown = s3Client(sim, 'UNKNOWNKEY');
    const e = await fails(unknown.send(new ListBucketsCommand({})));
    expect(e.name).toBe('InvalidAccessKeyId');
    expect(e.$metadata.httpStatusCode).toBe(403);
    const known = s3Client(sim, 'KNOWN', {}, 'known-secret');
    await known.send(new CreateBucketCommand({ Bucket: 'strict-bucket' }));
    unknown.destroy();
    known.destroy();
    await sim.close();
  });

  it('--s3-auth off: any signature passes, the key still names the tenant', async () => {
    const sim = await startSim({ 's3.auth': 'off' });
    const c = s3Client(sim, 'ANYKEY', {}, 'whatever');
    await c.send(new CreateBucketCommand({ Bucket: 'off-bucket' }));
    await c.send(new PutObjectCommand({ Bucket: 'off-bucket', Key: 'k', Body: 'v' }));
    expect((await inspectObjects(sim, { tenant: 'ANYKEY' })).map((o) => o.key)).toEqual(['k']);
    c.destroy();
    await sim.close();
  });
});
