import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { inspectObjects, newAccessKey, newBucket } from '../helpers/s3.js';
import { startSim } from '../helpers/server.js';

const HERE = new URL('.', import.meta.url).pathname;

function run(cmd: string, args: string[], env: Record<string, string>, cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('S3 with boto3 and the AWS CLI', () => {
  let sim: RunningServer;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('boto3: objects, url-encoded listing, transfer-manager multipart, presigned v2/v4, SigV2 headers, checksums', { timeout: 60_000 }, async () => {
    const key = newAccessKey();
    const bucket = newBucket('py');
    const r = await run('python3', [join(HERE, 'python/boto3_suite.py')], { S3_ENDPOINT: sim.url, S3_KEY: key, S3_BUCKET: bucket, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.get).toMatchObject({ body: 'hello from boto3', meta: { lang: 'python' }, type: 'text/plain' });
    expect(out.get.crc32).toBeTruthy();
    expect(out.encoded_keys.sort()).toEqual(['py/a b+c.txt', 'py/hello.txt', 'py/x//y/../z', 'py/ünï.txt'].sort());
    expect(out.paged_keys).toEqual(out.encoded_keys);
    expect(out.raw_encoded_keys).toContain('py/a+b%2Bc.txt');
    expect(out.raw_encoded_keys).toContain('py/%C3%BCn%C3%AF.txt');
    expect(out.multipart.same).toBe(true);
    expect(out.multipart.etag).toMatch(/-3"$/);
    expect(out.presign_v2_kind).toBe(true);
    expect(out.presign_v2_body).toBe('hello from boto3');
    expect(out.presign_v4_body).toBe('hello from boto3');
    expect(out.expired[0]).toBe(403);
    expect(out.expired[1]).toContain('Request has expired');
    expect(out.v2_get).toBe('signed with v2');
    expect(out.v2_list).toBe(1);
    expect(out.sha256).toBe(createHash('sha256').update('sha').digest('base64'));
    expect(out.md5_bad).toBe('BadDigest');
    expect(out.copy).toBe('py/a b+c.txt');
    expect(out.deleted).toEqual(['py/copy.txt', 'py/v2.txt']);
    expect(out.missing).toBe('404');
    expect(out.bad_secret).toBe('SignatureDoesNotMatch');
    expect(out.versions).toEqual([['py/hello.txt', 'null']]);
    const stored = await inspectObjects(sim, { tenant: key, bucket, prefix: 'py/big' });
    expect(stored[0].size).toBe(12 * 1024 * 1024);
  });

  it('boto3 generate_presigned_post: SigV2 and SigV4 policies, conditions enforced', { timeout: 60_000 }, async () => {
    const key = newAccessKey();
    const bucket = newBucket('post');
    const r = await run('python3', [join(HERE, 'python/presigned_post.py')], { S3_ENDPOINT: sim.url, S3_KEY: key, S3_BUCKET: bucket, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.v2_kind).toBe(true);
    expect(out.v2[0]).toBe(204);
    expect(out.v2_too_big[0]).toBe(400);
    expect(out.v2_too_big[1]).toContain('EntityTooLarge');
    expect(out.v4[0]).toBe(201);
    expect(out.v4[1]).toContain('<Key>v4/file.txt</Key>');
    expect(out.v4_extra_field[0]).toBe(403);
    expect(out.v4_tampered_key[0]).toBe(403);
    expect(out.get).toBe('posted with v2');
    expect(out.expired[0]).toBe(403);
    expect(out.expired[1]).toContain('Policy expired');
    const stored = await inspectObjects(sim, { tenant: key, bucket });
    expect(stored.map((o) => [o.key, o.size, o.content_type]).sort()).toEqual([
      ['uploads/a b.txt', 14, 'text/plain'],
      ['v4/file.txt', 14, 'text/plain'],
    ]);
  });

  it('AWS CLI v1: mb, cp (single and multipart), ls, rm, rb', { timeout: 60_000 }, async () => {
    const key = newAccessKey();
    const bucket = newBucket('cli');
    const dir = mkdtempSync(join(tmpdir(), 's3-cli-'));
    const big = Buffer.alloc(9 * 1024 * 1024, 3);
    writeFileSync(join(dir, 'small file.txt'), 'small one');
    writeFileSync(join(dir, 'big.bin'), big);
    const env = { AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const aws = (...args: string[]) => run('aws', ['--endpoint-url', sim.url, ...args], env, dir);
    expect((await aws('s3', 'mb', `s3://${bucket}`)).code).toBe(0);
    const cp = await aws('s3', 'cp', 'small file.txt', `s3://${bucket}/docs/small file.txt`);
    expect(cp.stderr).toBe('');
    expect((await aws('s3', 'cp', 'big.bin', `s3://${bucket}/docs/big.bin`)).code).toBe(0);
    const ls = await aws('s3', 'ls', `s3://${bucket}/docs/`);
    expect(ls.stdout).toContain('small file.txt');
    expect(ls.stdout).toContain('big.bin');
    const down = await aws('s3', 'cp', `s3://${bucket}/docs/big.bin`, 'back.bin');
    expect(down.code).toBe(0);
    expect(readFileSync(join(dir, 'back.bin')).equals(big)).toBe(true);
    const stored = await inspectObjects(sim, { tenant: key, bucket });
    expect(stored.map((o) => [o.key, o.size]).sort()).toEqual([
      ['docs/big.bin', big.length],
      ['docs/small file.txt', 9],
    ]);
    const api = await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'docs/small file.txt');
    expect(JSON.parse(api.stdout).ContentLength).toBe(9);
    expect((await aws('s3', 'rm', '--recursive', `s3://${bucket}/`)).code).toBe(0);
    expect((await aws('s3', 'rb', `s3://${bucket}`)).code).toBe(0);
    expect(await inspectObjects(sim, { tenant: key, bucket })).toEqual([]);
  });
});
