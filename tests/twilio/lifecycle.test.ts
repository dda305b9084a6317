import { execFile } from 'node:child_process';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { formParams, startReceiver } from '../helpers/receiver.js';
import { startSim } from '../helpers/server.js';
import { messagingService, newAccountSid, twilioClient } from '../helpers/twilio.js';

let sim: RunningServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let failFirst = new Set<string>();

beforeAll(async () => {
  sim = await startSim({ webhookBackoffMs: 20, stepDelayMs: 30 });
  receiver = await startReceiver((r) => {
    if (failFirst.has(r.path)) {
      failFirst.delete(r.path);
      return { status: 503, body: 'try later' };
    }
    return { status: 200 };
  });
});
afterAll(async () => {
  await sim?.close();
  await receiver?.close();
});

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(sim.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function timing(tenant: string, value: string) {
  expect((await api('PUT', `/__inspect/settings?tenant=${tenant}`, { timing: value })).status).toBe(200);
}

function statusesFor(sid: string) {
  return receiver.received.filter((r) => formParams(r.body).MessageSid === sid).map((r) => formParams(r.body).MessageStatus);
}

describe('message lifecycle and signed status callbacks', () => {
  it('queued -> sending -> sent -> delivered, each transition signed as Twilio signs', async () => {
    const sid = newAccountSid();
    const token = 'lifecycle-token';
    await timing(sid, 'immediate');
    const { client } = twilioClient(sim.url, sid, token);
    const callback = `${receiver.base}/twilio/status?listing=42&x=a+b`;
    const m = await client.messages.create({ to: '+15556660001', from: '+15005550006', body: 'Your showing is confirmed', statusCallback: callback });
    expect(m.status).toBe('queued');
    await receiver.until(() => statusesFor(m.sid).includes('delivered'));
    expect(statusesFor(m.sid)).toEqual(['sending', 'sent', 'delivered']);

    for (const r of receiver.received.filter((x) => formParams(x.body).MessageSid === m.sid)) {
      const params = formParams(r.body);
      expect(r.method).toBe('POST');
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(r.headers['i-twilio-idempotency-token']).toMatch(/^[0-9a-f-]{36}$/);
      expect(twilio.validateRequest(token, r.headers['x-twilio-signature'] as string, callback, params)).toBe(true);
      expect(twilio.validateRequest('wrong-token', r.headers['x-twilio-signature'] as string, callback, params)).toBe(false);
      expect(params).toMatchObject({ AccountSid: sid, ApiVersion: '2010-04-01', From: '+15005550006', To: '+15556660001', SmsSid: m.sid });
      expect(params.SmsStatus).toBe(params.MessageStatus);
    }
    const fetched = await client.messages(m.sid).fetch();
    expect(fetched.status).toBe('delivered');
    expect(fetched.dateSent).toBeInstanceOf(Date);
    expect(fetched.price).toMatch(/^-0\.\d{5}$/);
    const hooks = await api('GET', `/__inspect/webhooks?tenant=${sid}`);
    expect(hooks.body.items).toHaveLength(3);
    expect(hooks.body.items.every((h: any) => h.status === 'delivered' && h.attempts.length === 1 && h.attempts[0].status === 200)).toBe(true);
    expect(hooks.body.items[0].attempts[0].request_headers['x-twilio-signature']).toBeTruthy();
  });

  it('twilio-python RequestValidator accepts the signatures', async () => {
    const sid = newAccountSid();
    const token = 'python-validator-token';
    await timing(sid, 'immediate');
    const { client } = twilioClient(sim.url, sid, token);
    const callback = `${receiver.base}/py/status?a=1`;
    const m = await client.messages.create({ to: '+15556660002', from: '+15005550006', body: 'ünïcödé + spaces & more', statusCallback: callback });
    const got = await receiver.until(() => statusesFor(m.sid).includes('delivered'));
    const mine = got.filter((r) => formParams(r.body).MessageSid === m.sid);
    const script = `
import json, sys
from twilio.request_validator import RequestValidator
cases = json.load(sys.stdin)
v = RequestValidator(cases["token"])
print(json.dumps([v.validate(c["url"], c["params"], c["signature"]) for c in cases["items"]]))
`;
    const input = JSON.stringify({
      token,
      items: mine.map((r) => ({ url: callback, params: formParams(r.body), signature: r.headers['x-twilio-signature'] })),
    });
    const out = await new Promise<string>((resolve, reject) => {
      const p = execFile('/usr/bin/python3', ['-c', script], (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)));
      p.stdin!.end(input);
    });
    expect(JSON.parse(out)).toEqual([true, true, true]);
  });

  it('outcome rules end a message undelivered with Twilio\'s error code', async () => {
    const sid = newAccountSid();
    await timing(sid, 'immediate');
    const put = await api('PUT', `/__inspect/twilio/outcomes?tenant=${sid}`, {
      rules: [
        { number: '+15550100199', status: 'undelivered', error_code: 30003 },
        { number: '+1555020*', status: 'failed', error_code: 30008 },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body.rules).toHaveLength(2);
    const { client } = twilioClient(sim.url, sid, 't');
    const cb = `${receiver.base}/rules`;
    const u = await client.messages.create({ to: '+15550100199', from: '+15005550006', body: 'x', statusCallback: cb });
    const f = await client.messages.create({ to: '+15550200123', from: '+15005550006', body: 'y', statusCallback: cb });
    const ok = await client.messages.create({ to: '+15550300000', from: '+15005550006', body: 'z', statusCallback: cb });
    await receiver.until(() => statusesFor(u.sid).includes('undelivered') && statusesFor(f.sid).includes('failed') && statusesFor(ok.sid).includes('delivered'));
    expect(statusesFor(u.sid)).toEqual(['sending', 'sent', 'undelivered']);
    expect(statusesFor(f.sid)).toEqual(['sending', 'failed']);
    const last = receiver.received.filter((r) => formParams(r.body).MessageSid === u.sid).pop()!;
    expect(formParams(last.body).ErrorCode).toBe('30003');
    const fetched = await client.messages(u.sid).fetch();
    expect(fetched).toMatchObject({ status: 'undelivered', errorCode: 30003 });
    expect((await client.messages(f.sid).fetch()).errorCode).toBe(30008);
    const stored = await api('GET', `/__inspect/twilio/messages?tenant=${sid}&status=undelivered`);
    expect(stored.body.items.map((x: any) => x.sid)).toEqual([u.sid]);
    expect((await api('DELETE', `/__inspect/twilio/outcomes?tenant=${sid}`)).body.rules).toEqual([]);
    expect((await api('PUT', `/__inspect/twilio/outcomes?tenant=${sid}`, { rules: [{ number: '+1', status: 'exploded' }] })).status).toBe(400);
  });

  it('manual timing steps only through /advance, optionally to a target status', async () => {
    const sid = newAccountSid();
    await timing(sid, 'manual');
    const { client } = twilioClient(sim.url, sid, 't');
    const cb = `${receiver.base}/manual`;
    const m = await client.messages.create({ to: '+15556660003', from: '+15005550006', body: 'wait for me', statusCallback: cb });
    await new Promise((r) => setTimeout(r, 150));
    expect((await client.messages(m.sid).fetch()).status).toBe('queued');
    const one = await api('POST', `/__inspect/twilio/messages/${m.sid}/advance`);
    expect(one.body.status).toBe('sending');
    const end = await api('POST', `/__inspect/twilio/messages/${m.sid}/advance`, { status: 'undelivered', error_code: 30005 });
    expect(end.body).toMatchObject({ status: 'undelivered', error_code: 30005 });
    await receiver.until(() => statusesFor(m.sid).includes('undelivered'));
    expect(statusesFor(m.sid)).toEqual(['sending', 'sent', 'undelivered']);
    expect((await client.messages(m.sid).fetch()).status).toBe('undelivered');
    expect((await api('POST', `/__inspect/twilio/messages/SM${'0'.repeat(32)}/advance`)).status).toBe(404);
  });

  it('realistic timing advances by the clock; a failing receiver is retried and every attempt recorded', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 't');
    failFirst = new Set(['/flaky']);
    const m = await client.messages.create({ to: '+15556660004', from: '+15005550006', body: 'realistic', statusCallback: `${receiver.base}/flaky` });
    const done = await api('GET', `/__inspect/twilio/messages?tenant=${sid}&status=delivered&wait=5000`);
    expect(done.body.items.map((x: any) => x.sid)).toEqual([m.sid]);
    await receiver.until(() => statusesFor(m.sid).includes('delivered'));
    // in order per message, even with the first attempt failing
    expect(statusesFor(m.sid)).toEqual(['sending', 'sending', 'sent', 'delivered']);
    const hooks = (await api('GET', `/__inspect/webhooks?tenant=${sid}`)).body.items;
    const first = hooks[hooks.length - 1];
    expect(first.attempts.map((a: any) => a.status)).toEqual([503, 200]);
    expect(first.attempts[0].response_body).toBe('try later');
    const retried = await api('POST', `/__inspect/webhooks/${first.id}/retry`);
    expect(retried.status).toBe(202);
    await receiver.until(() => statusesFor(m.sid).length === 5);
    const again = (await api('GET', `/__inspect/webhooks?tenant=${sid}`)).body.items.find((h: any) => h.id === first.id);
    expect(again.attempts.length).toBe(3);
  });

  it('an unreachable callback URL fails after the configured attempts, without blocking the API', async () => {
    const sid = newAccountSid();
    await timing(sid, 'immediate');
    const { client } = twilioClient(sim.url, sid, 't');
    const m = await client.messages.create({ to: '+15556660005', from: '+15005550006', body: 'nobody listens', statusCallback: 'http://127.0.0.1:9/nowhere' });
    const failed = await api('GET', `/__inspect/webhooks?tenant=${sid}&status=failed&wait=10000`);
    expect(failed.body.items.length).toBeGreaterThanOrEqual(1);
    expect(failed.body.items[0].attempts).toHaveLength(5);
    expect(failed.body.items[0].attempts[0].error).toBeTruthy();
    expect((await client.messages(m.sid).fetch()).status).not.toBe('queued');
  });

  it('scheduled messages wait for SendAt; canceled ones never send', async () => {
    const sid = newAccountSid();
    await timing(sid, 'immediate');
    const { client } = twilioClient(sim.url, sid, 't');
    const mg = await messagingService(client, '+14155550606');
    const m = await client.messages.create({ to: '+15556660006', messagingServiceSid: mg, body: 'later', scheduleType: 'fixed', sendAt: new Date(Date.now() + 3_600_000), statusCallback: `${receiver.base}/sched` });
    await new Promise((r) => setTimeout(r, 100));
    expect((await client.messages(m.sid).fetch()).status).toBe('scheduled');
    await client.messages(m.sid).update({ status: 'canceled' });
    await new Promise((r) => setTimeout(r, 100));
    expect((await client.messages(m.sid).fetch()).status).toBe('canceled');
    expect(statusesFor(m.sid)).toEqual([]);
    const a = await client.messages.create({ to: '+15556660006', messagingServiceSid: mg, body: 'accepted', statusCallback: `${receiver.base}/sched` });
    await receiver.until(() => statusesFor(a.sid).includes('delivered'));
    expect(statusesFor(a.sid)).toEqual(['queued', 'sending', 'sent', 'delivered']);
  });
});
