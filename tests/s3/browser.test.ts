/**
 * A real browser uploads through a presigned PutObject URL from another origin: the preflight,
 * the CORS headers on the PUT answer (ETag exposed) and the stored bytes, as a web app sees them.
 * Drives the system's Chromium (/usr/bin/chromium, Debian's `chromium`; .ci/run installs it).
 */
import { CreateBucketCommand, GetObjectCommand, PutBucketCorsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { inspectObjects, newAccessKey, newBucket, s3Client } from '../helpers/s3.js';
import { startSim } from '../helpers/server.js';

const CHROMIUM = '/usr/bin/chromium';
const PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>upload</title></head><body></body></html>';

interface UploadOutcome {
  ok: boolean;
  status?: number;
  etag?: string | null;
  error?: string;
}

async function pageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(PAGE)) });
    res.end(req.method === 'HEAD' ? undefined : PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

describe('S3 presigned PUT from a browser on another origin', { timeout: 20_000 }, () => {
  let sim: RunningServer;
  let s3: S3Client;
  let browser: BrowserContext;
  let profile: string;
  let allowed: { server: Server; origin: string };
  let refused: { server: Server; origin: string };
  const tenant = newAccessKey();
  const bucket = newBucket('browser');

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
    sim = await startSim();
    s3 = s3Client(sim, tenant, { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    allowed = await pageServer();
    refused = await pageServer();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: [allowed.origin], AllowedMethods: ['PUT'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 60 }],
        },
      }),
    );
    profile = mkdtempSync(join(tmpdir(), 'provider-sim-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      timeout: 10_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 20_000);

  afterAll(async () => {
    await browser?.close();
    for (const p of [allowed, refused]) if (p) await new Promise((r) => p.server.close(r));
    s3?.destroy();
    await sim?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** Opens `origin` in a fresh page and PUTs `bytes` to `url` with fetch, as an app would. */
  async function uploadFrom(origin: string, url: string, bytes: number[]): Promise<UploadOutcome> {
    const page = await browser.newPage();
    try {
      await page.goto(origin + '/', { timeout: 5_000 });
      return await page.evaluate(
        async ({ url, bytes }) => {
          try {
            const res = await fetch(url, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'content-type': 'image/png' } });
            return { ok: res.ok, status: res.status, etag: res.headers.get('etag') };
          } catch (e) {
            return { ok: false, error: String(e) };
          }
        },
        { url, bytes },
      );
    } finally {
      await page.close();
    }
  }

  const bytes = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff)];
  const md5 = createHash('md5').update(Buffer.from(bytes)).digest('hex');

  it('uploads through the preflight, reads the exposed ETag and stores exactly the bytes', async () => {
    const key = 'uploads/pixel.png';
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: 'image/png' }), { expiresIn: 300 });
    const outcome = await uploadFrom(allowed.origin, url, bytes);
    expect(outcome).toEqual({ ok: true, status: 200, etag: `"${md5}"` });

    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(Buffer.from(bytes));
    expect(got.ContentType).toBe('image/png');
    expect(got.ETag).toBe(`"${md5}"`);

    const [row] = await inspectObjects(sim, { tenant, bucket, prefix: key });
    expect(row).toMatchObject({ key, size: bytes.length, etag: `"${md5}"`, content_type: 'image/png' });
    const dl = await fetch(row.download_url);
    expect(Buffer.from(await dl.arrayBuffer())).toEqual(Buffer.from(bytes));
  });

  it('fails from an origin no CORS rule allows: the preflight is refused and nothing is stored', async () => {
    const key = 'uploads/refused.png';
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: 'image/png' }), { expiresIn: 300 });
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: refused.origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();

    const outcome = await uploadFrom(refused.origin, url, bytes);
    expect(outcome.ok).toBe(false);
    expect(outcome.status).toBeUndefined();
    expect(outcome.error).toMatch(/TypeError|Failed to fetch/);
    expect(await inspectObjects(sim, { tenant, bucket, prefix: key })).toEqual([]);
  });
});
