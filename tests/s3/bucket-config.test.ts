import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketWebsiteCommand,
  DeleteObjectCommand,
  GetBucketAccelerateConfigurationCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketReplicationCommand,
  GetBucketRequestPaymentCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { newAccessKey, newBucket, s3Client } from '../helpers/s3.js';
import { startSim } from '../helpers/server.js';

const HERE = new URL('.', import.meta.url).pathname;

async function fails(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (e) {
    return e as S3ServiceException;
  }
  throw new Error('expected the call to fail');
}

/** Reads of configurations a new bucket never had, and what S3 answers for each. */
const NOT_FOUND: [string, (Bucket: string) => object, string][] = [
  ['GetBucketPolicy', (Bucket) => new GetBucketPolicyCommand({ Bucket }), 'NoSuchBucketPolicy'],
  ['GetBucketPolicyStatus', (Bucket) => new GetBucketPolicyStatusCommand({ Bucket }), 'NoSuchBucketPolicy'],
  ['GetBucketLifecycleConfiguration', (Bucket) => new GetBucketLifecycleConfigurationCommand({ Bucket }), 'NoSuchLifecycleConfiguration'],
  ['GetBucketWebsite', (Bucket) => new GetBucketWebsiteCommand({ Bucket }), 'NoSuchWebsiteConfiguration'],
  ['GetBucketReplication', (Bucket) => new GetBucketReplicationCommand({ Bucket }), 'ReplicationConfigurationNotFoundError'],
  ['GetObjectLockConfiguration', (Bucket) => new GetObjectLockConfigurationCommand({ Bucket }), 'ObjectLockConfigurationNotFoundError'],
  ['GetPublicAccessBlock', (Bucket) => new GetPublicAccessBlockCommand({ Bucket }), 'NoSuchPublicAccessBlockConfiguration'],
];

