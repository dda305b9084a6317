import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { CONFIG_EXTENSIONS } from '../../src/http/registry.js';
import type { RunningServer } from '../../src/http/server.js';
import { inspectObjects, newAccessKey, newBucket, s3Client } from '../helpers/s3.js';
import { newApiKey, sendgrid, tenantOfKey } from '../helpers/sendgrid.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';

type Json = Record<string, any>;
const FROM = '+15550100001';

async function api(sim: RunningServer, method: string, path: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(sim.url + path, { method });
  return { status: res.status, body: (await res.json()) as Json };
}
const items = async (sim: RunningServer, path: string) => (await api(sim, 'GET', path)).body.items as Json[];

async function until(what: string, f: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('retention limits', () => {
  it('validates INSPECT_MAX_RECORDS and INSPECT_MAX_AGE', () => {
    const cfg = loadConfig(CONFIG_EXTENSIONS, { env: { INSPECT_MAX_RECORDS: '50', INSPECT_MAX_AGE: '12h' } });
    expect(cfg).toMatchObject({ inspectMaxRecords: 50, inspectMaxAge: '12h', inspectPruneIntervalMs: 30000 });
    expect(loadConfig(CONFIG_EXTENSIONS, {})).toMatchObject({ inspectMaxRecords: 10000, inspectMaxAge: '7d' });
    expect(() => loadConfig(CONFIG_EXTENSIONS, { env: { INSPECT_MAX_AGE: 'a week' } })).toThrow(/inspectMaxAge/);
    expect(() => loadConfig(CONFIG_EXTENSIONS, { argv: ['--inspect-max-records=-1'] })).toThrow(/inspectMaxRecords/);
  });

  describe('max records per tenant', () => {
    let sim: RunningServer;
    beforeAll(async () => {
      sim = await startSim({ timing: 'immediate', inspectMaxRecords: 3, inspectPruneIntervalMs: 50 });
    });
    afterAll(async () => {
      await sim?.close();
    });

    it('prunes the oldest messages, journal entries and events of each tenant in the background', async () => {
      const [a, b] = [newAccountSid(), newAccountSid()];
      const ca = twilioClient(sim.url, a, 'retention').client;
      const sent: string[] = [];
      for (let i = 0; i < 6; i++) {
        const m = await ca.messages.create({ to: `+1555010020${i}`, from: FROM, body: `message ${i}` });
        expect(m.status).toBe('queued');
        sent.push(m.sid);
      }
      const cb = twilioClient(sim.url, b, 'retention').client;
      const other = [await cb.messages.create({ to: '+15550100300', from: FROM, body: 'b1' }), await cb.messages.create({ to: '+15550100301', from: FROM, body: 'b2' })];

      await until('the oldest messages of tenant A to be pruned', async () => {
        const got = await items(sim, `/__inspect/twilio/messages?tenant=${a}`);
        return got.length === 3 && got.every((m) => m.status === 'delivered');
      });
      const kept = await items(sim, `/__inspect/twilio/messages?tenant=${a}`);
      expect(kept.map((m) => m.sid)).toEqual(sent.slice(3).reverse());
      // Gone from the vendor API too.
      await expect(ca.messages(sent[0]).fetch()).rejects.toMatchObject({ status: 404 });
      expect((await ca.messages(sent[5]).fetch()).body).toBe('message 5');

      const keptB = await items(sim, `/__inspect/twilio/messages?tenant=${b}`);
      expect(keptB.map((m) => m.sid)).toEqual(other.map((m) => m.sid).reverse());

      await until('the journal and the events of tenant A to be pruned', async () => {
        const journal = await items(sim, `/__inspect/requests?tenant=${a}`);
        const events = await items(sim, `/__inspect/events?tenant=${a}`);
        return journal.length === 3 && events.length === 3;
      });
    });
  });

  describe('max age', () => {
    let sim: RunningServer;
    beforeAll(async () => {
      sim = await startSim({ timing: 'immediate', inspectMaxAge: '1s', inspectPruneIntervalMs: 50 });
    });
    afterAll(async () => {
      await sim?.close();
    });

    it('prunes emails and journal entries older than INSPECT_MAX_AGE, but never S3 objects', async () => {
      const key = newApiKey();
      const { mail } = sendgrid(sim.url, key);
      const [res] = await mail.send({ to: 'old@example.com', from: 'a@example.com', subject: 'Old', text: 'x' });
      expect(res.statusCode).toBe(202);
      const tenant = tenantOfKey(key);
      const access = newAccessKey();
      const s3 = s3Client(sim, access);
      const bucket = newBucket('keep');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'kept.txt', Body: 'user data' }));
      expect(await items(sim, `/__inspect/sendgrid/messages?tenant=${tenant}`)).toHaveLength(1);

      await until('the email to be pruned', async () => (await items(sim, `/__inspect/sendgrid/messages?tenant=${tenant}`)).length === 0);
      await until('the journal to be pruned', async () => (await items(sim, `/__inspect/requests?tenant=${access}`)).length === 0);
      expect(await items(sim, `/__inspect/sendgrid/events?tenant=${tenant}`)).toEqual([]);
      expect(await inspectObjects(sim, { tenant: access })).toEqual([expect.objectContaining({ key: 'kept.txt', size: 9 })]);
      s3.destroy();
    });
  });
});

