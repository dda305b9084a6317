import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  ListBucketsCommand,
  HeadBucketCommand,
  DeleteBucketCommand,
  GetBucketLocationCommand,
  GetBucketAnalyticsConfigurationCommand,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { inspectObjects, newAccessKey, newBucket, s3Client } from '../helpers/s3.js';
import { startSim } from '../helpers/server.js';

async function fails(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (e) {
    return e as S3ServiceException;
  }
  throw new Error('expected the call to fail');
}

describe('S3 objects with @aws-sdk/client-s3', () => {
  let sim: RunningServer;
  const tenant = newAccessKey();
  let s3: S3Client;
  let s3Required: S3Client;
  const bucket = newBucket();

  beforeAll(async () => {
    sim = await startSim();
    s3 = s3Client(sim, tenant);
    s3Required = s3Client(sim, tenant, { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    s3.destroy();
    s3Required.destroy();
    await sim.close();
  });

  it('lists, heads and locates buckets; BucketAlreadyOwnedByYou', async () => {
    const list = await s3.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toContain(bucket);
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    const loc = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
    expect(loc.LocationConstraint).toBeUndefined();
    const e = await fails(s3.send(new CreateBucketCommand({ Bucket: bucket })));
    expect(e.name).toBe('BucketAlreadyOwnedByYou');
    const bad = await fails(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })));
    expect(bad.name).toBe('InvalidBucketName');
    const missing = await fails(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket-here' })));
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it('puts and gets a string with the default CRC32 checksum', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'hello.txt', Body: 'hello world', ContentType: 'text/plain', Metadata: { owner: 'ann' } }));
    expect(put.ETag).toBe(`"${createHash('md5').update('hello world').digest('hex')}"`);
    expect(put.ChecksumCRC32).toBeDefined();
    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }));
    expect(await get.Body!.transformToString()).toBe('hello world');
    expect(get.ContentType).toBe('text/plain');
    expect(get.Metadata).toEqual({ owner: 'ann' });
    expect(get.ChecksumCRC32).toBe(put.ChecksumCRC32);
    const [row] = await inspectObjects(sim, { tenant, bucket, prefix: 'hello' });
    expect(row).toMatchObject({ key: 'hello.txt', size: 11, etag: put.ETag, content_type: 'text/plain', metadata: { owner: 'ann' } });
    expect(row.checksums.CRC32).toBe(put.ChecksumCRC32);
    const dl = await fetch(row.download_url);
    expect(await dl.text()).toBe('hello world');
  });

  it('stores a streamed (aws-chunked) body as the bytes, not the framing', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    data.write('start');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'stream.bin', Body: Readable.from([data.subarray(0, 1000000), data.subarray(1000000)]), ContentLength: data.length }));
    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'stream.bin' }));
    const got = Buffer.from(await get.Body!.transformToByteArray());
    expect(got.equals(data)).toBe(true);
    const [row] = await inspectObjects(sim, { tenant, bucket, prefix: 'stream.bin' });
    expect(row.size).toBe(data.length);
    expect(row.etag).toBe(`"${createHash('md5').update(data).digest('hex')}"`);
  });

  it('WHEN_REQUIRED: plain bodies, streams with UNSIGNED-PAYLOAD', async () => {
    await s3Required.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain.txt', Body: 'plain' }));
    await s3Required.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain-stream.txt', Body: Readable.from([Buffer.from('abc'), Buffer.from('def')]), ContentLength: 6 }));
    const get = await s3Required.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain-stream.txt' }));
    expect(await get.Body!.transformToString()).toBe('abcdef');
    const [row] = await inspectObjects(sim, { tenant, bucket, prefix: 'plain.txt' });
    expect(row.checksums).toEqual({});
  });

  it('ranges, response overrides, conditional reads', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'range.txt', Body: '0123456789' }));
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range.txt', Range: 'bytes=2-5' }));
    expect(r.$metadata.httpStatusCode).toBe(206);
    expect(r.ContentRange).toBe('bytes 2-5/10');
    expect(r.ChecksumCRC32).toBeUndefined();
    expect(await r.Body!.transformToString()).toBe('2345');
    const tail = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range.txt', Range: 'bytes=-3' }));
    expect(await tail.Body!.transformToString()).toBe('789');
    const bad = await fails(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range.txt', Range: 'bytes=20-' })));
    expect(bad.name).toBe('InvalidRange');
    const o = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range.txt', ResponseContentType: 'text/csv', ResponseContentDisposition: 'attachment; filename="r.csv"' }));
    expect(o.ContentType).toBe('text/csv');
    expect(o.ContentDisposition).toBe('attachment; filename="r.csv"');
    await o.Body!.transformToString();
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'range.txt' }));
    const nm = await fails(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range.txt', IfNoneMatch: head.ETag })));
    expect(nm.$metadata.httpStatusCode).toBe(304);
    const pf = await fails(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range.txt', IfMatch: '"nope"' })));
    expect(pf.$metadata.httpStatusCode).toBe(412);
    expect(pf.name).toBe('PreconditionFailed');
    const ims = await fails(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'range.txt', IfModifiedSince: new Date() })));
    expect(ims.$metadata.httpStatusCode).toBe(304);
    const ius = await fails(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'range.txt', IfUnmodifiedSince: new Date(Date.now() - 3600_000) })));
    expect(ius.$metadata.httpStatusCode).toBe(412);
    const ok = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range.txt', IfMatch: head.ETag }));
    expect(await ok.Body!.transformToString()).toBe('0123456789');
  });

  it('conditional writes: If-None-Match * and If-Match', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once.txt', Body: 'first', IfNoneMatch: '*' }));
    const e = await fails(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once.txt', Body: 'second', IfNoneMatch: '*' })));
    expect(e.$metadata.httpStatusCode).toBe(412);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'once.txt' }));
    const wrong = await fails(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once.txt', Body: 'third', IfMatch: '"0000"' })));
    expect(wrong.$metadata.httpStatusCode).toBe(412);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once.txt', Body: 'fourth', IfMatch: head.ETag }));
    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'once.txt' }));
    expect(await get.Body!.transformToString()).toBe('fourth');
  });

  it('keys with spaces, +, %, unicode, // and ../ round-trip byte-exactly', async () => {
    const keys = ['a b.txt', 'a+b.txt', '100%.txt', 'ünï/cødé/😀.txt', 'x//y', '../up/./z', 'q?x=1&y#frag', ' lead', 'tilde~*()\'!'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
    for (const Key of keys) {
      const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      expect(await g.Body!.transformToString()).toBe(Key);
    }
    const stored = (await inspectObjects(sim, { tenant, bucket, limit: '1000' })).map((o) => o.key);
    for (const k of keys) expect(stored).toContain(k);
  });

  it('missing keys: NoSuchKey on GET, NotFound on HEAD, NoSuchBucket', async () => {
    const e = await fails(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' })));
    expect(e.name).toBe('NoSuchKey');
    expect(e.$response?.headers['x-amz-request-id']).toBeDefined();
    const h = await fails(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'missing' })));
    expect(h.name).toBe('NotFound');
    const b = await fails(s3.send(new GetObjectCommand({ Bucket: 'nope-bucket-x', Key: 'k' })));
    expect(b.name).toBe('NoSuchBucket');
  });

  it('copies (COPY / REPLACE, encoded source, copy-source conditions)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src dir/ü+1.txt', Body: 'copy me', ContentType: 'text/plain', Metadata: { a: '1' }, Tagging: 't=1' }));
    const c = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst1.txt', CopySource: `${bucket}/${encodeURIComponent('src dir/ü+1.txt')}` }));
    expect(c.CopyObjectResult?.ETag).toBe(`"${createHash('md5').update('copy me').digest('hex')}"`);
    const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dst1.txt' }));
    expect(g.Metadata).toEqual({ a: '1' });
    expect(g.ContentType).toBe('text/plain');
    expect(g.TagCount).toBe(1);
    expect(await g.Body!.transformToString()).toBe('copy me');
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst2.txt', CopySource: `/${bucket}/${encodeURIComponent('src dir/ü+1.txt')}`, MetadataDirective: 'REPLACE', Metadata: { b: '2' }, ContentType: 'text/csv' }));
    const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst2.txt' }));
    expect(h.Metadata).toEqual({ b: '2' });
    expect(h.ContentType).toBe('text/csv');
    const pf = await fails(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst3.txt', CopySource: `${bucket}/dst1.txt`, CopySourceIfMatch: '"nope"' })));
    expect(pf.$metadata.httpStatusCode).toBe(412);
    const self = await fails(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst1.txt', CopySource: `${bucket}/dst1.txt` })));
    expect(self.name).toBe('InvalidRequest');
    const missing = await fails(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'x', CopySource: `${bucket}/nope` })));
    expect(missing.name).toBe('NoSuchKey');
  });

  it('deletes one and many (quiet and verbose, VersionId null)', async () => {
    for (const k of ['d1', 'd2', 'd3', 'd4']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd1' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'never-existed' }));
    const v = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'd2' }, { Key: 'd3', VersionId: 'null' }, { Key: 'ghost' }] } }));
    expect(v.Deleted?.map((d) => d.Key).sort()).toEqual(['d2', 'd3', 'ghost']);
    const q = await s3Required.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Quiet: true, Objects: [{ Key: 'd4' }] } }));
    expect(q.Deleted ?? []).toEqual([]);
    const left = (await inspectObjects(sim, { tenant, bucket, prefix: 'd' })).map((o) => o.key);
    expect(left.filter((k) => /^d\d$/.test(k))).toEqual([]);
  });

  it('rejects a bad checksum and a bad Content-MD5, leaving nothing behind', async () => {
    const e = await fails(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad-crc', Body: 'data', ChecksumCRC32: 'AAAAAA==' })));
    expect(e.name).toBe('BadDigest');
    const m = await fails(s3Required.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad-md5', Body: 'data', ContentMD5: createHash('md5').update('other').digest('base64') })));
    expect(m.name).toBe('BadDigest');
    for (const a of ['CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const) {
      const p = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `alg-${a}`, Body: 'checksummed', ChecksumAlgorithm: a }));
      expect(p[`Checksum${a}`]).toBeDefined();
      const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `alg-${a}`, ChecksumMode: 'ENABLED' }));
      expect(g[`Checksum${a}`]).toBe(p[`Checksum${a}`]);
      await g.Body!.transformToString();
    }
    expect(await inspectObjects(sim, { tenant, bucket, prefix: 'bad-' })).toEqual([]);
  });

  it('SSE headers, storage class, cache headers and tags are stored and echoed', async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'sse.txt',
        Body: 'encrypted',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'arn:aws:kms:us-east-1:000000000000:key/demo',
        StorageClass: 'STANDARD_IA',
        CacheControl: 'max-age=60',
        ContentDisposition: 'inline',
        Tagging: 'a=1',
      }),
    );
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toBe('arn:aws:kms:us-east-1:000000000000:key/demo');
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'sse.txt' }));
    expect(head).toMatchObject({ ServerSideEncryption: 'aws:kms', StorageClass: 'STANDARD_IA', CacheControl: 'max-age=60', ContentDisposition: 'inline' });
    const plain = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'default-sse.txt', Body: 'x' }));
    expect(plain.ServerSideEncryption).toBe('AES256');
    const [row] = await inspectObjects(sim, { tenant, bucket, key: 'sse.txt' });
    expect(row).toMatchObject({ storage_class: 'STANDARD_IA', tags: { a: '1' } });
    const bad = await fails(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'x', StorageClass: 'NOPE' as never })));
    expect(bad.name).toBe('InvalidStorageClass');
  });

  it('unsupported operations answer 501 NotImplemented in S3 XML; HEAD errors have no body', async () => {
    const e = await fails(s3.send(new GetBucketAnalyticsConfigurationCommand({ Bucket: bucket, Id: 'report' })));
    expect(e.name).toBe('NotImplemented');
    expect(e.$metadata.httpStatusCode).toBe(501);
    const raw = await fetch(`${sim.url}/${bucket}?metrics`);
    expect(raw.status).toBe(501);
    expect(raw.headers.get('content-type')).toBe('application/xml');
    expect(raw.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
    expect(raw.headers.get('x-amz-id-2')).toBeTruthy();
    expect(await raw.text()).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NotImplemented<\/Code>/);
    const head = await fetch(`${sim.url}/${bucket}/nothing-here`, { method: 'HEAD' });
    expect(head.status).toBe(403);
    expect(await head.text()).toBe('');
  });

  it('DeleteBucket: BucketNotEmpty, then deletes', async () => {
    const b = newBucket();
    await s3.send(new CreateBucketCommand({ Bucket: b, CreateBucketConfiguration: { LocationConstraint: 'eu-west-2' } }));
    const loc = await s3.send(new GetBucketLocationCommand({ Bucket: b }));
    expect(loc.LocationConstraint).toBe('eu-west-2');
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'v' }));
    const e = await fails(s3.send(new DeleteBucketCommand({ Bucket: b })));
    expect(e.name).toBe('BucketNotEmpty');
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
    await s3.send(new DeleteBucketCommand({ Bucket: b }));
    const items = (await (await fetch(`${sim.url}/__inspect/s3/buckets?tenant=${tenant}`)).json()) as { items: { name: string }[] };
    expect(items.items.map((x) => x.name)).not.toContain(b);
  });
});
