import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';

let sim: RunningServer;
beforeAll(async () => {
  sim = await startSim({ maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await sim?.close();
});

const basic = (u: string, p: string) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');

async function post(path: string, body: string | Buffer, headers: Record<string, string>) {
  const res = await request(sim.url + path, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

async function journal(q: string): Promise<any[]> {
  return (await (await fetch(`${sim.url}/__inspect/requests?${q}`)).json()).items;
}

describe('bad input gets Twilio errors, never a 500', () => {
  const sid = newAccountSid();
  const auth = { authorization: basic(sid, 'tok') };
  const path = `/2010-04-01/Accounts/${sid}/Messages.json`;

  it('garbage, binary and JSON bodies', async () => {
    for (const body of ['%%%===&&&', '\u0000\u0001\u0002', Buffer.from([0xff, 0xfe, 0x00, 0x80]), '{"To":"+15551234567"}', '']) {
      const r = await post(path, body, auth);
      expect(r.status).toBe(400);
      expect(r.json()).toMatchObject({ code: 21604, status: 400, more_info: 'https://www.twilio.com/docs/errors/21604' });
    }
  });

  it('bad percent-encoding is kept literally; + and %20 are spaces', async () => {
    const r = await post(path, 'To=%2B15551234567&From=%2B15005550006&Body=100%+sure%20and%ZZ%E2%9C', auth);
    expect(r.status).toBe(201);
    expect(r.json().body).toBe('100% sure and%ZZ\ufffd');
    const dup = await post(path, 'To=%2B15551234567&From=%2B15005550006&Body=a&Body=b&Unknown=1&SmartEncoded=True', auth);
    expect(dup.status).toBe(201);
    expect(dup.json().body).toBe('a');
  });

  it('a body over the limit is refused with 413 and nothing is stored', async () => {
    const big = 'To=%2B15551234567&From=%2B15005550006&Body=' + 'x'.repeat(70 * 1024);
    const r = await post(path, big, auth);
    expect(r.status).toBe(413);
    expect(r.json()).toMatchObject({ status: 413 });
    expect(typeof r.json().code).toBe('number');
    const chunked = await request(sim.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth },
      body: Readable.from(
        (function* () {
          for (let i = 0; i < 100; i++) yield Buffer.alloc(1024, 'y');
        })(),
      ),
    });
    expect(chunked.statusCode).toBe(413);
    await chunked.body.text();
    const stored = await (await fetch(`${sim.url}/__inspect/twilio/messages?tenant=${sid}`)).json();
    expect(stored.items.every((m: any) => m.body.length < 1000)).toBe(true);
  });

  it('unknown SIDs, unknown paths and wrong methods', async () => {
    const { client } = twilioClient(sim.url, sid, 'tok');
    await expect(client.messages('SM' + '0'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    const unknown = await request(`${sim.url}/2010-04-01/Accounts/${sid}/Queues.json`, { headers: auth });
    expect(unknown.statusCode).toBe(404);
    expect(await unknown.body.json()).toMatchObject({ code: 20404, status: 404 });
    const verify = await request(`${sim.url}/verify/v2/Attempts`, { headers: auth });
    expect(verify.statusCode).toBe(404);
    await verify.body.dump();
    const put = await request(`${sim.url}${path}`, { method: 'PUT', headers: auth });
    expect(put.statusCode).toBe(405);
    expect(await put.body.json()).toMatchObject({ status: 405 });
    const unmatched = await journal(`unmatched=true&tenant=${sid}`);
    expect(unmatched.map((r) => r.path)).toEqual(expect.arrayContaining([`/2010-04-01/Accounts/${sid}/Queues.json`, '/verify/v2/Attempts']));
  });

  it('a malformed AccountSid in the path is not the caller\'s account', async () => {
    for (const p of ['/2010-04-01/Accounts/not-an-account/Messages.json', '/2010-04-01/Accounts/foo.json']) {
      const r = await request(sim.url + p, { headers: auth });
      expect(r.statusCode).toBe(404);
      expect(await r.body.json()).toMatchObject({ code: 20404, status: 404 });
    }
    const created = await post('/2010-04-01/Accounts/foo/Messages.json', 'To=%2B15551234567&From=%2B15005550006&Body=x', auth);
    expect(created.status).toBe(404);
  });

  it('missing or malformed credentials get 20003 with WWW-Authenticate', async () => {
    for (const h of [{}, { authorization: 'Basic !!!' }, { authorization: basic('not-a-sid', 'x') }, { authorization: 'Digest abc' }]) {
      const r = await request(sim.url + path, { headers: h });
      const body = (await r.body.json()) as any;
      if ((h as any).authorization?.startsWith('Digest')) {
        // not a Twilio scheme: the request is routed by path, still to Twilio
        expect(r.statusCode).toBe(401);
      }
      expect(r.statusCode).toBe(401);
      expect(body).toMatchObject({ code: 20003, status: 401 });
      expect(r.headers['www-authenticate']).toBe('Basic realm="Twilio API"');
    }
  });
});

describe('one port, routed by credentials and path', () => {
  it('Bearer goes to SendGrid, AWS signatures to S3, each in its own error format', async () => {
    const sg = await request(`${sim.url}/v3/no-such-endpoint`, { method: 'POST', headers: { authorization: 'Bearer SG.abc.def' }, body: '{}' });
    expect(sg.statusCode).toBe(404);
    expect(await sg.body.json()).toEqual({ errors: [{ message: 'resource not found', field: null, help: null }] });
    const s3 = await request(`${sim.url}/my-bucket/key.txt?retention`, {
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc' },
    });
    expect(s3.statusCode).toBe(501);
    expect(s3.headers['content-type']).toBe('application/xml');
    expect(await s3.body.text()).toMatch(/<Error><Code>NotImplemented<\/Code>/);
    const presigned = await request(`${sim.url}/v3/looks-like-sendgrid?retention&X-Amz-Signature=abc&X-Amz-Credential=AKID2%2F20261125`);
    expect(presigned.statusCode).toBe(501);
    await presigned.body.dump();
    const anon = await request(`${sim.url}/some-bucket?analytics`);
    expect(anon.statusCode).toBe(501);
    await anon.body.dump();
    const rows = await journal('unmatched=true');
    const byPath = Object.fromEntries(rows.map((r) => [r.path, r]));
    expect(byPath['/v3/no-such-endpoint'].provider).toBe('sendgrid');
    expect(byPath['/v3/no-such-endpoint'].tenant).toMatch(/^sg_[0-9a-f]{16}$/);
    expect(JSON.stringify(rows)).not.toContain('SG.abc.def');
    expect(byPath['/my-bucket/key.txt']).toMatchObject({ provider: 's3', tenant: 'AKIDEXAMPLE' });
    expect(byPath['/v3/looks-like-sendgrid']).toMatchObject({ provider: 's3', tenant: 'AKID2' });
    expect(byPath['/some-bucket'].provider).toBe('s3');
  });

  it('/__health and the inspect OpenAPI document', async () => {
    const h = await fetch(`${sim.url}/__health`);
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'ok' });
    const doc = await (await fetch(`${sim.url}/__inspect/openapi.json`)).json();
    expect(doc.openapi).toMatch(/^3\.1/);
    const nf = await fetch(`${sim.url}/__inspect/nope/nothing`);
    expect(nf.status).toBe(404);
  });
});

describe('/__inspect', () => {
  it('long-polls with since and wait until the awaited message arrives', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 'tok');
    await client.messages.create({ to: '+15553330000', from: '+15005550006', body: 'old OTP 000000' });
    const mark = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const waiting = fetch(`${sim.url}/__inspect/twilio/messages?tenant=${sid}&to=%2B15553330000&since=${encodeURIComponent(mark)}&wait=5000`).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 50));
    const otp = await client.messages.create({ to: '+15553330000', from: '+15005550006', body: 'Your code is 482913' });
    const got = await waiting;
    expect(got.items.map((m: any) => m.sid)).toEqual([otp.sid]);
    expect(got.items[0].body).toBe('Your code is 482913');

    const byId = await (await fetch(`${sim.url}/__inspect/twilio/messages?tenant=${sid}&since=${otp.sid}&wait=100`)).json();
    expect(byId.items).toEqual([]);
    const all = await (await fetch(`${sim.url}/__inspect/twilio/messages?tenant=${sid}`)).json();
    expect(all.items.map((m: any) => m.body)).toEqual(['Your code is 482913', 'old OTP 000000']);
  });

  it('journal filters by provider/status and pages with since', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 'tok');
    await client.messages.create({ to: '+15553330001', from: '+15005550006', body: 'x' });
    await client.messages.create({ to: '+15005550001', from: '+15005550006', body: 'x' }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    const rows = await journal(`tenant=${sid}&provider=twilio`);
    expect(rows.map((r) => [r.operation, r.status])).toEqual([
      ['CreateMessage', 400],
      ['CreateMessage', 201],
    ]);
    expect(rows[0]).toMatchObject({ method: 'POST', provider: 'twilio', tenant: sid, unmatched: false });
    expect(typeof rows[0].duration_ms).toBe('number');
    const after = await journal(`tenant=${sid}&since=${rows[1].id}`);
    expect(after.map((r) => r.id)).toEqual([rows[0].id]);
    expect((await journal(`tenant=${sid}&status=400`)).length).toBe(1);
  });

  it('reset wipes one tenant only', async () => {
    const a = newAccountSid();
    const b = newAccountSid();
    await twilioClient(sim.url, a, 'ta').client.messages.create({ to: '+15553330002', from: '+15005550006', body: 'a' });
    await twilioClient(sim.url, b, 'tb').client.messages.create({ to: '+15553330002', from: '+15005550006', body: 'b' });
    const r = await fetch(`${sim.url}/__inspect/reset?tenant=${a}`, { method: 'POST' });
    expect(await r.json()).toMatchObject({ reset: true, tenant: a });
    expect((await (await fetch(`${sim.url}/__inspect/twilio/messages?tenant=${a}`)).json()).items).toEqual([]);
    expect((await (await fetch(`${sim.url}/__inspect/twilio/messages?tenant=${b}`)).json()).items).toHaveLength(1);
    expect(await journal(`tenant=${a}`)).toEqual([]);
    // after a reset the account is met again: a new token is accepted
    const again = await twilioClient(sim.url, a, 'new-token').client.messages.list();
    expect(again).toEqual([]);
  });
});
