import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { tempDir } from '../helpers/process.js';
import { inspectObjects, newAccessKey, newBucket, s3Client, type InspectObject } from '../helpers/s3.js';
import { startSim } from '../helpers/server.js';

const MiB = 1024 * 1024;

/** Distinct bytes per position and seed, so a misplaced range shows. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7 + (i >> 10)) & 0xff;
  return b;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function fails(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

/** Files the objects are stored in: one per object, one per part for multipart ones (ETag `"…-N"`). */
const filesOf = (objects: InspectObject[]) => objects.reduce((n, o) => n + Number(/-(\d+)"$/.exec(o.etag)?.[1] ?? 1), 0);

/** On-disk blobs (files with generated names), read-cached small objects, multipart objects served from their parts. */
describe('S3 blob files, read cache and multipart objects', () => {
  let sim: RunningServer;
  let dataDir: string;
  const tenant = newAccessKey();
  let s3: S3Client;
  const bucket = newBucket('cache');

  const get = async (Key: string, Range?: string, client = s3) => {
    const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key, Range }));
    return Buffer.from(await r.Body!.transformToByteArray());
  };
  const stored = async (key: string) => (await inspectObjects(sim, { tenant, bucket, key }))[0];
  const files = () => readdirSync(join(dataDir, 's3')).filter((f) => f !== 'tmp');
  const restart = async () => {
    s3.destroy();
    await sim.close();
    sim = await startSim({ inMemory: false, dataDir });
    s3 = s3Client(sim, tenant, { requestChecksumCalculation: 'WHEN_REQUIRED' });
  };

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

  it('a cached small object is never served stale: overwrite, copy onto it, delete, delete-objects, rewrite', async () => {
    const Key = 'small/a.txt';
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'version one' }));
    expect((await get(Key)).toString()).toBe('version one');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'v2' }));
    expect((await get(Key)).toString()).toBe('v2');
    expect((await get(Key, 'bytes=1-')).toString()).toBe('2');
    expect(await stored(Key)).toMatchObject({ size: 2, etag: `"${md5(Buffer.from('v2'))}"` });

    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small/source.txt', Body: 'copied over' }));
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key, CopySource: `${bucket}/small/source.txt` }));
    expect((await get(Key)).toString()).toBe('copied over');
    expect(await stored(Key)).toMatchObject({ size: 11, etag: `"${md5(Buffer.from('copied over'))}"` });

    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
    expect((await fails(get(Key))).name).toBe('NoSuchKey');
    expect(await inspectObjects(sim, { tenant, bucket, key: Key })).toEqual([]);

    await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'three' }));
    expect((await get(Key)).toString()).toBe('three');
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key }] } }));
    expect((await fails(get(Key))).name).toBe('NoSuchKey');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'four' }));
    expect((await get(Key)).toString()).toBe('four');
    expect(files().length).toBe(filesOf(await inspectObjects(sim, { tenant, limit: '1000' })));
  });

  it('files of deleted small objects are reused: a shorter object written into a longer one\'s file reads back exactly, after a restart too', async () => {
    const long = bytes(60 * 1024, 1);
    const short = Buffer.from('0123456789');
    for (let i = 0; i < 5; i++) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `reuse/${i}`, Body: long }));
    for (let i = 0; i < 5; i++) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `reuse/${i}` }));
    for (let i = 0; i < 5; i++) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `reuse/short-${i}`, Body: short }));
    for (let i = 0; i < 5; i++) expect((await get(`reuse/short-${i}`)).equals(short)).toBe(true);
    await restart(); // nothing cached: read from the files
    for (let i = 0; i < 5; i++) {
      expect((await get(`reuse/short-${i}`)).equals(short)).toBe(true);
      expect((await get(`reuse/short-${i}`, 'bytes=8-')).toString()).toBe('89');
    }
    expect((await stored('reuse/short-0')).size).toBe(10);
    expect(files().length).toBe(filesOf(await inspectObjects(sim, { tenant, limit: '1000' })));
  });

  it('a multipart object is read from its parts: ranges across part boundaries, copies, overwrite of a cached object and back, restart', async () => {
    const Key = 'mp/object.bin';
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'small and cached' }));
    expect((await get(Key)).toString()).toBe('small and cached');

    const p1 = bytes(5 * MiB, 2);
    const p2 = bytes(5 * MiB, 3);
    const p3 = bytes(1234, 4);
    const whole = Buffer.concat([p1, p2, p3]);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    const etags: string[] = [];
    for (const [i, p] of [p1, p2, p3].entries()) {
      etags.push((await s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: i + 1, Body: p }))).ETag!);
    }
    // a part uploaded but left out of the object is removed
    await s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 9, Body: 'left out' }));
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }),
    );
    expect(await stored(Key)).toMatchObject({ size: whole.length, etag: expect.stringMatching(/-3"$/) });
    expect(files().length).toBe(filesOf(await inspectObjects(sim, { tenant, limit: '1000' })));

    const check = async () => {
      expect((await get(Key)).equals(whole)).toBe(true);
      for (const [a, b] of [
        [5 * MiB - 10, 5 * MiB + 9], // parts 1-2
        [10 * MiB - 1, 10 * MiB + 5], // parts 2-3
        [100, 10 * MiB + 100], // all three
        [5 * MiB, 5 * MiB], // first byte of part 2
      ]) {
        expect((await get(Key, `bytes=${a}-${b}`)).equals(whole.subarray(a, b + 1))).toBe(true);
      }
      expect((await get(Key, 'bytes=-1300')).equals(whole.subarray(whole.length - 1300))).toBe(true);
    };
    await check();

    // copies read across the parts too
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'mp/copy.bin', CopySource: `${bucket}/${Key}` }));
    expect((await get('mp/copy.bin')).equals(whole)).toBe(true);
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp/ranged.bin' }));
    const r = await s3.send(
      new UploadPartCopyCommand({ Bucket: bucket, Key: 'mp/ranged.bin', UploadId: up.UploadId, PartNumber: 1, CopySource: `${bucket}/${Key}`, CopySourceRange: `bytes=${5 * MiB - 3}-${10 * MiB + 2}` }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mp/ranged.bin', UploadId: up.UploadId, MultipartUpload: { Parts: [{ ETag: r.CopyPartResult!.ETag, PartNumber: 1 }] } }),
    );
    expect((await get('mp/ranged.bin')).equals(whole.subarray(5 * MiB - 3, 10 * MiB + 3))).toBe(true);

    await restart();
    await check();

    // back to a small object: the parts' files go
    const before = files().length;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'small again' }));
    expect((await get(Key)).toString()).toBe('small again');
    expect(files().length).toBe(before - 2);
    expect(files().length).toBe(filesOf(await inspectObjects(sim, { tenant, limit: '1000' })));
  });

  it('a multipart object deleted while it is being downloaded still downloads whole; its files go afterwards', async () => {
    const Key = 'mp/deleted-while-read.bin';
    const data = bytes(12 * MiB + 77, 5);
    await new Upload({ client: s3, params: { Bucket: bucket, Key, Body: Readable.from([data]) }, partSize: 5 * MiB, queueSize: 2 }).done();
    const before = files().length;
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    const body = res.Body as Readable;
    const chunks: Buffer[] = [];
    const it = body[Symbol.asyncIterator]();
    chunks.push((await it.next()).value as Buffer);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
    expect(await inspectObjects(sim, { tenant, bucket, key: Key })).toEqual([]);
    for (let n = await it.next(); !n.done; n = await it.next()) chunks.push(n.value as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(files().length).toBe(before - 3);
  });

  it('bucket changes are seen at once: delete, recreate, CORS, reset', async () => {
    const b = newBucket('cycle');
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' }));
    const origin = 'https://app.example';
    const withOrigin = async () => fetch(`${sim.url}/${b}/k`, { headers: { origin } });
    expect((await withOrigin()).headers.get('access-control-allow-origin')).toBeNull();
    await s3.send(
      new PutBucketCorsCommand({ Bucket: b, CORSConfiguration: { CORSRules: [{ AllowedOrigins: [origin], AllowedMethods: ['GET'] }] } }),
    );
    const client = s3Client(sim, tenant);
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers.origin = origin;
        return next(args);
      },
      { step: 'build' },
    );
    const r = await client.send(new GetObjectCommand({ Bucket: b, Key: 'k' }));
    expect(await r.Body!.transformToString()).toBe('x');
    client.destroy();
    expect((await withOrigin()).headers.get('access-control-allow-origin')).toBe(origin);

    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
    await s3.send(new DeleteBucketCommand({ Bucket: b }));
    expect((await fails(s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'y' })))).name).toBe('NoSuchBucket');
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'y' }));
    expect(await inspectObjects(sim, { tenant, bucket: b })).toMatchObject([{ key: 'k', size: 1 }]);

    const other = newAccessKey();
    const s3b = s3Client(sim, other);
    const ob = newBucket('reset');
    await s3b.send(new CreateBucketCommand({ Bucket: ob }));
    await s3b.send(new PutObjectCommand({ Bucket: ob, Key: 'k', Body: 'cached' }));
    const first = await s3b.send(new GetObjectCommand({ Bucket: ob, Key: 'k' }));
    expect(await first.Body!.transformToString()).toBe('cached');
    expect((await fetch(`${sim.url}/__inspect/reset?tenant=${other}`, { method: 'POST' })).status).toBe(200);
    expect((await fails(s3b.send(new GetObjectCommand({ Bucket: ob, Key: 'k' })))).name).toBe('NoSuchBucket');
    expect((await fails(s3b.send(new PutObjectCommand({ Bucket: ob, Key: 'k', Body: 'z' })))).name).toBe('NoSuchBucket');
    expect(await inspectObjects(sim, { tenant: other })).toEqual([]);
    s3b.destroy();
  });
});
