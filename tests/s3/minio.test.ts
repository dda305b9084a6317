import { Client } from 'minio';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { inspectObjects, newAccessKey, newBucket } from '../helpers/s3.js';
import { startSim } from '../helpers/server.js';

describe('S3 with minio-js', () => {
  let sim: RunningServer;
  let mc: Client;
  const tenant = newAccessKey();
  const bucket = newBucket('minio');

  beforeAll(async () => {
    sim = await startSim();
    const u = new URL(sim.url);
    mc = new Client({ endPoint: u.hostname, port: Number(u.port), useSSL: false, accessKey: tenant, secretKey: 'test', region: 'us-east-1', pathStyle: true });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('makes a bucket, puts (single and multipart), stats, lists, gets, presigns and removes', { timeout: 60_000 }, async () => {
    await mc.makeBucket(bucket, 'us-east-1');
    expect(await mc.bucketExists(bucket)).toBe(true);
    await mc.putObject(bucket, 'notes/hello world.txt', Buffer.from('minio says hi'), undefined, { 'Content-Type': 'text/plain', 'X-Amz-Meta-Who': 'minio' });
    const stat = await mc.statObject(bucket, 'notes/hello world.txt');
    expect(stat.size).toBe(13);
    expect(stat.metaData['who']).toBe('minio');
    const big = Buffer.alloc(20 * 1024 * 1024, 9);
    await mc.putObject(bucket, 'big.bin', Readable.from([big]), big.length, { 'Content-Type': 'application/octet-stream' });
    const keys: string[] = [];
    for await (const o of mc.listObjectsV2(bucket, '', true)) keys.push((o as { name: string }).name);
    expect(keys).toEqual(['big.bin', 'notes/hello world.txt']);
    const stream = await mc.getObject(bucket, 'big.bin');
    const h = createHash('md5');
    for await (const c of stream) h.update(c as Buffer);
    expect(h.digest('hex')).toBe(createHash('md5').update(big).digest('hex'));
    const url = await mc.presignedGetObject(bucket, 'notes/hello world.txt', 60);
    expect(await (await fetch(url)).text()).toBe('minio says hi');
    const putUrl = await mc.presignedPutObject(bucket, 'presigned.txt', 60);
    expect((await fetch(putUrl, { method: 'PUT', body: 'via presigned put' })).status).toBe(200);
    const stored = await inspectObjects(sim, { tenant, bucket });
    expect(stored.map((o) => [o.key, o.size]).sort()).toEqual([
      ['big.bin', big.length],
      ['notes/hello world.txt', 13],
      ['presigned.txt', 17],
    ]);
    await mc.removeObjects(bucket, ['big.bin', 'notes/hello world.txt', 'presigned.txt']);
    await mc.removeBucket(bucket);
    expect(await mc.bucketExists(bucket)).toBe(false);
  });
});
