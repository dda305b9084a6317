import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { inspectObjects, newAccessKey, newBucket, type InspectObject } from '../helpers/s3.js';
import { startSim } from '../helpers/server.js';

// Debian's packages, installed by .ci/run: `aws` on PATH may be another (v1) install, so v2 is
// called by its Debian path.
const S3CMD = '/usr/bin/s3cmd';
const AWS2 = '/usr/bin/aws';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string>, cwd: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Fails (never skips) when a CLI the suite drives is not installed. */
function requireBinary(path: string, pkg: string): void {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: install it with \`apt-get install -y --no-install-recommends ${pkg}\` (.ci/run does)`);
  }
}

/** Asserts a zero exit code, showing the command's output when it is not. */
function ok(r: Result): Result {
  expect(r.code, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

/** S3's ETag of a multipart object uploaded in parts of `partSize`. */
function multipartEtag(b: Buffer, partSize: number): string {
  const digests: Buffer[] = [];
  for (let i = 0; i < b.length; i += partSize) digests.push(createHash('md5').update(b.subarray(i, i + partSize)).digest());
  return `"${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}"`;
}

/** Bytes that differ from part to part, so a misplaced part changes the hash. */
function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc(Math.ceil(size / 4) * 4);
  let x = seed;
  for (let i = 0; i < b.length; i += 4) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b.writeUInt32LE(x, i);
  }
  return b.subarray(0, size);
}

const byKey = (objects: InspectObject[]) => Object.fromEntries(objects.map((o) => [o.key, o]));

