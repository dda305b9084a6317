import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCorsCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectTaggingCommand,
  GetBucketCorsCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { inspectObjects, newAccessKey, newBucket, s3Client, type InspectObject } from '../helpers/s3.js';
import { startSim } from '../helpers/server.js';
import { tempDir } from '../helpers/process.js';

async function fails(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (e) {
    return e as S3ServiceException;
  }
  throw new Error('expected the call to fail');
}

const MiB = 1024 * 1024;
const byteSort = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
/** Files the objects are stored in: one per object, one per part for multipart ones (ETag `"…-N"`). */
const filesOf = (objects: InspectObject[]) => objects.reduce((n, o) => n + Number(/-(\d+)"$/.exec(o.etag)?.[1] ?? 1), 0);

describe('S3 listing, tagging, CORS and multipart', () => {
  let sim: RunningServer;
  let dataDir: string;
  const tenant = newAccessKey();
  let s3: S3Client;
  const bucket = newBucket('list');

  beforeAll(async () => {
    dataDir = tempDir();
    sim = await startSim({ inMemory: false, dataDir });
    s3 = s3Client(sim, tenant);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    s3.destroy();
    await sim.close();
  });

  const keys = [
    'a.txt', 'dir/1', 'dir/2', 'dir/sub/3', 'dir/sub/4', 'dir2/x', 'e\u00e9', 'e\uffff', 'e\u{1f600}', 'e z', 'e+z', 'zz/top', 'zz/top2', 'zz0',
  ];

  it('ListObjectsV2: every page size gives the same keys and prefixes, in UTF-8 byte order', async () => {
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));
    const all = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(all.Contents?.map((c) => c.Key)).toEqual([...keys].sort(byteSort));
    expect(all.KeyCount).toBe(keys.length);
    const flatDelim = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
    const expectedTop = { keys: ['a.txt', 'e z', 'e+z', 'e\u00e9', 'e\uffff', 'e\u{1f600}', 'zz0'].sort(byteSort), prefixes: ['dir/', 'dir2/', 'zz/'] };
    expect(flatDelim.Contents?.map((c) => c.Key)).toEqual(expectedTop.keys);
    expect(flatDelim.CommonPrefixes?.map((c) => c.Prefix)).toEqual(expectedTop.prefixes);
    for (const MaxKeys of [1, 2, 3, 5]) {
      for (const opts of [{}, { Delimiter: '/' }, { Prefix: 'dir/', Delimiter: '/' }, { Prefix: 'e' }]) {
        const seenKeys: string[] = [];
        const seenPrefixes: string[] = [];
        for await (const page of paginateListObjectsV2({ client: s3, pageSize: MaxKeys }, { Bucket: bucket, ...opts })) {
          expect((page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0)).toBeLessThanOrEqual(MaxKeys);
          seenKeys.push(...(page.Contents ?? []).map((c) => c.Key!));
          seenPrefixes.push(...(page.CommonPrefixes ?? []).map((c) => c.Prefix!));
        }
        const ref = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ...opts }));
        expect(seenKeys).toEqual((ref.Contents ?? []).map((c) => c.Key));
        expect(seenPrefixes).toEqual((ref.CommonPrefixes ?? []).map((c) => c.Prefix));
      }
    }
    const sub = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dir/', Delimiter: '/' }));
    expect(sub.Contents?.map((c) => c.Key)).toEqual(['dir/1', 'dir/2']);
    expect(sub.CommonPrefixes?.map((c) => c.Prefix)).toEqual(['dir/sub/']);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: 'dir/sub/3', FetchOwner: true, MaxKeys: 2 }));
    expect(after.Contents?.map((c) => c.Key)).toEqual(['dir/sub/4', 'dir2/x']);
    expect(after.Contents?.[0].Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(after.IsTruncated).toBe(true);
    const enc = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'e', EncodingType: 'url' }));
    expect(enc.Contents?.map((c) => c.Key)).toContain('e+z');
    expect(enc.Contents?.map((c) => c.Key)).toContain('e%20z'.replace('%20', '+'));
  });

  it('ListObjects v1 with markers and NextMarker', async () => {
    const seen: string[] = [];
    let Marker: string | undefined;
    for (;;) {
      const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: '/', MaxKeys: 2, Marker }));
      seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((c) => c.Prefix!));
      if (!page.IsTruncated) break;
      expect(page.NextMarker).toBeDefined();
      Marker = page.NextMarker;
    }
    expect(seen.sort(byteSort)).toEqual(['a.txt', 'dir/', 'dir2/', 'e z', 'e+z', 'e\u00e9', 'e\uffff', 'e\u{1f600}', 'zz/', 'zz0'].sort(byteSort));
  });

  it('ListObjectVersions lists version null; GetBucketVersioning is unset', async () => {
    const v = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'dir/' }));
    expect(v.Versions?.map((x) => [x.Key, x.VersionId, x.IsLatest])).toEqual([
      ['dir/1', 'null', true], ['dir/2', 'null', true], ['dir/sub/3', 'null', true], ['dir/sub/4', 'null', true],
    ]);
    const ver = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    expect(ver.Status).toBeUndefined();
  });

  it('object and bucket tagging', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tagged', Body: 't', Tagging: 'a=1&b=two%20words' }));
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' }))).TagSet).toEqual([{ Key: 'a', Value: '1' }, { Key: 'b', Value: 'two words' }]);
    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }));
    expect((await inspectObjects(sim, { tenant, bucket, prefix: 'tagged' }))[0].tags).toEqual({ k: 'v' });
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' }));
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' }))).TagSet).toEqual([]);
    const none = await fails(s3.send(new GetBucketTaggingCommand({ Bucket: bucket })));
    expect(none.name).toBe('NoSuchTagSet');
    await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'env', Value: 'test' }] } }));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet).toEqual([{ Key: 'env', Value: 'test' }]);
    await s3.send(new DeleteBucketTaggingCommand({ Bucket: bucket }));
    expect((await fails(s3.send(new GetBucketTaggingCommand({ Bucket: bucket })))).name).toBe('NoSuchTagSet');
  });

  it('CORS: configuration, preflights and actual requests', async () => {
    expect((await fails(s3.send(new GetBucketCorsCommand({ Bucket: bucket })))).name).toBe('NoSuchCORSConfiguration');
    const noCors = await fetch(`${sim.url}/${bucket}/a.txt`, { method: 'OPTIONS', headers: { origin: 'https://app.test', 'access-control-request-method': 'GET' } });
    expect(noCors.status).toBe(403);
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: ['https://*.app.test'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['content-type', 'x-amz-*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 }],
        },
      }),
    );
    const rules = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(rules.CORSRules?.[0]).toMatchObject({ AllowedOrigins: ['https://*.app.test'], AllowedMethods: ['GET', 'PUT'], MaxAgeSeconds: 600 });
    const ok = await fetch(`${sim.url}/${bucket}/upload.bin`, {
      method: 'OPTIONS',
      headers: { origin: 'https://www.app.test', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'Content-Type, X-Amz-Meta-A' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://www.app.test');
    expect(ok.headers.get('access-control-allow-methods')).toBe('GET, PUT');
    expect(ok.headers.get('access-control-max-age')).toBe('600');
    const denied = await fetch(`${sim.url}/${bucket}/upload.bin`, { method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'PUT' } });
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('<Code>AccessForbidden</Code>');
    const badMethod = await fetch(`${sim.url}/${bucket}/upload.bin`, { method: 'OPTIONS', headers: { origin: 'https://www.app.test', 'access-control-request-method': 'DELETE' } });
    expect(badMethod.status).toBe(403);
    const withOrigin = s3Client(sim, tenant);
    withOrigin.middlewareStack.add((next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers.origin = 'https://x.app.test';
      return next(args);
    }, { step: 'build' });
    const got = await withOrigin.send(new GetObjectCommand({ Bucket: bucket, Key: 'a.txt' }));
    expect(got.$metadata.httpStatusCode).toBe(200);
    await got.Body!.transformToString();
    withOrigin.destroy();
    const res = await fetch(`${sim.url}/${bucket}/a.txt`, { headers: { origin: 'https://x.app.test' } });
    expect(res.status).toBe(403); // private object, anonymous
    expect(res.headers.get('access-control-allow-origin')).toBe('https://x.app.test');
    await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
    expect((await fails(s3.send(new GetBucketCorsCommand({ Bucket: bucket })))).name).toBe('NoSuchCORSConfiguration');
  });

  it('lib-storage multipart upload with the default CRC32: composite checksum, md5-of-md5s ETag', async () => {
    const data = Buffer.alloc(12 * MiB + 123);
    for (let i = 0; i < data.length; i += 4096) data[i] = i % 251;
    const up = new Upload({ client: s3, params: { Bucket: bucket, Key: 'big/file.bin', Body: Readable.from([data]), ContentType: 'application/x-test' }, partSize: 5 * MiB, queueSize: 3 });
    const out = await up.done();
    const md5s = [0, 5 * MiB, 10 * MiB].map((o) => createHash('md5').update(data.subarray(o, Math.min(o + 5 * MiB, data.length))).digest());
    expect(out.ETag).toBe(`"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-3"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big/file.bin', ChecksumMode: 'ENABLED' }));
    expect(head.ContentLength).toBe(data.length);
    expect(head.ChecksumCRC32).toMatch(/-3$/);
    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big/file.bin' }));
    expect(Buffer.from(await get.Body!.transformToByteArray()).equals(data)).toBe(true);
    const [row] = await inspectObjects(sim, { tenant, bucket, prefix: 'big/' });
    expect(row).toMatchObject({ size: data.length, content_type: 'application/x-test', etag: out.ETag });
    // a multipart object is read from its parts' files: one file per part, nothing else left
    const files = readdirSync(join(dataDir, 's3')).filter((f) => f !== 'tmp');
    expect(files.length).toBe(filesOf(await inspectObjects(sim, { limit: '1000' })));
    expect(readdirSync(join(dataDir, 's3', 'tmp')).filter((f) => !f.endsWith('.spare'))).toEqual([]);
  });

  it('low-level multipart: out of order, UploadPartCopy, ListParts, ListMultipartUploads, errors, Abort', async () => {
    const Key = 'mp/ordered.bin';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key, ChecksumAlgorithm: 'SHA256', Metadata: { m: '1' } }));
    const p1 = Buffer.alloc(5 * MiB, 1);
    const p3 = Buffer.from('tail');
    const [r3, r1] = await Promise.all([
      s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 3, Body: p3, ChecksumAlgorithm: 'SHA256' })),
      s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: p1, ChecksumAlgorithm: 'SHA256' })),
    ]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'mp/source', Body: Buffer.alloc(6 * MiB, 2) }));
    const r2 = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key, UploadId, PartNumber: 2, CopySource: `${bucket}/mp/source`, CopySourceRange: `bytes=0-${5 * MiB - 1}` }));
    const parts = await s3.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[1, 5 * MiB], [2, 5 * MiB], [3, 4]]);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'mp/' }));
    expect(uploads.Uploads?.map((u) => u.UploadId)).toContain(UploadId);
    const order = await fails(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 3, ETag: r3.ETag }, { PartNumber: 1, ETag: r1.ETag }] } })),
    );
    expect(order.name).toBe('InvalidPartOrder');
    const bad = await fails(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"deadbeef"' }] } })),
    );
    expect(bad.name).toBe('InvalidPart');
    const small = await fails(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 3, ETag: r3.ETag }, { PartNumber: 4, ETag: r3.ETag }] } })),
    );
    expect(small.name).toBe('InvalidPart');
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: r1.ETag, ChecksumSHA256: r1.ChecksumSHA256 },
            { PartNumber: 2, ETag: r2.CopyPartResult?.ETag, ChecksumSHA256: r2.CopyPartResult?.ChecksumSHA256 },
            { PartNumber: 3, ETag: r3.ETag, ChecksumSHA256: r3.ChecksumSHA256 },
          ],
        },
      }),
    );
    expect(done.ETag).toMatch(/-3"$/);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest();
    const composite = createHash('sha256').update(Buffer.concat([sha(p1), sha(Buffer.alloc(5 * MiB, 2)), sha(p3)])).digest('base64');
    expect(done.ChecksumSHA256).toBe(`${composite}-3`);
    const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key }));
    expect(h.ContentLength).toBe(10 * MiB + 4);
    expect(h.Metadata).toEqual({ m: '1' });
    const tail = await s3.send(new GetObjectCommand({ Bucket: bucket, Key, Range: `bytes=${10 * MiB - 1}-` }));
    expect(Buffer.from(await tail.Body!.transformToByteArray())).toEqual(Buffer.from([2, ...p3]));

    const small2 = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp/small' }));
    const s1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp/small', UploadId: small2.UploadId, PartNumber: 1, Body: 'x' }));
    const s2 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp/small', UploadId: small2.UploadId, PartNumber: 2, Body: 'y' }));
    const tooSmall = await fails(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mp/small', UploadId: small2.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: s1.ETag }, { PartNumber: 2, ETag: s2.ETag }] } })),
    );
    expect(tooSmall.name).toBe('EntityTooSmall');
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'mp/small', UploadId: small2.UploadId }));
    const gone = await fails(s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'mp/small', UploadId: small2.UploadId })));
    expect(gone.name).toBe('NoSuchUpload');
    expect((await inspectObjects(sim, { tenant, bucket, prefix: 'mp/small' })).length).toBe(0);
    const files = readdirSync(join(dataDir, 's3')).filter((f) => f !== 'tmp');
    expect(files.length).toBe(filesOf(await inspectObjects(sim, { limit: '1000' })));
  });
});
