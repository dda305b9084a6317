import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { tempDir } from '../helpers/process.js';
import { inspectObjects, newAccessKey, newBucket, s3Client } from '../helpers/s3.js';
import { startSim } from '../helpers/server.js';

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

const MiB = 1024 * 1024;

function* pattern(total: number, chunk = MiB): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += chunk) {
    const b = Buffer.alloc(Math.min(chunk, total - sent));
    b.writeUInt32BE(sent / chunk);
    yield b;
  }
}

describe('S3 storage', () => {
  let sim: RunningServer;
  let dataDir: string;
  const tenant = newAccessKey();
  let s3: S3Client;
  const bucket = newBucket('store');
  const files = () => readdirSync(join(dataDir, 's3')).filter((f) => f !== 'tmp');

  beforeAll(async () => {
    dataDir = tempDir();
    sim = await startSim({ inMemory: false, dataDir });
    s3 = s3Client(sim, tenant, { requestChecksumCalculation: 'WHEN_REQUIRED' });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    s3.destroy();
    await sim.close();
  });

  it('object bytes live in files with generated names; overwrite and delete remove the old file', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: '../../etc/passwd', Body: 'v1' }));
    const first = files();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^[0-9a-f]{32}$/);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: '../../etc/passwd', Body: 'v2' }));
    expect(files()).toHaveLength(1);
    expect(files()[0]).not.toBe(first[0]);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: '../../etc/passwd' }));
    expect(await got.Body!.transformToString()).toBe('v2');
  });

  it('an upload aborted midway leaves no object and no file', async () => {
    const signer = new SignatureV4({ credentials: { accessKeyId: tenant, secretAccessKey: 'test' }, region: 'us-east-1', service: 's3', sha256: Sha256 as never });
    const { hostname, port, host } = new URL(sim.url);
    const before = files().length;
    const signed = await signer.sign({
      method: 'PUT',
      protocol: 'http:',
      hostname,
      port: Number(port),
      path: `/${bucket}/aborted.bin`,
      query: {},
      headers: { host, 'content-length': String(8 * MiB), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${sim.url}/${bucket}/aborted.bin`, { method: 'PUT', headers: signed.headers });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(2 * MiB, 1), () => setTimeout(() => (req.destroy(), resolve()), 100));
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await inspectObjects(sim, { tenant, bucket, key: 'aborted.bin' })).toEqual([]);
    expect(files().length).toBe(before);
    // no temp file of the aborted upload is left (spare files kept for reuse hold no object)
    expect(readdirSync(join(dataDir, 's3', 'tmp')).filter((f) => !f.endsWith('.spare'))).toEqual([]);
  });

  it('streams 200 MiB in and out with flat memory', { timeout: 120_000 }, async () => {
    const total = 200 * MiB;
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'huge.bin', Body: Readable.from(pattern(total)), ContentLength: total }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'huge.bin' }));
    let size = 0;
    for await (const c of got.Body as Readable) size += (c as Buffer).length;
    clearInterval(timer);
    expect(size).toBe(total);
    expect((await inspectObjects(sim, { tenant, bucket, key: 'huge.bin' }))[0].size).toBe(total);
    expect(peak - base).toBeLessThan(100 * MiB);
  });

  it('aws-chunked with an unsigned trailer: stored decoded; a wrong trailer checksum is BadDigest', async () => {
    const signer = new SignatureV4({ credentials: { accessKeyId: tenant, secretAccessKey: 'test' }, region: 'us-east-1', service: 's3', sha256: Sha256 as never });
    const { hostname, port, host } = new URL(sim.url);
    const data = Buffer.from('chunked payload, decoded before storage');
    const crc = async (b: Buffer) => {
      const { Crc32 } = await import('@aws-crypto/crc32');
      const v = Buffer.alloc(4);
      v.writeUInt32BE(new Crc32().update(b).digest() >>> 0);
      return v.toString('base64');
    };
    const send = async (key: string, trailer: string) => {
      const body = Buffer.concat([
        Buffer.from(`10\r\n`), data.subarray(0, 16), Buffer.from('\r\n'),
        Buffer.from(`${(data.length - 16).toString(16)}\r\n`), data.subarray(16), Buffer.from('\r\n'),
        Buffer.from(`0\r\nx-amz-checksum-crc32:${trailer}\r\n\r\n`),
      ]);
      const signed = await signer.sign({
        method: 'PUT', protocol: 'http:', hostname, port: Number(port), path: `/${bucket}/${key}`, query: {},
        headers: {
          host, 'content-length': String(body.length), 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length),
          'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-trailer': 'x-amz-checksum-crc32',
        },
      });
      return new Promise<{ status: number; text: string }>((resolve, reject) => {
        const r = httpRequest(`${sim.url}/${bucket}/${key}`, { method: 'PUT', headers: signed.headers }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        });
        r.on('error', reject);
        r.end(body);
      });
    };
    const ok = await send('trailer-ok.txt', await crc(data));
    expect(ok.status).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'trailer-ok.txt' }));
    expect(await got.Body!.transformToString()).toBe(data.toString());
    expect((await inspectObjects(sim, { tenant, bucket, key: 'trailer-ok.txt' }))[0].checksums.CRC32).toBe(await crc(data));
    const bad = await send('trailer-bad.txt', await crc(Buffer.from('something else')));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<Code>BadDigest</Code>');
    expect(await inspectObjects(sim, { tenant, bucket, key: 'trailer-bad.txt' })).toEqual([]);
  });

  it('/__inspect/s3/objects?wait= answers as soon as an object is written', async () => {
    const mark = new Date().toISOString();
    const waiting = fetch(`${sim.url}/__inspect/s3/objects?tenant=${tenant}&bucket=${bucket}&since=${mark}&wait=5000`).then((r) => r.json() as Promise<{ items: { key: string }[] }>);
    await new Promise((r) => setTimeout(r, 50));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'awaited.txt', Body: 'now' }));
    expect((await waiting).items.map((o) => o.key)).toEqual(['awaited.txt']);
  });

  it('virtual-hosted style: <bucket>.s3.localhost addresses the bucket', async () => {
    const port = new URL(sim.url).port;
    const vhost = new S3Client({
      endpoint: `http://s3.localhost:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: tenant, secretAccessKey: 'test' },
      requestHandler: { httpAgent: new Agent({ lookup: (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }] as never, 4 as never) }) },
    });
    await vhost.send(new PutObjectCommand({ Bucket: bucket, Key: 'vhost/key with space.txt', Body: 'virtual' }));
    const got = await vhost.send(new GetObjectCommand({ Bucket: bucket, Key: 'vhost/key with space.txt' }));
    expect(await got.Body!.transformToString()).toBe('virtual');
    const list = await vhost.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'vhost/' }));
    expect(list.Contents?.map((c) => c.Key)).toEqual(['vhost/key with space.txt']);
    vhost.destroy();
    expect((await inspectObjects(sim, { tenant, bucket, prefix: 'vhost/' })).map((o) => o.key)).toEqual(['vhost/key with space.txt']);
  });
});
