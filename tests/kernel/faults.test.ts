import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3ServiceException } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { newAccessKey, newBucket, s3Client, inspectObjects } from '../helpers/s3.js';
import { failure, newApiKey, sendgrid, tenantOfKey } from '../helpers/sendgrid.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';

type Json = Record<string, any>;

const FROM = '+15550100001';

let sim: RunningServer;
beforeAll(async () => {
  sim = await startSim({ timing: 'manual' });
});
afterAll(async () => {
  await sim?.close();
});
afterEach(async () => {
  await fetch(`${sim.url}/__inspect/faults`, { method: 'DELETE' });
});

async function api(method: string, path: string, body?: unknown, base = sim.url): Promise<{ status: number; body: Json }> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function putFaults(rules: unknown[], base = sim.url): Promise<Json[]> {
  const r = await api('PUT', '/__inspect/faults', { rules }, base);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.rules as Json[];
}

/** Journal rows are committed just after the response: long-poll for them. */
async function journal(query: string, count: number): Promise<Json[]> {
  for (let i = 0; i < 100; i++) {
    const items = (await api('GET', `/__inspect/requests?${query}`)).body.items as Json[];
    if (items.length >= count) return items;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`fewer than ${count} journal rows for ?${query}`);
}

async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

describe('fault rules through the SDKs', () => {
  it('Twilio: 20429 for one To number and tenant; other numbers and tenants are served; nothing is stored', async () => {
    const account = newAccountSid();
    const other = newAccountSid();
    const { client } = twilioClient(sim.url, account, 'token');
    const [rule] = await putFaults([
      {
        id: 'throttle-otp',
        provider: 'twilio',
        operation: 'CreateMessage',
        tenant: account,
        match: { to: '+1555010077*' },
        action: { type: 'error', status: 429, code: 20429, message: 'Too Many Requests' },
      },
    ]);
    expect(rule).toMatchObject({ id: 'throttle-otp', count: null, nth: null, probability: 1, seed: null, matched: 0, hits: 0, remaining: null });

    const e = await rejection(client.messages.create({ to: '+1 555 010 0771', from: FROM, body: 'code 123456' }));
    expect(e).toBeInstanceOf(twilio.RestException);
    expect(e).toMatchObject({ status: 429, code: 20429, message: 'Too Many Requests', moreInfo: 'https://www.twilio.com/docs/errors/20429' });

    const ok = await client.messages.create({ to: '+15550100999', from: FROM, body: 'not throttled' });
    expect(ok.status).toBe('queued');
    const otherTenant = await twilioClient(sim.url, other, 'token').client.messages.create({ to: '+15550100771', from: FROM, body: 'other tenant' });
    expect(otherTenant.to).toBe('+15550100771');

    const stored = (await api('GET', `/__inspect/twilio/messages?tenant=${account}`)).body.items as Json[];
    expect(stored.map((m) => m.sid)).toEqual([ok.sid]);

    const [faulted] = await journal(`tenant=${account}&fault=throttle-otp`, 1);
    expect(faulted).toMatchObject({ operation: 'CreateMessage', status: 429, tenant: account, fault: { rule: 'throttle-otp', action: 'error' } });
    const all = await journal(`tenant=${account}`, 2);
    expect(all.filter((x) => x.fault === null)).toHaveLength(1);

    const events = (await api('GET', `/__inspect/events?type=fault.injected&tenant=${account}&wait=2000`)).body.items as Json[];
    expect(events).toEqual([expect.objectContaining({ provider: 'twilio', type: 'fault.injected', tenant: account, resource: 'throttle-otp' })]);
    expect(events[0].summary).toMatch(/^CreateMessage: error 429 20429/);

    const [after] = (await api('GET', '/__inspect/faults')).body.rules as Json[];
    expect(after).toMatchObject({ matched: 1, hits: 1, remaining: null });
  });

  it('Twilio: a status alone takes its 20xxx code; the Nth call fails once; count limits the faults', async () => {
    const account = newAccountSid();
    const { client } = twilioClient(sim.url, account, 'token');
    await putFaults([{ provider: 'twilio', operation: 'CreateMessage', tenant: account, nth: 2, action: { type: 'error', status: 503 } }]);
    const outcome = async () => {
      try {
        await client.messages.create({ to: '+15550100500', from: FROM, body: 'x' });
        return 'ok';
      } catch (e) {
        return `${(e as { status: number }).status}/${(e as { code: number }).code}`;
      }
    };
    expect([await outcome(), await outcome(), await outcome()]).toEqual(['ok', '503/20503', 'ok']);
    const [nth] = (await api('GET', '/__inspect/faults')).body.rules as Json[];
    expect(nth).toMatchObject({ id: 'f1', nth: 2, matched: 2, hits: 1, remaining: 0 });

    await putFaults([{ provider: 'twilio', tenant: account, count: 2, action: { type: 'error' } }]);
    expect([await outcome(), await outcome(), await outcome()]).toEqual(['429/20429', '429/20429', 'ok']);
    expect((await api('GET', '/__inspect/faults/f1')).body).toMatchObject({ count: 2, hits: 2, remaining: 0 });
    expect((await api('GET', `/__inspect/twilio/messages?tenant=${account}`)).body.items).toHaveLength(3);
  });

  it('Twilio: a seeded probability fails the same calls on every run', async () => {
    const account = newAccountSid();
    const { client } = twilioClient(sim.url, account, 'token');
    const rule = { id: 'coin', provider: 'twilio', operation: 'FetchAccount', tenant: account, probability: 0.5, seed: 42, action: { type: 'error', status: 500 } };
    const run = async () => {
      await putFaults([rule]);
      let pattern = '';
      for (let i = 0; i < 16; i++) {
        try {
          await client.api.v2010.accounts(account).fetch();
          pattern += '.';
        } catch (e) {
          expect((e as { code: number }).code).toBe(20500);
          pattern += 'x';
        }
      }
      return pattern;
    };
    const first = await run();
    expect(first).toMatch(/x/);
    expect(first).toMatch(/\./);
    expect(await run()).toBe(first);
    const other = await (async () => {
      await putFaults([{ ...rule, seed: 7 }]);
      let p = '';
      for (let i = 0; i < 16; i++) p += await client.api.v2010.accounts(account).fetch().then(() => '.', () => 'x');
      return p;
    })();
    expect(other).not.toBe(first);
    const [r] = (await api('GET', '/__inspect/faults')).body.rules as Json[];
    expect(r).toMatchObject({ matched: 16, hits: [...other].filter((c) => c === 'x').length });
  });

  it('Twilio: latency delays the answer, then the operation runs', async () => {
    const account = newAccountSid();
    const { client } = twilioClient(sim.url, account, 'token');
    await putFaults([{ id: 'slow', provider: 'twilio', operation: 'CreateMessage', tenant: account, action: { type: 'latency', ms: 400 } }]);
    const started = performance.now();
    const m = await client.messages.create({ to: '+15550100400', from: FROM, body: 'slow' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(m.status).toBe('queued');
    const [row] = await journal(`tenant=${account}&fault=true`, 1);
    expect(row).toMatchObject({ status: 201, fault: { rule: 'slow', action: 'latency' } });
    expect(row.duration_ms).toBeGreaterThanOrEqual(350);
  });

  it('Twilio: reset drops the connection; the SDK sees a connection error', async () => {
    const account = newAccountSid();
    const { client } = twilioClient(sim.url, account, 'token');
    await putFaults([{ id: 'drop', provider: 'twilio', operation: 'CreateMessage', tenant: account, count: 1, action: { type: 'reset' } }]);
    const e = await rejection(client.messages.create({ to: '+15550100300', from: FROM, body: 'lost' }));
    expect(e).not.toBeInstanceOf(twilio.RestException);
    expect(`${e.code} ${e.message}`).toMatch(/ECONNRESET|socket hang up/);
    const [row] = await journal(`tenant=${account}&fault=drop`, 1);
    expect(row).toMatchObject({ status: 0, fault: { rule: 'drop', action: 'reset' } });
    expect((await api('GET', `/__inspect/twilio/messages?tenant=${account}`)).body.items).toEqual([]);
    // count: 1 -> the next call goes through
    expect((await client.messages.create({ to: '+15550100300', from: FROM, body: 'again' })).status).toBe('queued');
  });

  it('SendGrid: 429 with rate-limit headers for a recipient pattern (to or cc); other mail is accepted', async () => {
    const key = newApiKey();
    const tenant = tenantOfKey(key);
    const { mail } = sendgrid(sim.url, key);
    await putFaults([{ id: 'sg-throttle', provider: 'sendgrid', operation: 'SendMail', match: { to: '*@throttle.example' }, action: { type: 'error', status: 429 } }]);
    const send = (to: string, cc?: string) => mail.send({ to, cc, from: 'app@example.com', subject: 'hi', text: 'hello' });

    const f = await failure(send('a@throttle.example'));
    expect(f.status).toBe(429);
    expect(f.body).toEqual({ errors: [{ message: 'too many requests', field: null, help: null }] });
    expect(f.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(f.headers['x-ratelimit-limit'])).toBeGreaterThan(0);
    expect(Number(f.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000 - 1);
    expect((await failure(send('b@example.com', 'B@Throttle.Example'))).status).toBe(429);

    const [ok] = await send('c@example.com');
    expect(ok.statusCode).toBe(202);
    const stored = (await api('GET', `/__inspect/sendgrid/messages?tenant=${tenant}`)).body.items as Json[];
    expect(stored.map((m) => m.recipient)).toEqual(['c@example.com']);
    const rows = await journal(`tenant=${tenant}&fault=sg-throttle`, 2);
    expect(rows.every((r) => r.status === 429 && r.fault.action === 'error')).toBe(true);
  });

  it('SendGrid: a custom status, message and header', async () => {
    const key = newApiKey();
    const { mail } = sendgrid(sim.url, key);
    await putFaults([{ provider: 'sendgrid', tenant: tenantOfKey(key), action: { type: 'error', status: 503, message: 'maintenance', headers: { 'Retry-After': '7' } } }]);
    const f = await failure(mail.send({ to: 'x@example.com', from: 'app@example.com', subject: 's', text: 't' }));
    expect(f).toMatchObject({ status: 503, body: { errors: [{ message: 'maintenance' }] } });
    expect(f.headers['retry-after']).toBe('7');
    // another key is not affected
    const [ok] = await sendgrid(sim.url, newApiKey()).mail.send({ to: 'x@example.com', from: 'app@example.com', subject: 's', text: 't' });
    expect(ok.statusCode).toBe(202);
  });

  it('S3: SlowDown for a bucket and key prefix, retried by the SDK by default; InternalError by status', async () => {
    const key = newAccessKey();
    const bucket = newBucket('faults');
    const once = s3Client(sim, key, { maxAttempts: 1 });
    await once.send(new CreateBucketCommand({ Bucket: bucket }));
    await putFaults([{ id: 'slow-down', provider: 's3', operation: 'PutObject', tenant: key, match: { bucket, key: 'uploads/*' }, action: { type: 'error' } }]);

    const e = (await rejection(once.send(new PutObjectCommand({ Bucket: bucket, Key: 'uploads/a.txt', Body: 'a' })))) as S3ServiceException;
    expect(e.name).toBe('SlowDown');
    expect(e.message).toBe('Please reduce your request rate.');
    expect(e.$metadata.httpStatusCode).toBe(503);
    expect(e.$metadata.requestId).toMatch(/^[0-9A-F]{16}$/);
    await once.send(new PutObjectCommand({ Bucket: bucket, Key: 'other/b.txt', Body: 'b' }));
    expect((await inspectObjects(sim, { tenant: key, bucket })).map((o) => o.key)).toEqual(['other/b.txt']);

    // With its default retries the SDK gets through a single SlowDown.
    await putFaults([{ id: 'one-slow-down', provider: 's3', tenant: key, match: { key: 'uploads/*' }, count: 1, action: { type: 'error', code: 'SlowDown' } }]);
    const retrying = s3Client(sim, key, { maxAttempts: 3 });
    const put = await retrying.send(new PutObjectCommand({ Bucket: bucket, Key: 'uploads/c.txt', Body: 'c' }));
    expect(put.$metadata.attempts).toBe(2);
    expect((await api('GET', '/__inspect/faults/one-slow-down')).body).toMatchObject({ hits: 1, remaining: 0 });

    await putFaults([{ provider: 's3', operation: 'GetObject', tenant: key, action: { type: 'error', status: 500 } }]);
    const g = (await rejection(once.send(new GetObjectCommand({ Bucket: bucket, Key: 'other/b.txt' })))) as S3ServiceException;
    expect(g.name).toBe('InternalError');
    expect(g.$metadata.httpStatusCode).toBe(500);
    const rows = await journal(`tenant=${key}&fault=true&provider=s3`, 3);
    expect(rows.map((r) => `${r.operation} ${r.status}`)).toEqual(['GetObject 500', 'PutObject 503', 'PutObject 503']);
    once.destroy();
    retrying.destroy();
  });

  it('S3: reset surfaces as a network error in the SDK', async () => {
    const key = newAccessKey();
    const bucket = newBucket('reset');
    const s3 = s3Client(sim, key, { maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await putFaults([{ provider: 's3', operation: 'PutObject', tenant: key, action: { type: 'reset' } }]);
    const e = await rejection(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v' })));
    expect(e.$metadata?.httpStatusCode).toBeUndefined();
    expect(`${e.code} ${e.name} ${e.message}`).toMatch(/ECONNRESET|socket hang up|aborted/i);
    expect(await inspectObjects(sim, { tenant: key })).toEqual([]);
    s3.destroy();
  });
});

describe('/__inspect/faults', () => {
  it('validates rules and answers 400 with a message', async () => {
    const bad = async (rule: unknown) => {
      const r = await api('PUT', '/__inspect/faults', { rules: [rule] });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('bad_rule');
      return r.body.error.message as string;
    };
    expect(await bad({ provider: 'fax', action: { type: 'error' } })).toMatch(/provider must be one of twilio, sendgrid, s3/);
    expect(await bad({ provider: 'twilio', operation: 'SendFax', action: { type: 'error' } })).toMatch(/operation must be a twilio operation/);
    expect(await bad({ provider: 's3', match: { to: 'x' }, action: { type: 'error' } })).toMatch(/match on bucket, key, not "to"/);
    expect(await bad({ provider: 'sendgrid', action: { type: 'error', code: 42 } })).toMatch(/SendGrid errors have no code/);
    expect(await bad({ provider: 'twilio', action: { type: 'latency' } })).toMatch(/ms .* is required/);
    expect(await bad({ provider: 'twilio', action: { type: 'explode' } })).toMatch(/"type": "error", "latency" or "reset"/);
    expect(await bad({ provider: 'twilio', action: { type: 'error', status: 200 } })).toMatch(/status must be an HTTP error status/);
    expect(await bad({ provider: 'twilio', probability: 2, action: { type: 'error' } })).toMatch(/probability/);
    expect(await bad({ provider: 'twilio', nth: 0, action: { type: 'error' } })).toMatch(/nth/);
    expect(await bad({ provider: 'twilio', colour: 'red', action: { type: 'error' } })).toMatch(/unknown field "colour"/);
    const dup = await api('PUT', '/__inspect/faults', [
      { id: 'a', provider: 'twilio', action: { type: 'reset' } },
      { id: 'a', provider: 's3', action: { type: 'reset' } },
    ]);
    expect(dup).toMatchObject({ status: 400, body: { error: { code: 'bad_rule' } } });
    expect((await api('PUT', '/__inspect/faults', { nope: 1 })).status).toBe(400);
    expect((await api('GET', '/__inspect/faults')).body).toEqual({ rules: [] });
  });

  it('adds, lists, filters and removes rules', async () => {
    const t = newAccountSid();
    const rules = await putFaults([
      { provider: 'twilio', tenant: t, action: { type: 'reset' } },
      { id: 'mine', provider: 's3', action: { type: 'latency', ms: 10 } },
      { provider: 'sendgrid', action: { type: 'error' } },
    ]);
    expect(rules.map((r) => r.id)).toEqual(['f1', 'mine', 'f2']);
    const added = await api('POST', '/__inspect/faults', { provider: 'twilio', operation: 'CreateMessage', action: { type: 'error', code: 21610 } });
    expect(added).toMatchObject({ status: 201, body: { id: 'f3', provider: 'twilio', operation: 'CreateMessage', action: { type: 'error', code: 21610 } } });
    expect((await api('POST', '/__inspect/faults', { id: 'mine', provider: 's3', action: { type: 'reset' } })).status).toBe(400);
    expect(((await api('GET', '/__inspect/faults?provider=twilio')).body.rules as Json[]).map((r) => r.id)).toEqual(['f1', 'f3']);
    expect(((await api('GET', `/__inspect/faults?tenant=${t}`)).body.rules as Json[]).map((r) => r.id)).toEqual(['f1']);
    expect((await api('GET', '/__inspect/faults/mine')).body).toMatchObject({ id: 'mine', action: { type: 'latency', ms: 10 } });
    expect((await api('GET', '/__inspect/faults/nope')).status).toBe(404);
    expect(((await api('DELETE', `/__inspect/faults?tenant=${t}`)).body.rules as Json[]).map((r) => r.id)).toEqual(['mine', 'f2', 'f3']);
    expect(((await api('DELETE', '/__inspect/faults/mine')).body.rules as Json[]).map((r) => r.id)).toEqual(['f2', 'f3']);
    expect((await api('DELETE', '/__inspect/faults/mine')).status).toBe(404);
    expect(await api('DELETE', '/__inspect/faults')).toMatchObject({ status: 200, body: { rules: [] } });
  });

  it('keeps rules and their counters across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provider-sim-faults-'));
    try {
      const account = newAccountSid();
      let s = await startSim({ inMemory: false, dataDir: dir });
      try {
        await putFaults([{ id: 'twice', provider: 'twilio', operation: 'CreateMessage', count: 2, action: { type: 'error' } }], s.url);
        const { client } = twilioClient(s.url, account, 'token');
        expect((await rejection(client.messages.create({ to: '+15550100201', from: FROM, body: 'x' }))).code).toBe(20429);
      } finally {
        await s.close();
      }
      s = await startSim({ inMemory: false, dataDir: dir });
      try {
        const r = await api('GET', '/__inspect/faults', undefined, s.url);
        expect(r.body.rules).toEqual([expect.objectContaining({ id: 'twice', matched: 1, hits: 1, remaining: 1 })]);
        const { client } = twilioClient(s.url, account, 'token');
        expect((await rejection(client.messages.create({ to: '+15550100201', from: FROM, body: 'x' }))).code).toBe(20429);
        expect((await client.messages.create({ to: '+15550100201', from: FROM, body: 'x' })).status).toBe('queued');
      } finally {
        await s.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
