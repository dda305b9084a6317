import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { newAccessKey, newBucket, s3Client } from '../helpers/s3.js';
import { startSim } from '../helpers/server.js';
import { newApiKey, sendgrid, tenantOfKey } from '../helpers/sendgrid.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';

let sim: RunningServer;
beforeAll(async () => {
  sim = await startSim({ timing: 'immediate' });
});
afterAll(async () => {
  await sim?.close();
});

async function inspect(path: string): Promise<any[]> {
  return (await (await fetch(sim.url + path)).json()).items;
}

/**
 * One CI job: its own AccountSid, API key and access key on the shared server, resetting its own
 * tenants between rounds. Several run at once and must never see each other's data.
 */
async function job(n: number): Promise<void> {
  const account = newAccountSid();
  const apiKey = newApiKey();
  const accessKey = newAccessKey();
  const tw = twilioClient(sim.url, account, `token-${n}`).client;
  const sg = sendgrid(sim.url, apiKey).mail;
  const s3 = s3Client(sim, accessKey);
  const bucket = newBucket(`job${n}`);
  for (let round = 0; round < 3; round++) {
    const body = `job ${n} round ${round}`;
    await tw.messages.create({ to: '+15550001111', from: '+15005550006', body });
    await sg.send({ to: 'qa@example.com', from: 'app@example.com', subject: body, text: body });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `r${round}.txt`, Body: body }));

    expect((await tw.messages.list()).map((m) => m.body)).toEqual([body]);
    expect((await inspect(`/__inspect/twilio/messages?tenant=${account}`)).map((m) => m.body)).toEqual([body]);
    expect((await inspect(`/__inspect/sendgrid/messages?tenant=${tenantOfKey(apiKey)}`)).map((m) => m.subject)).toEqual([body]);
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([bucket]);
    expect((await inspect(`/__inspect/s3/objects?tenant=${accessKey}`)).map((o) => o.key)).toEqual([`r${round}.txt`]);

    for (const t of [account, tenantOfKey(apiKey), accessKey]) {
      const r = await fetch(`${sim.url}/__inspect/reset?tenant=${t}`, { method: 'POST' });
      expect(r.status).toBe(200);
    }
    expect(await inspect(`/__inspect/twilio/messages?tenant=${account}`)).toEqual([]);
  }
}

describe('parallel jobs on one server', () => {
  it('four jobs with their own credentials, each resetting its own tenants, never see each other', async () => {
    await Promise.all([1, 2, 3, 4].map((n) => job(n)));
  });
});