describe('DELETE by search', () => {
  let sim: RunningServer;
  beforeAll(async () => {
    sim = await startSim({ timing: 'manual' });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('removes only the Twilio messages and journal entries matching the search', async () => {
    const [a, b] = [newAccountSid(), newAccountSid()];
    const ca = twilioClient(sim.url, a, 'del').client;
    const cb = twilioClient(sim.url, b, 'del').client;
    const x1 = await ca.messages.create({ to: '+15550100401', from: FROM, body: 'x1' });
    const x2 = await ca.messages.create({ to: '+15550100401', from: FROM, body: 'x2', mediaUrl: ['https://media.example.test/x.png'] });
    const y = await ca.messages.create({ to: '+15550100402', from: FROM, body: 'y' });
    const bx = await cb.messages.create({ to: '+15550100401', from: FROM, body: 'other tenant' });

    const del = await api(sim, 'DELETE', `/__inspect/twilio/messages?tenant=${a}&to=%2B15550100401`);
    expect(del).toEqual({ status: 200, body: { deleted: 2 } });
    expect((await items(sim, `/__inspect/twilio/messages?tenant=${a}`)).map((m) => m.sid)).toEqual([y.sid]);
    expect((await items(sim, `/__inspect/twilio/messages?tenant=${b}`)).map((m) => m.sid)).toEqual([bx.sid]);
    await expect(ca.messages(x1.sid).fetch()).rejects.toMatchObject({ status: 404 });
    await expect(ca.messages(x2.sid).media.list()).rejects.toMatchObject({ status: 404 });
    expect((await ca.messages(y.sid).fetch()).body).toBe('y');

    await until('journal rows', async () => (await items(sim, `/__inspect/requests?tenant=${a}`)).length >= 6);
    const notFound = (await items(sim, `/__inspect/requests?tenant=${a}&status=404`)).length;
    expect(notFound).toBe(2);
    expect((await api(sim, 'DELETE', `/__inspect/requests?tenant=${a}&status=404`)).body).toEqual({ deleted: 2 });
    const left = await items(sim, `/__inspect/requests?tenant=${a}`);
    expect(left.length).toBeGreaterThanOrEqual(4);
    expect(left.every((r) => r.status !== 404)).toBe(true);
    expect((await items(sim, `/__inspect/requests?tenant=${b}`)).length).toBe(1);
    expect((await api(sim, 'DELETE', '/__inspect/requests?status=abc')).status).toBe(400);
  });

  it('removes SendGrid messages by search; S3 objects cannot be deleted this way', async () => {
    const key = newApiKey();
    const { mail } = sendgrid(sim.url, key);
    await mail.send({ to: 'one@example.com', from: 'a@example.com', subject: 'Invoice 1', text: 'x' });
    await mail.send({ to: 'two@example.com', from: 'a@example.com', subject: 'Welcome', text: 'x' });
    const tenant = tenantOfKey(key);
    expect((await api(sim, 'DELETE', `/__inspect/sendgrid/messages?tenant=${tenant}&subject=Invoice`)).body).toEqual({ deleted: 1 });
    expect((await items(sim, `/__inspect/sendgrid/messages?tenant=${tenant}`)).map((m) => m.subject)).toEqual(['Welcome']);

    const r = await api(sim, 'DELETE', '/__inspect/s3/objects');
    expect(r).toMatchObject({ status: 405, body: { error: { code: 'not_supported' } } });
    expect((await api(sim, 'DELETE', '/__inspect/twilio/nothing')).status).toBe(404);
  });
});