const DEFAULTS: [string, (Bucket: string) => object][] = [
  ['GetBucketEncryption', (Bucket) => new GetBucketEncryptionCommand({ Bucket })],
  ['GetBucketLogging', (Bucket) => new GetBucketLoggingCommand({ Bucket })],
  ['GetBucketAccelerateConfiguration', (Bucket) => new GetBucketAccelerateConfigurationCommand({ Bucket })],
  ['GetBucketRequestPayment', (Bucket) => new GetBucketRequestPaymentCommand({ Bucket })],
  ['GetBucketOwnershipControls', (Bucket) => new GetBucketOwnershipControlsCommand({ Bucket })],
  ['GetBucketNotificationConfiguration', (Bucket) => new GetBucketNotificationConfigurationCommand({ Bucket })],
];

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('S3 bucket configuration reads, as for a bucket where nothing was set', () => {
  let sim: RunningServer;
  const tenant = newAccessKey();
  let s3: S3Client;
  const bucket = newBucket('cfg');
  const send = (cmd: object) => s3.send(cmd as any) as Promise<any>;

  beforeAll(async () => {
    sim = await startSim();
    s3 = s3Client(sim, tenant);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    s3.destroy();
    await sim.close();
  });

  it('policy, lifecycle, website, replication, object lock and public access block: their 404 errors', async () => {
    for (const [op, cmd, code] of NOT_FOUND) {
      const e = await fails(send(cmd(bucket)));
      expect([op, e.name, e.$metadata.httpStatusCode]).toEqual([op, code, 404]);
      expect(e.message.length, op).toBeGreaterThan(0);
    }
    const raw = await fails(send(new GetBucketPolicyCommand({ Bucket: bucket })));
    expect(raw.message).toBe('The bucket policy does not exist');
    expect((raw as unknown as { BucketName: string }).BucketName).toBe(bucket);
  });

  it('encryption, logging, accelerate, request payment, ownership and notifications: their defaults', async () => {
    const sse = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    expect(sse.ServerSideEncryptionConfiguration?.Rules).toEqual([
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false },
    ]);
    const logging = await s3.send(new GetBucketLoggingCommand({ Bucket: bucket }));
    expect(logging.$metadata.httpStatusCode).toBe(200);
    expect(logging.LoggingEnabled).toBeUndefined();
    const accel = await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket: bucket }));
    expect(accel.$metadata.httpStatusCode).toBe(200);
    expect(accel.Status).toBeUndefined();
    const pay = await s3.send(new GetBucketRequestPaymentCommand({ Bucket: bucket }));
    expect(pay.Payer).toBe('BucketOwner');
    const own = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    expect(own.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    const notif = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    expect(notif.$metadata.httpStatusCode).toBe(200);
    expect([notif.TopicConfigurations, notif.QueueConfigurations, notif.LambdaFunctionConfigurations, notif.EventBridgeConfiguration]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('the documents as S3 writes them', async () => {
    const signed = s3Client(sim, tenant);
    const bodies: Record<string, string> = {};
    // keeps each response's XML, by subresource, before the SDK parses it
    signed.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        const res = out.response as { body: AsyncIterable<Buffer>; statusCode: number };
        const chunks: Buffer[] = [];
        for await (const c of res.body) chunks.push(Buffer.from(c));
        const text = Buffer.concat(chunks).toString('utf8');
        bodies[Object.keys((args.request as { query: Record<string, string> }).query)[0]] = text;
        res.body = Readable.from([Buffer.from(text)]);
        return out;
      },
      { step: 'deserialize', name: 'captureBody' },
    );
    await signed.send(new GetBucketLoggingCommand({ Bucket: bucket }));
    await signed.send(new GetBucketAccelerateConfigurationCommand({ Bucket: bucket }));
    await signed.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    await signed.send(new GetBucketRequestPaymentCommand({ Bucket: bucket }));
    await signed.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    signed.destroy();
    const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
    expect(bodies.logging).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<BucketLoggingStatus ${NS}/>`);
    expect(bodies.accelerate).toContain(`<AccelerateConfiguration ${NS}/>`);
    expect(bodies.notification).toContain(`<NotificationConfiguration ${NS}/>`);
    expect(bodies.requestPayment).toContain(`<RequestPaymentConfiguration ${NS}><Payer>BucketOwner</Payer></RequestPaymentConfiguration>`);
    expect(bodies.encryption).toContain(
      `<ServerSideEncryptionConfiguration ${NS}><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`,
    );
  });

  it('DeleteBucketPolicy, DeleteBucketLifecycle and DeleteBucketWebsite succeed with 204; writing a policy is NotImplemented', async () => {
    for (const cmd of [new DeleteBucketPolicyCommand({ Bucket: bucket }), new DeleteBucketLifecycleCommand({ Bucket: bucket }), new DeleteBucketWebsiteCommand({ Bucket: bucket })]) {
      const r = await send(cmd);
      expect(r.$metadata.httpStatusCode).toBe(204);
    }
    const put = await fails(s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: '{"Version":"2012-10-17","Statement":[]}' })));
    expect([put.name, put.$metadata.httpStatusCode]).toEqual(['NotImplemented', 501]);
  });

  it('a missing bucket answers NoSuchBucket to every one of them', async () => {
    const missing = newBucket('gone');
    const all = [
      ...NOT_FOUND.map(([op, cmd]) => [op, cmd] as const),
      ...DEFAULTS,
      ['DeleteBucketPolicy', (Bucket: string) => new DeleteBucketPolicyCommand({ Bucket })] as const,
      ['DeleteBucketLifecycle', (Bucket: string) => new DeleteBucketLifecycleCommand({ Bucket })] as const,
      ['DeleteBucketWebsite', (Bucket: string) => new DeleteBucketWebsiteCommand({ Bucket })] as const,
      ['PutBucketVersioning', (Bucket: string) => new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } })] as const,
    ];
    for (const [op, cmd] of all) {
      const e = await fails(send(cmd(missing)));
      expect([op, e.name, e.$metadata.httpStatusCode]).toEqual([op, 'NoSuchBucket', 404]);
    }
  });

  it('unsigned requests: AccessDenied for an existing bucket, NoSuchBucket for a missing one', async () => {
    for (const sub of ['policy', 'policyStatus', 'lifecycle', 'encryption', 'website', 'replication', 'logging', 'accelerate', 'requestPayment', 'object-lock', 'ownershipControls', 'publicAccessBlock', 'notification']) {
      const r = await fetch(`${sim.url}/${bucket}?${sub}`);
      expect([sub, r.status]).toEqual([sub, 403]);
      expect(await r.text()).toContain('<Code>AccessDenied</Code>');
      const m = await fetch(`${sim.url}/${newBucket('gone')}?${sub}`);
      expect([sub, m.status]).toEqual([sub, 404]);
      expect(await m.text()).toContain('<Code>NoSuchBucket</Code>');
    }
    const del = await fetch(`${sim.url}/${bucket}?policy`, { method: 'DELETE' });
    expect(del.status).toBe(403);
    await del.body?.cancel();
  });

  it('a DELETE or PUT with a subresource the simulator lacks never deletes or recreates the bucket or object', async () => {
    const b = newBucket('keep');
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k.txt', Body: 'kept' }));
    /** The SDK's own request with one more query parameter, signed as usual. */
    const withQuery = (name: string) => {
      const c = s3Client(sim, tenant);
      c.middlewareStack.add(
        (next) => async (args) => {
          const req = args.request as { query: Record<string, string> };
          req.query[name] = '';
          return next(args);
        },
        { step: 'build', name: `add-${name}` },
      );
      return c;
    };
    for (const sub of ['versioning', 'acl', 'location', 'versions', 'uploads']) {
      const e = await withQuery(sub).send(new DeleteBucketCommand({ Bucket: b })).catch((x: S3ServiceException) => x);
      expect(e, sub).toBeInstanceOf(S3ServiceException);
      expect((e as S3ServiceException).name, sub).toBe('NotImplemented');
    }
    const e = await withQuery('acl').send(new DeleteObjectCommand({ Bucket: b, Key: 'k.txt' })).catch((x: S3ServiceException) => x);
    expect((e as S3ServiceException).name).toBe('NotImplemented');
    const got = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'k.txt' }));
    expect(await got.Body!.transformToString()).toBe('kept');
    expect((await fetch(`${sim.url}/__inspect/s3/buckets?tenant=${tenant}&name=${b}`).then((r) => r.json())).items).toHaveLength(1);
  });

  it('PutBucketVersioning: Suspended is kept, Enabled is NotImplemented', async () => {
    const b = newBucket('ver');
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    const before = await s3.send(new GetBucketVersioningCommand({ Bucket: b }));
    expect(before.Status).toBeUndefined();
    const enabled = await fails(s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } })));
    expect([enabled.name, enabled.$metadata.httpStatusCode]).toEqual(['NotImplemented', 501]);
    expect(enabled.message).toContain('versioning is not simulated');
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status).toBeUndefined();
    const put = await s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Suspended' } }));
    expect(put.$metadata.httpStatusCode).toBe(200);
    const after = await s3.send(new GetBucketVersioningCommand({ Bucket: b }));
    expect(after.Status).toBe('Suspended');
    expect(after.MFADelete).toBeUndefined();
    const bad = await fails(s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Sideways' as never } })));
    expect([bad.name, bad.$metadata.httpStatusCode]).toEqual(['MalformedXML', 400]);
  });

  it('GetObject and HeadObject with partNumber: a multipart object part by part; a single-part object whole', async () => {
    const MiB = 1024 * 1024;
    const p1 = Buffer.alloc(5 * MiB, 1);
    const p2 = Buffer.alloc(5 * MiB, 2);
    const p3 = Buffer.from('the tail');
    const Key = 'mp/parts.bin';
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    const parts = [];
    for (const [i, Body] of [p1, p2, p3].entries()) {
      const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId: up.UploadId, PartNumber: i + 1, Body }));
      parts.push({ PartNumber: i + 1, ETag: r.ETag });
    }
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId: up.UploadId, MultipartUpload: { Parts: parts } }));
    const total = p1.length + p2.length + p3.length;

    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key, PartNumber: 2 }));
    expect(head).toMatchObject({ PartsCount: 3, ContentLength: p2.length, ContentRange: `bytes ${p1.length}-${p1.length + p2.length - 1}/${total}`, ETag: done.ETag });
    expect(head.$metadata.httpStatusCode).toBe(206);
    const whole = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key }));
    expect(whole.PartsCount).toBeUndefined();
    expect(whole.ContentLength).toBe(total);

    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key, PartNumber: 3 }));
    expect(get).toMatchObject({ PartsCount: 3, ContentLength: p3.length, ContentRange: `bytes ${total - p3.length}-${total - 1}/${total}` });
    expect(Buffer.from(await get.Body!.transformToByteArray()).toString()).toBe('the tail');
    const first = await s3.send(new GetObjectCommand({ Bucket: bucket, Key, PartNumber: 1 }));
    expect(Buffer.from(await first.Body!.transformToByteArray()).equals(p1)).toBe(true);

    const beyond = await fails(s3.send(new GetObjectCommand({ Bucket: bucket, Key, PartNumber: 4 })));
    expect([beyond.name, beyond.$metadata.httpStatusCode]).toEqual(['InvalidPartNumber', 416]);
    const both = await fails(s3.send(new GetObjectCommand({ Bucket: bucket, Key, PartNumber: 1, Range: 'bytes=0-1' })));
    expect([both.name, both.$metadata.httpStatusCode]).toEqual(['InvalidRequest', 400]);

    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'single.txt', Body: 'one piece' }));
    const single = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'single.txt', PartNumber: 1 }));
    expect(await single.Body!.transformToString()).toBe('one piece');
    expect(single.PartsCount).toBeUndefined();
    expect(single.ContentRange).toBe('bytes 0-8/9');
    const two = await fails(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'single.txt', PartNumber: 2 })));
    expect(two.$metadata.httpStatusCode).toBe(416);
  });

  it('boto3 reads the same configurations, legacy lifecycle and notification calls included', { timeout: 60_000 }, async () => {
    const b = newBucket('pycfg');
    const r = await run('python3', [join(HERE, 'python/bucket_config.py')], {
      S3_ENDPOINT: sim.url,
      S3_KEY: tenant,
      S3_BUCKET: b,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({
      policy: 'NoSuchBucketPolicy',
      policy_status: 'NoSuchBucketPolicy',
      lifecycle: 'NoSuchLifecycleConfiguration',
      lifecycle_legacy: 'NoSuchLifecycleConfiguration',
      website: 'NoSuchWebsiteConfiguration',
      replication: 'ReplicationConfigurationNotFoundError',
      object_lock: 'ObjectLockConfigurationNotFoundError',
      public_access_block: 'NoSuchPublicAccessBlockConfiguration',
      encryption: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }],
      logging: {},
      accelerate: {},
      request_payment: 'BucketOwner',
      ownership: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
      notification: {},
      notification_legacy: {},
      delete_policy: 204,
      delete_lifecycle: 204,
      delete_website: 204,
      versioning_enabled: 'NotImplemented',
      versioning: 'Suspended',
      missing: 'NoSuchBucket',
    });
  });
});