describe('S3 with s3cmd and the AWS CLI v2', () => {
  let sim: RunningServer;
  let port: string;
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 's3-cli-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    sim = await startSim();
    port = new URL(sim.url).port;
  });
  afterAll(async () => {
    await sim.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const sig of ['v4', 'v2'] as const) {
    it(`s3cmd (Signature ${sig}): mb, put, multipart put, ls, la, get, info, setacl, sync, del, rb`, { timeout: 180_000 }, async () => {
      requireBinary(S3CMD, 's3cmd');
      const key = newAccessKey();
      const bucket = newBucket(`s3cmd-${sig}`);
      const dir = tempDir();
      const s3cmd = (...args: string[]) =>
        run(
          S3CMD,
          [
            '--config=/dev/null',
            `--access_key=${key}`,
            '--secret_key=test',
            `--host=127.0.0.1:${port}`,
            `--host-bucket=127.0.0.1:${port}`,
            '--no-ssl',
            '--region=us-east-1',
            ...(sig === 'v2' ? ['--signature-v2'] : []),
            ...args,
          ],
          { HOME: dir },
          dir,
        );

      expect(ok(await s3cmd('mb', `s3://${bucket}`)).stdout).toContain(`Bucket 's3://${bucket}/' created`);

      // single PUT
      const small = 'small file from s3cmd\n';
      writeFileSync(join(dir, 'small.txt'), small);
      const put = ok(await s3cmd('put', 'small.txt', `s3://${bucket}/docs/small.txt`));
      expect(put.stdout).toContain(`upload: 'small.txt' -> 's3://${bucket}/docs/small.txt'`);

      // multipart PUT: 16 MiB + 123 bytes in 5 MiB parts
      const big = pattern(16 * 1024 * 1024 + 123, sig === 'v4' ? 1 : 2);
      writeFileSync(join(dir, 'big.bin'), big);
      ok(await s3cmd('put', '--multipart-chunk-size-mb=5', 'big.bin', `s3://${bucket}/docs/big.bin`));

      let stored = byKey(await inspectObjects(sim, { tenant: key, bucket }));
      expect(Object.keys(stored).sort()).toEqual(['docs/big.bin', 'docs/small.txt']);
      expect(stored['docs/small.txt']).toMatchObject({ size: small.length, etag: `"${md5(small)}"`, content_type: 'text/plain', storage_class: 'STANDARD' });
      expect(stored['docs/small.txt'].metadata['s3cmd-attrs']).toContain(`md5:${md5(small)}`);
      expect(stored['docs/big.bin']).toMatchObject({ size: big.length, etag: multipartEtag(big, 5 * 1024 * 1024), content_type: 'application/octet-stream' });
      expect(stored['docs/big.bin'].etag).toMatch(/-4"$/);
      // s3cmd keeps the whole file's MD5 in its attrs metadata, as it cannot be read from a multipart ETag
      expect(stored['docs/big.bin'].metadata['s3cmd-attrs']).toContain(`md5:${md5(big)}`);

      const ls = ok(await s3cmd('ls', `s3://${bucket}/docs/`)).stdout;
      expect(ls).toMatch(new RegExp(`\\s${big.length}\\s+s3://${bucket}/docs/big\\.bin`));
      expect(ls).toMatch(new RegExp(`\\s${small.length}\\s+s3://${bucket}/docs/small\\.txt`));
      expect(ok(await s3cmd('ls')).stdout).toContain(`s3://${bucket}`);
      expect(ok(await s3cmd('la')).stdout).toContain(`DIR  s3://${bucket}/docs/`);

      // GET: bytes compared by hash
      const get = ok(await s3cmd('get', `s3://${bucket}/docs/big.bin`, 'big.back'));
      expect(get.stdout).toContain(`download: 's3://${bucket}/docs/big.bin' -> 'big.back'`);
      expect(sha256(readFileSync(join(dir, 'big.back')))).toBe(sha256(big));
      ok(await s3cmd('get', `s3://${bucket}/docs/small.txt`, 'small.back'));
      expect(readFileSync(join(dir, 'small.back'), 'utf8')).toBe(small);

      // info: HEAD plus the bucket's policy, CORS and the object's ACL
      const info = ok(await s3cmd('info', `s3://${bucket}/docs/small.txt`)).stdout;
      expect(info).toContain(`s3://${bucket}/docs/small.txt (object):`);
      expect(info).toMatch(/File size: 22\n/);
      expect(info).toMatch(/MIME type: text\/plain\n/);
      expect(info).toContain(`MD5 sum:   ${md5(small)}`);
      expect(info).toContain(`ACL:       ${key}: FULL_CONTROL`);
      expect(info).not.toContain('*anon*');
      const bucketInfo = ok(await s3cmd('info', `s3://${bucket}`)).stdout;
      expect(bucketInfo).toContain(`s3://${bucket}/ (bucket):`);
      expect(bucketInfo).toContain('Location:  us-east-1');

      // setacl --acl-public opens the object to anonymous GETs; --acl-private closes it again
      const url = `${sim.url}/${bucket}/docs/small.txt`;
      expect((await fetch(url)).status).toBe(403);
      expect(ok(await s3cmd('setacl', '--acl-public', `s3://${bucket}/docs/small.txt`)).stdout).toContain('ACL set to Public');
      const anon = await fetch(url);
      expect(anon.status).toBe(200);
      expect(await anon.text()).toBe(small);
      expect(ok(await s3cmd('info', `s3://${bucket}/docs/small.txt`)).stdout).toContain('ACL:       *anon*: READ');
      ok(await s3cmd('setacl', '--acl-private', `s3://${bucket}/docs/small.txt`));
      expect((await fetch(url)).status).toBe(403);
      // and at upload time
      ok(await s3cmd('put', '--acl-public', 'small.txt', `s3://${bucket}/public.txt`));
      expect(await (await fetch(`${sim.url}/${bucket}/public.txt`)).text()).toBe(small);

      // sync: keys with spaces, unicode, '+' and '%'
      const tree = join(dir, 'tree');
      mkdirSync(join(tree, 'sub dir'), { recursive: true });
      const files: Record<string, string> = {
        'a b.txt': 'with a space\n',
        'sub dir/ünïcödé ✓.txt': 'unicode\n',
        'sub dir/plus+sign.txt': 'plus\n',
        'sub dir/100% done.json': '{"done":true}\n',
      };
      for (const [name, body] of Object.entries(files)) writeFileSync(join(tree, name), body);
      const sync = ok(await s3cmd('sync', 'tree/', `s3://${bucket}/tree/`));
      for (const name of Object.keys(files)) expect(sync.stdout).toContain(`-> 's3://${bucket}/tree/${name}'`);
      stored = byKey(await inspectObjects(sim, { tenant: key, bucket, prefix: 'tree/' }));
      expect(Object.keys(stored).sort()).toEqual(Object.keys(files).map((n) => 'tree/' + n).sort());
      for (const [name, body] of Object.entries(files)) {
        expect(stored['tree/' + name]).toMatchObject({ size: Buffer.byteLength(body), etag: `"${md5(body)}"` });
      }
      expect(stored['tree/sub dir/100% done.json'].content_type).toBe('application/json');
      // nothing changed: nothing uploaded; one file changed: only it
      expect(ok(await s3cmd('sync', 'tree/', `s3://${bucket}/tree/`)).stdout).not.toContain('upload:');
      writeFileSync(join(tree, 'a b.txt'), 'changed\n');
      const resync = ok(await s3cmd('sync', 'tree/', `s3://${bucket}/tree/`)).stdout;
      expect(resync.match(/upload:/g)).toHaveLength(1);
      expect(resync).toContain(`-> 's3://${bucket}/tree/a b.txt'`);
      expect((await inspectObjects(sim, { tenant: key, bucket, key: 'tree/a b.txt' }))[0].etag).toBe(`"${md5('changed\n')}"`);
      // and back down
      ok(await s3cmd('sync', `s3://${bucket}/tree/`, 'down/'));
      expect(readFileSync(join(dir, 'down/sub dir/ünïcödé ✓.txt'), 'utf8')).toBe('unicode\n');
      expect(readFileSync(join(dir, 'down/sub dir/100% done.json'), 'utf8')).toBe(files['sub dir/100% done.json']);

      // del, recursive del, rb
      expect(ok(await s3cmd('del', `s3://${bucket}/public.txt`)).stdout).toContain(`delete: 's3://${bucket}/public.txt'`);
      const rdel = ok(await s3cmd('--recursive', 'del', `s3://${bucket}/tree/`)).stdout;
      expect(rdel.match(/delete:/g)).toHaveLength(4);
      expect(rdel).toContain(`delete: 's3://${bucket}/tree/sub dir/ünïcödé ✓.txt'`);
      expect((await inspectObjects(sim, { tenant: key, bucket })).map((o) => o.key).sort()).toEqual(['docs/big.bin', 'docs/small.txt']);
      const notEmpty = await s3cmd('rb', `s3://${bucket}`);
      expect(notEmpty.code).not.toBe(0);
      expect(notEmpty.stderr).toContain('BucketNotEmpty');
      ok(await s3cmd('--recursive', '--force', 'del', `s3://${bucket}`));
      expect(ok(await s3cmd('rb', `s3://${bucket}`)).stdout).toContain(`Bucket 's3://${bucket}/' removed`);
      expect(await inspectObjects(sim, { tenant: key, bucket })).toEqual([]);
      const buckets = await fetch(`${sim.url}/__inspect/s3/buckets?${new URLSearchParams({ tenant: key })}`);
      expect(((await buckets.json()) as { items: unknown[] }).items).toEqual([]);
    });
  }

  it('AWS CLI v2: s3 mb/cp/ls/sync/presign/rm/rb and s3api checksums, head-object, list-objects-v2', { timeout: 180_000 }, async () => {
    requireBinary(AWS2, 'awscli');
    const key = newAccessKey();
    const bucket = newBucket('awsv2');
    const dir = tempDir();
    const config = join(dir, 'aws-config');
    writeFileSync(config, '[default]\ns3 =\n  addressing_style = path\n');
    const env = {
      HOME: dir,
      AWS_ACCESS_KEY_ID: key,
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    };
    const aws = (...args: string[]) => run(AWS2, ['--endpoint-url', sim.url, ...args], env, dir);

    const version = ok(await aws('--version')).stdout;
    expect(version).toMatch(/^aws-cli\/2\./);

    expect(ok(await aws('s3', 'mb', `s3://${bucket}`)).stdout).toContain(`make_bucket: ${bucket}`);

    const small = 'small file from the AWS CLI v2\n';
    writeFileSync(join(dir, 'small file.txt'), small);
    const cp = ok(await aws('s3', 'cp', '--no-progress', 'small file.txt', `s3://${bucket}/docs/small file.txt`));
    expect(cp.stdout).toContain(`upload: ./small file.txt to s3://${bucket}/docs/small file.txt`);
    // 10 MiB: above the 8 MiB multipart threshold, two 8 MiB-chunk parts
    const big = pattern(10 * 1024 * 1024, 3);
    writeFileSync(join(dir, 'big.bin'), big);
    ok(await aws('s3', 'cp', '--no-progress', 'big.bin', `s3://${bucket}/docs/big.bin`));

    let stored = byKey(await inspectObjects(sim, { tenant: key, bucket }));
    expect(stored['docs/small file.txt']).toMatchObject({ size: small.length, etag: `"${md5(small)}"`, content_type: 'text/plain', metadata: {} });
    expect(stored['docs/big.bin']).toMatchObject({ size: big.length, etag: multipartEtag(big, 8 * 1024 * 1024), content_type: 'application/octet-stream' });
    expect(stored['docs/big.bin'].etag).toMatch(/-2"$/);

    const ls = ok(await aws('s3', 'ls', `s3://${bucket}/docs/`)).stdout;
    expect(ls).toMatch(new RegExp(`\\s${big.length} big\\.bin\\n`));
    expect(ls).toMatch(new RegExp(`\\s${small.length} small file\\.txt\\n`));
    expect(ok(await aws('s3', 'ls', `s3://${bucket}`)).stdout).toContain('PRE docs/');
    expect(ok(await aws('s3', 'ls')).stdout).toContain(bucket);

    const down = ok(await aws('s3', 'cp', '--no-progress', `s3://${bucket}/docs/big.bin`, 'big.back'));
    expect(down.stdout).toContain(`download: s3://${bucket}/docs/big.bin to ./big.back`);
    expect(sha256(readFileSync(join(dir, 'big.back')))).toBe(sha256(big));
    ok(await aws('s3', 'cp', '--no-progress', `s3://${bucket}/docs/small file.txt`, 'small.back'));
    expect(readFileSync(join(dir, 'small.back'), 'utf8')).toBe(small);

    // sync: keys with spaces, unicode and '+'
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'sub dir'), { recursive: true });
    const files: Record<string, string> = { 'a b.txt': 'with a space\n', 'sub dir/ünïcödé ✓.txt': 'unicode\n', 'sub dir/plus+sign.txt': 'plus\n' };
    for (const [name, body] of Object.entries(files)) writeFileSync(join(tree, name), body);
    const sync = ok(await aws('s3', 'sync', '--no-progress', 'tree', `s3://${bucket}/tree`));
    for (const name of Object.keys(files)) expect(sync.stdout).toContain(`to s3://${bucket}/tree/${name}`);
    stored = byKey(await inspectObjects(sim, { tenant: key, bucket, prefix: 'tree/' }));
    expect(Object.keys(stored).sort()).toEqual(Object.keys(files).map((n) => 'tree/' + n).sort());
    for (const [name, body] of Object.entries(files)) expect(stored['tree/' + name]).toMatchObject({ size: Buffer.byteLength(body), etag: `"${md5(body)}"` });
    expect(ok(await aws('s3', 'sync', '--no-progress', 'tree', `s3://${bucket}/tree`)).stdout).toBe('');
    ok(await aws('s3', 'sync', '--no-progress', `s3://${bucket}/tree`, 'down'));
    expect(readFileSync(join(dir, 'down/sub dir/ünïcödé ✓.txt'), 'utf8')).toBe('unicode\n');

    // s3api: a SHA-256 checksum stored and returned
    const shaBody = 'checksummed by the CLI\n';
    writeFileSync(join(dir, 'sha.txt'), shaBody);
    const shaB64 = createHash('sha256').update(shaBody).digest('base64');
    const putSha = JSON.parse(
      ok(await aws('s3api', 'put-object', '--bucket', bucket, '--key', 'sums/sha.txt', '--body', 'sha.txt', '--checksum-algorithm', 'SHA256', '--content-type', 'text/plain', '--metadata', 'origin=cli-v2')).stdout,
    );
    expect(putSha).toMatchObject({ ETag: `"${md5(shaBody)}"`, ChecksumSHA256: shaB64 });
    const [shaObj] = await inspectObjects(sim, { tenant: key, bucket, key: 'sums/sha.txt' });
    expect(shaObj).toMatchObject({ size: shaBody.length, content_type: 'text/plain', metadata: { origin: 'cli-v2' }, checksums: { SHA256: shaB64 } });
    const head = JSON.parse(ok(await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'sums/sha.txt', '--checksum-mode', 'ENABLED')).stdout);
    expect(head).toMatchObject({ ContentLength: shaBody.length, ETag: `"${md5(shaBody)}"`, ChecksumSHA256: shaB64, ContentType: 'text/plain', Metadata: { origin: 'cli-v2' } });
    const headPlain = JSON.parse(ok(await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'sums/sha.txt')).stdout);
    expect(headPlain.ChecksumSHA256).toBeUndefined();

    const listed = JSON.parse(ok(await aws('s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'tree/sub dir/')).stdout);
    expect(listed.Contents.map((o: { Key: string }) => o.Key)).toEqual(['tree/sub dir/plus+sign.txt', 'tree/sub dir/ünïcödé ✓.txt']);
    expect(listed.Contents[0]).toMatchObject({ Size: 5, ETag: `"${md5('plus\n')}"`, StorageClass: 'STANDARD' });
    const delimited = JSON.parse(ok(await aws('s3api', 'list-objects-v2', '--bucket', bucket, '--delimiter', '/')).stdout);
    expect(delimited.CommonPrefixes.map((p: { Prefix: string }) => p.Prefix)).toEqual(['docs/', 'sums/', 'tree/']);

    // presigned GET, fetched without credentials
    const presigned = ok(await aws('s3', 'presign', `s3://${bucket}/docs/small file.txt`, '--expires-in', '300')).stdout.trim();
    expect(presigned).toContain('X-Amz-Signature=');
    const res = await fetch(presigned);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(small);
    expect((await fetch(`${sim.url}/${bucket}/docs/small%20file.txt`)).status).toBe(403);

    const rm = ok(await aws('s3', 'rm', '--recursive', `s3://${bucket}/`)).stdout;
    expect(rm.match(/delete: /g)).toHaveLength(6);
    expect(await inspectObjects(sim, { tenant: key, bucket })).toEqual([]);
    expect(ok(await aws('s3', 'rb', `s3://${bucket}`)).stdout).toContain(`remove_bucket: ${bucket}`);
    const buckets = await fetch(`${sim.url}/__inspect/s3/buckets?${new URLSearchParams({ tenant: key })}`);
    expect(((await buckets.json()) as { items: unknown[] }).items).toEqual([]);
  });
});
