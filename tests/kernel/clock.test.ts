import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { newAccessKey, newBucket, s3Client } from '../helpers/s3.js';
import { newApiKey, sendgrid, tenantOfKey } from '../helpers/sendgrid.js';
import { startSim } from '../helpers/server.js';
import { messagingService, newAccountSid, twilioClient } from '../helpers/twilio.js';

type Json = Record<string, any>;

let sim: RunningServer;
beforeAll(async () => {
  sim = await startSim({ timing: 'immediate' });
});
afterAll(async () => {
  await sim?.close();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(sim.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function until<T>(what: string, f: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('per-tenant clock', () => {
  it('GET /__inspect/clock shows a tenant at wall time until advanced; bad requests get 400', async () => {
    const t = newAccountSid();
    const before = Date.now();
    const r = await api('GET', `/__inspect/clock?tenant=${t}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ tenant: t, offset_ms: 0 });
    expect(Date.parse(r.body.now)).toBeGreaterThanOrEqual(before - 5);
    expect(r.body.now).toBe(r.body.wall);
    expect((await api('GET', '/__inspect/clock')).status).toBe(400);
    expect((await api('POST', `/__inspect/clock/advance?tenant=${t}`)).body).toMatchObject({ error: { code: 'bad_request' } });
    expect((await api('POST', `/__inspect/clock/advance?tenant=${t}`, { ms: -5 })).status).toBe(400);
    expect((await api('POST', `/__inspect/clock/advance?tenant=${t}&ms=abc`)).status).toBe(400);

    const q = await api('POST', `/__inspect/clock/advance?tenant=${t}&ms=1500`);
    expect(q.body).toMatchObject({ tenant: t, offset_ms: 1500 });
    const b = await api('POST', `/__inspect/clock/advance?tenant=${t}`, { seconds: 2 });
    expect(b.body.offset_ms).toBe(3500);
    expect(Date.parse(b.body.now) - Date.parse(b.body.wall)).toBe(3500);
    expect((await api('GET', `/__inspect/clock?tenant=${newAccountSid()}`)).body.offset_ms).toBe(0);

    expect((await api('POST', `/__inspect/reset?tenant=${t}`)).status).toBe(200);
    expect((await api('GET', `/__inspect/clock?tenant=${t}`)).body.offset_ms).toBe(0);
  });

  it('a Twilio message scheduled an hour ahead is sent once its tenant moves an hour; another tenant\'s stays scheduled', async () => {
    const [a, b] = [newAccountSid(), newAccountSid()];
    const sendAt = new Date(Date.now() + 3_600_000);
    const sids: Record<string, string> = {};
    for (const [t, number] of [[a, '+14155550911'], [b, '+14155550912']] as const) {
      const { client } = twilioClient(sim.url, t, 'clock-token');
      const mg = await messagingService(client, number);
      const m = await client.messages.create({ to: '+15556660911', messagingServiceSid: mg, body: 'in an hour', scheduleType: 'fixed', sendAt });
      expect(m.status).toBe('scheduled');
      sids[t] = m.sid;
    }
    await new Promise((r) => setTimeout(r, 100));

    const moved = await api('POST', `/__inspect/clock/advance?tenant=${a}`, { seconds: 3600 });
    expect(moved.status).toBe(200);
    expect(moved.body.offset_ms).toBe(3_600_000);

    const { client } = twilioClient(sim.url, a, 'clock-token');
    const sent = await until('the scheduled message to be delivered', async () => {
      const m = await client.messages(sids[a]).fetch();
      return m.status === 'delivered' && m;
    });
    // Sent at the tenant's simulated time: on or after SendAt.
    expect(sent.dateSent!.getTime()).toBeGreaterThanOrEqual(sendAt.getTime() - 1000);
    const stored = (await api('GET', `/__inspect/twilio/messages?tenant=${a}`)).body.items;
    expect(stored).toEqual([expect.objectContaining({ sid: sids[a], status: 'delivered' })]);

    const other = twilioClient(sim.url, b, 'clock-token').client;
    expect((await other.messages(sids[b]).fetch()).status).toBe('scheduled');
    expect((await api('GET', `/__inspect/twilio/messages?tenant=${b}`)).body.items).toEqual([expect.objectContaining({ sid: sids[b], status: 'scheduled' })]);
    expect((await api('GET', `/__inspect/clock?tenant=${b}`)).body.offset_ms).toBe(0);

    // A message created afterwards is stamped with the tenant's simulated time.
    const later = await client.messages.create({ to: '+15556660912', from: '+14155550911', body: 'after the jump' });
    expect(later.dateCreated.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it('a SendGrid scheduled send (send_at) fires once its tenant moves past it', async () => {
    const [keyA, keyB] = [newApiKey(), newApiKey()];
    const sendAt = Math.floor(Date.now() / 1000) + 3600;
    for (const key of [keyA, keyB]) {
      const { mail } = sendgrid(sim.url, key);
      const [res] = await mail.send({ to: 'later@example.com', from: 'a@example.com', subject: 'Later', text: 'x', sendAt });
      expect(res.statusCode).toBe(202);
    }
    const [ta, tb] = [tenantOfKey(keyA), tenantOfKey(keyB)];
    const stored = async (tenant: string) => (await api('GET', `/__inspect/sendgrid/messages?tenant=${tenant}`)).body.items as Json[];
    expect((await stored(ta))[0]).toMatchObject({ status: 'scheduled', send_at: sendAt });

    const moved = await api('POST', `/__inspect/clock/advance?tenant=${ta}&ms=3601000`);
    expect(moved.body.offset_ms).toBe(3_601_000);
    const delivered = await until('the scheduled email to be delivered', async () => {
      const [m] = await stored(ta);
      return m.status === 'delivered' && m;
    });
    expect((delivered.events as Json[]).map((e) => e.event)).toEqual(['processed', 'delivered']);
    expect((delivered.events as Json[])[0].timestamp).toBeGreaterThanOrEqual(sendAt);
    expect((await stored(tb))[0]).toMatchObject({ status: 'scheduled' });
  });

  it('a presigned GET URL expires when its tenant moves past X-Amz-Expires; another tenant\'s still works', async () => {
    const [ka, kb] = [newAccessKey(), newAccessKey()];
    const urls: Record<string, string> = {};
    for (const key of [ka, kb]) {
      const s3 = s3Client(sim, key, { requestChecksumCalculation: 'WHEN_REQUIRED' });
      const bucket = newBucket('clock');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc.txt', Body: `for ${key}` }));
      urls[key] = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'doc.txt' }), { expiresIn: 60 });
      expect((await fetch(urls[key])).status).toBe(200);
      s3.destroy();
    }
    const moved = await api('POST', `/__inspect/clock/advance?tenant=${ka}`, { seconds: 120 });
    expect(moved.body).toMatchObject({ tenant: ka, offset_ms: 120_000 });

    const expired = await fetch(urls[ka]);
    expect(expired.status).toBe(403);
    const xml = await expired.text();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toContain('<Message>Request has expired</Message>');
    const still = await fetch(urls[kb]);
    expect(still.status).toBe(200);
    expect(await still.text()).toBe(`for ${kb}`);

    // Signed requests (RequestTimeTooSkewed checks) keep using the wall clock.
    const s3 = s3Client(sim, ka);
    const objects = await s3.send(new GetObjectCommand({ Bucket: new URL(urls[ka]).pathname.split('/')[1], Key: 'doc.txt' }));
    expect(await objects.Body!.transformToString()).toBe(`for ${ka}`);
    s3.destroy();
    const journal = (await api('GET', `/__inspect/requests?tenant=${ka}&status=403`)).body.items;
    expect(journal).toEqual([expect.objectContaining({ method: 'GET', status: 403, tenant: ka })]);
  });
});
