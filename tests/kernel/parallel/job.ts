import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { sendgrid, tenantOfKey } from '../../helpers/sendgrid.js';
import { twilioClient } from '../../helpers/twilio.js';

const BASE = process.env.SIM_URL;

/**
 * What one CI job does: credentials of its own (derived from its name, as a pipeline would from
 * its job id), a reset of its own tenants before each test, and assertions that it sees exactly
 * what it sent, no more and no less, while the other job runs at the same time.
 */
export function ciSuite(job: string): void {
  if (!BASE) throw new Error('SIM_URL is not set: run through tests/kernel/parallel-ci.test.ts');
  const hex = createHash('sha256').update(job).digest('hex');
  const accountSid = 'AC' + hex.slice(0, 32);
  const apiKey = `SG.${hex.slice(0, 22)}.${hex.slice(22, 65)}`;
  const accessKeyId = 'AKIA' + hex.slice(0, 16).toUpperCase();
  const twilio = twilioClient(BASE, accountSid, `token-${job}`).client;
  const mail = sendgrid(BASE, apiKey).mail;
  const s3 = new S3Client({ endpoint: BASE, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey: 'test' } });
  const inspect = async (path: string): Promise<any[]> => (await (await fetch(BASE + path)).json()).items;

  // Both jobs start their tests only once both are running (a barrier in BARRIER_DIR), and
  // report when they ran, so the caller can check they really overlapped.
  let started = 0;
  beforeAll(async () => {
    const dir = process.env.BARRIER_DIR;
    if (!dir || !existsSync(dir)) throw new Error('BARRIER_DIR is not set');
    writeFileSync(join(dir, job), '');
    const deadline = Date.now() + 30_000;
    while (readdirSync(dir).length < 2) {
      if (Date.now() > deadline) throw new Error('the other job never started');
      await new Promise((r) => setTimeout(r, 20));
    }
    started = Date.now();
  });
  afterAll(() => {
    console.log(`SPAN ${job} ${started} ${Date.now()}`);
  });

  beforeEach(async () => {
    for (const tenant of [accountSid, tenantOfKey(apiKey), accessKeyId]) {
      expect((await fetch(`${BASE}/__inspect/reset?tenant=${tenant}`, { method: 'POST' })).status).toBe(200);
    }
  });

  for (let round = 0; round < 4; round++) {
    it(`round ${round}: sees exactly its own SMS, email and files`, async () => {
      const body = `${job} round ${round}`;
      for (let i = 0; i < 3; i++) await twilio.messages.create({ to: '+15550001111', from: '+15005550006', body: `${body} #${i}` });
      await mail.send({ to: 'qa@example.com', from: 'app@example.com', subject: body, text: body });
      const bucket = `${job}-r${round}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'report.txt', Body: body }));

      expect((await twilio.messages.list()).map((m) => m.body).sort()).toEqual([0, 1, 2].map((i) => `${body} #${i}`));
      expect((await inspect(`/__inspect/twilio/messages?tenant=${accountSid}`)).map((m) => m.body).sort()).toEqual([0, 1, 2].map((i) => `${body} #${i}`));
      expect((await inspect(`/__inspect/sendgrid/messages?tenant=${tenantOfKey(apiKey)}`)).map((m) => m.subject)).toEqual([body]);
      expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([bucket]);
      expect((await inspect(`/__inspect/s3/objects?tenant=${accessKeyId}`)).map((o) => `${o.bucket}/${o.key}`)).toEqual([`${bucket}/report.txt`]);
    });
  }
}
