import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startReceiver } from '../helpers/receiver.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';
import { newApiKey, sendgrid } from '../helpers/sendgrid.js';
import { newAccessKey, s3Client } from '../helpers/s3.js';
import { ContractValidator, formatFailures, loadDocument, type Exchange } from './openapi.js';

type Json = Record<string, unknown>;
interface Items<T = Json> {
  items: T[];
}

const FROM = '+15550100001';

describe('inspect API against openapi/inspect.yaml', () => {
  const account = newAccountSid();
  const validator = new ContractValidator('inspect.yaml');
  let sim: RunningServer;
  let twilio: ReturnType<typeof twilioClient>;
  const exchanges: Exchange[] = [];
  const notFound: Exchange[] = [];

  async function call<T = Json>(method: string, path: string, json?: unknown): Promise<{ status: number; body: T; ms: number }> {
    const started = performance.now();
    const res = await fetch(sim.url + path, {
      method,
      headers: json === undefined ? {} : { 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    expect(res.headers.get('content-type')).toMatch(/^application\/json\b/);
    const body = (text === '' ? '' : JSON.parse(text)) as T;
    exchanges.push({ method, url: sim.url + path, status: res.status, body });
    return { status: res.status, body, ms };
  }
  const get = <T = Json>(path: string) => call<T>('GET', path);

  /** A non-JSON inspect response (an email part, an attachment), recorded as its text. */
  async function getRaw(path: string): Promise<{ status: number; type: string | null; text: string }> {
    const res = await fetch(sim.url + path);
    const text = await res.text();
    const type = res.headers.get('content-type');
    exchanges.push({ method: 'GET', url: sim.url + path, status: res.status, body: /^application\/json\b/.test(type ?? '') ? JSON.parse(text) : text });
    return { status: res.status, type, text };
  }

  /** Journal rows are committed just after the response; poll until the condition holds. */
  async function journal(query: string, until: (items: Json[]) => boolean): Promise<Json[]> {
    for (let i = 0; i < 50; i++) {
      const r = await get<Items>(`/__inspect/requests?${query}`);
      expect(r.status).toBe(200);
      if (until(r.body.items)) return r.body.items;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`journal never satisfied the condition for ?${query}`);
  }

  let mms = '';
  let sms = '';

  beforeAll(async () => {
    // Manual timing: messages keep the status they were created with.
    sim = await startSim({ timing: 'manual', webhookBackoffMs: 10 });
    twilio = twilioClient(sim.url, account, 'inspect-token');
    mms = (
      await twilio.client.messages.create({
        to: '+15550100199',
        from: FROM,
        body: 'picture',
        mediaUrl: ['https://media.example.test/a.jpg', 'https://media.example.test/b.gif'],
      })
    ).sid;
    sms = (await twilio.client.messages.create({ to: '+15550100299', from: FROM, body: 'text only' })).sid;
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('GET /__health and GET /__inspect', async () => {
    expect((await get('/__health')).body).toEqual({ status: 'ok' });
    const index = await get<{ endpoints: string[] }>('/__inspect');
    expect(index.status).toBe(200);
    const documented = Object.keys(validator.doc.paths as Json);
    for (const e of index.body.endpoints) expect(documented).toContain(e.split(' ')[1]);
  });

  it("README's /__inspect reference names every documented operation", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const doc = YAML.parse(readFileSync(new URL('../../openapi/inspect.yaml', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of ['get', 'put', 'post', 'delete']) {
        if (!item[method]) continue;
        const m = method.toUpperCase();
        // `GET /p`, or combined as `GET/PUT/DELETE /p`
        const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const rx = new RegExp(`\\b(?:(?:GET|PUT|POST|DELETE)/)*${m}(?:/(?:GET|PUT|POST|DELETE))* ${escaped}(?![\\w/{])`);
        if (!rx.test(readme)) missing.push(`${m} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('serves the web inbox files', async () => {
    for (const [asset, type] of [
      ['index.html', /^text\/html/],
      ['app.js', /^text\/javascript/],
      ['app.css', /^text\/css/],
    ] as const) {
      const r = await getRaw(`/__inspect/ui/${asset}`);
      expect(r.status).toBe(200);
      expect(r.type).toMatch(type);
      expect(r.text.length).toBeGreaterThan(100);
    }
    expect((await getRaw('/__inspect/ui/secrets.txt')).status).toBe(404);
  });

  it('serves openapi/inspect.yaml as JSON at /__inspect/openapi.json', async () => {
    const r = await get('/__inspect/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(loadDocument('inspect.yaml'));
  });

  it('GET /__inspect/tenants', async () => {
    const r = await get<Items>('/__inspect/tenants');
    expect(r.body.items).toContainEqual(expect.objectContaining({ provider: 'twilio', tenant: account }));
  });

  it('GET /__inspect/twilio/messages with its filters', async () => {
    const all = await get<Items>('/__inspect/twilio/messages');
    expect(all.body.items.map((m) => m.sid)).toEqual([sms, mms]);
    const [s, m] = all.body.items;
    expect(m.media_urls).toEqual(['https://media.example.test/a.jpg', 'https://media.example.test/b.gif']);
    expect(s.media_urls).toEqual([]);
    // The same fields, with the same values, as the Twilio API returns for the message.
    const viaApi = await twilio.client.messages(mms).fetch();
    const { media_urls: _urls, ...fields } = m;
    expect(fields).toEqual((twilio.httpClient.recorded.at(-1) as Exchange).body);
    expect(viaApi.sid).toBe(mms);

    const q = (query: string) => get<Items>(`/__inspect/twilio/messages?${query}`).then((r) => r.body.items.map((x) => x.sid));
    expect(await q('to=%2B1%20555%20010%200199')).toEqual([mms]);
    expect(await q(`from=${encodeURIComponent(FROM)}&limit=1`)).toEqual([sms]);
    expect(await q('status=queued')).toEqual([sms, mms]);
    expect(await q('status=delivered')).toEqual([]);
    expect(await q(`tenant=${account}`)).toEqual([sms, mms]);
    expect(await q(`tenant=${newAccountSid()}`)).toEqual([]);
    expect(await q(`since=${mms}`)).toEqual([sms]);
    expect(await q(`since=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`)).toEqual([sms, mms]);
    expect(await q(`since=${sms}&wait=30`)).toEqual([]);
  });

  it('GET /__inspect/twilio/verifications with its filters', async () => {
    const t = newAccountSid();
    const verify = twilioClient(sim.url, t, 'verify-token').client.verify.v2;
    const svc = verify.services((await verify.services.create({ friendlyName: 'Inspect' })).sid);
    const a = await svc.verifications.create({ to: '+14155550401', channel: 'sms' });
    const b = await svc.verifications.create({ to: 'agent@example.com', channel: 'email' });
    await svc.verifications(b.sid).update({ status: 'canceled' });
    const q = (query: string) => get<Items>(`/__inspect/twilio/verifications?tenant=${t}&${query}`).then((r) => r.body.items);
    const all = await q('');
    expect(all.map((x) => x.sid)).toEqual([b.sid, a.sid]);
    expect(all[1]).toMatchObject({ to: '+14155550401', channel: 'sms', status: 'pending', check_attempts: 0 });
    expect((all[1].message_sids as string[])).toHaveLength(1);
    expect((await q('to=%2B1%20415%20555%200401')).map((x) => x.sid)).toEqual([a.sid]);
    expect((await q('status=canceled')).map((x) => x.sid)).toEqual([b.sid]);
    expect((await q(`since=${a.sid}`)).map((x) => x.sid)).toEqual([b.sid]);
    expect(await q(`since=${b.sid}&wait=30`)).toEqual([]);
    expect((await get('/__inspect/twilio/verifications?since=2020-99-99')).status).toBe(400);
  });

  it('GET /__inspect/requests with its filters', async () => {
    const rows = await journal(`tenant=${account}&provider=twilio`, (items) => items.filter((x) => x.operation === 'CreateMessage').length === 2);
    const ids = rows.map((x) => x.id as number);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const create = rows.find((x) => x.operation === 'CreateMessage')!;
    expect(create).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${account}/Messages.json`,
      provider: 'twilio',
      tenant: account,
      status: 201,
      unmatched: false,
    });

    const unmatched = await twilio.client.request({ method: 'get', uri: `https://api.twilio.com/2010-04-01/Accounts/${account}/Nope.json` });
    expect(unmatched.statusCode).toBe(404);
    const u = await journal('unmatched=true', (items) => items.length === 1);
    expect(u[0]).toMatchObject({ path: `/2010-04-01/Accounts/${account}/Nope.json`, status: 404, unmatched: true, operation: null });
    expect((await get<Items>('/__inspect/requests?status=201&limit=1')).body.items).toHaveLength(1);
    expect((await get<Items>('/__inspect/requests?unmatched=false')).body.items.every((x) => x.unmatched === false)).toBe(true);
    expect((await get<Items>('/__inspect/requests?provider=s3')).body.items).toEqual([]);

    const newest = u[0].id as number;
    expect((await get<Items>(`/__inspect/requests?since=${newest}`)).body.items).toEqual([]);
    const old = await get<Items>(`/__inspect/requests?since=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`);
    expect(old.body.items.length).toBeGreaterThanOrEqual(4);
  });

  it('long-polls /__inspect/requests with wait', async () => {
    const last = (await journal('', (items) => items.length > 0))[0].id as number;
    const empty = await get<Items>(`/__inspect/requests?since=${last}&wait=40`);
    expect(empty.body.items).toEqual([]);
    expect(empty.ms).toBeGreaterThanOrEqual(30);

    const waiting = get<Items>(`/__inspect/requests?since=${last}&wait=5000`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await twilio.client.messages(sms).fetch();
    const r = await waiting;
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({ operation: 'FetchMessage', status: 200 });
    expect(r.ms).toBeLessThan(4000);
  });

  it('settings, outcome rules, /advance and webhook deliveries', async () => {
    const receiver = await startReceiver((r) => ({ status: r.path === '/fail' ? 500 : 200 }));
    try {
      const t = newAccountSid();
      expect((await get(`/__inspect/settings?tenant=${t}`)).body).toMatchObject({ tenant: t, settings: { timing: 'manual' } });
      expect((await call('PUT', `/__inspect/settings?tenant=${t}`, { timing: 'immediate' })).body).toEqual({ tenant: t, settings: { timing: 'immediate' } });
      expect((await call('PUT', `/__inspect/settings?tenant=${t}`, { timing: 'manual' })).body).toEqual({ tenant: t, settings: { timing: 'manual' } });
      expect((await call('PUT', `/__inspect/settings?tenant=${t}`, { timing: 'warp' })).status).toBe(400);
      expect((await get('/__inspect/settings')).body).toEqual({ tenant: null, settings: { timing: 'manual' } });

      const rules = await call('PUT', `/__inspect/twilio/outcomes?tenant=${t}`, { rules: [{ number: '+15550100777', status: 'undelivered', error_code: 30006 }] });
      expect(rules.status).toBe(200);
      expect((await get(`/__inspect/twilio/outcomes?tenant=${t}`)).body).toEqual(rules.body);
      expect((await call('PUT', `/__inspect/twilio/outcomes?tenant=${t}`, { rules: [{ number: '', status: 'delivered' }] })).status).toBe(400);

      const client = twilioClient(sim.url, t, 'tok').client;
      const m = await client.messages.create({ to: '+15550100777', from: FROM, body: 'steps', statusCallback: `${receiver.base}/ok` });
      expect((await call('POST', `/__inspect/twilio/messages/${m.sid}/advance`)).body).toMatchObject({ sid: m.sid, status: 'sending' });
      expect((await call('POST', `/__inspect/twilio/messages/${m.sid}/advance`, { status: 'bogus' })).status).toBe(400);
      const end = await call('POST', `/__inspect/twilio/messages/${m.sid}/advance`, { status: 'undelivered' });
      expect(end.body).toMatchObject({ status: 'undelivered', error_code: 30006 });
      expect((await call('POST', `/__inspect/twilio/messages/SM${'f'.repeat(32)}/advance`)).status).toBe(404);

      const f = await client.messages.create({ to: '+15550100778', from: FROM, body: 'fails', statusCallback: `${receiver.base}/fail` });
      await call('POST', `/__inspect/twilio/messages/${f.sid}/advance`);
      const hooks = await get<Items>(`/__inspect/webhooks?tenant=${t}&status=delivered&wait=5000`);
      expect(hooks.body.items.length).toBeGreaterThanOrEqual(1);
      const failed = await get<Items<{ id: number }>>(`/__inspect/webhooks?tenant=${t}&resource=${f.sid}&status=failed&wait=10000`);
      expect(failed.body.items).toHaveLength(1);
      expect((await call('POST', `/__inspect/webhooks/${failed.body.items[0].id}/retry`)).status).toBe(202);
      expect((await call('POST', '/__inspect/webhooks/999999999/retry')).status).toBe(404);
      expect((await get('/__inspect/webhooks?since=nope')).status).toBe(400);
      expect((await call('DELETE', `/__inspect/twilio/outcomes?tenant=${t}`)).body).toEqual({ rules: [] });
    } finally {
      await receiver.close();
    }
  });

  it('numbers and simulated inbound SMS', async () => {
    const t = newAccountSid();
    const client = twilioClient(sim.url, t, 'tok').client;
    const n = await client.incomingPhoneNumbers.create({ phoneNumber: '+14155550999' });
    expect((await get<Items>(`/__inspect/twilio/numbers?tenant=${t}`)).body.items.map((x) => x.sid)).toEqual([n.sid]);
    expect((await get('/__inspect/twilio/numbers?since=2020-13-45')).status).toBe(400);
    const inbound = await call('POST', `/__inspect/twilio/inbound?tenant=${t}`, { from: '+16505550100', to: '+14155550999', body: 'hi' });
    expect(inbound.status).toBe(201);
    expect(inbound.body).toMatchObject({ direction: 'inbound', status: 'received' });
    expect((await call('POST', '/__inspect/twilio/inbound', { from: '+16505550100' })).status).toBe(400);
    expect((await call('POST', '/__inspect/twilio/inbound', { from: '+16505550100', to: '+19995550100' })).status).toBe(404);
  });

  it('events as JSON', async () => {
    const list = await get<Items>(`/__inspect/events?tenant=${account}&type=twilio.message.*`);
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    expect((await get('/__inspect/events?since=never')).status).toBe(400);
  });

  it('answers errors as {error:{code,message}}', async () => {
    expect(await get('/__inspect/requests?since=yesterday')).toMatchObject({ status: 400, body: { error: { code: 'bad_since' } } });
    expect(await get('/__inspect/twilio/messages?since=2020-99-99')).toMatchObject({ status: 400, body: { error: { code: 'bad_since' } } });
    expect(await get('/__inspect/requests?status=abc')).toMatchObject({ status: 400, body: { error: { code: 'bad_status' } } });
    expect(await call('POST', '/__inspect/reset?provider=fax')).toMatchObject({ status: 400, body: { error: { code: 'bad_provider' } } });

    for (const path of ['/__inspect/nothing/here', '/__nothing']) {
      const r = await get(path);
      expect(r.status).toBe(404);
      expect(validator.matchPath(sim.url + path)).toBeUndefined();
      notFound.push(exchanges.pop()!);
    }
  });

  it('GET /__inspect/sendgrid/messages and the parts of a message', async () => {
    const { mail } = sendgrid(sim.url, newApiKey());
    const [res] = await mail.send({
      to: 'inspect@example.com',
      cc: { email: 'cc@example.com', name: 'Cc' },
      from: { email: 'sender@example.com', name: 'Sender' },
      subject: 'Inspect me',
      text: 'plain',
      html: '<p>html</p>',
      categories: ['inspect'],
      attachments: [{ content: Buffer.from('hello').toString('base64'), filename: 'hello.txt', type: 'text/plain' }],
    });
    const xid = res.headers['x-message-id'] as string;
    const all = await get<Items>('/__inspect/sendgrid/messages');
    expect(all.body.items.map((m) => [m.recipient, m.x_message_id])).toEqual([
      ['cc@example.com', xid],
      ['inspect@example.com', xid],
    ]);
    const q = (query: string) => get<Items>(`/__inspect/sendgrid/messages?${query}`).then((r) => r.body.items.map((x) => x.recipient));
    expect(await q('to=INSPECT@example.com')).toEqual(['inspect@example.com']);
    expect(await q('from=sender@example.com&category=inspect&subject=Inspect&limit=1')).toEqual(['cc@example.com']);
    expect(await q(`tenant=${all.body.items[0].tenant as string}&since=${all.body.items[1].msg_id as string}`)).toEqual(['cc@example.com']);
    expect(await q('since=nothing-like-this&wait=20')).toEqual([]);
    expect((await get('/__inspect/sendgrid/messages?since=2020-13-45')).status).toBe(400);
    // The inbox's search box and detail view.
    expect(await q('q=INSPECT@')).toEqual(['inspect@example.com']);
    expect(await q('q=me&category=inspect')).toEqual(['cc@example.com', 'inspect@example.com']);
    expect(await q(`msg_id=${encodeURIComponent(all.body.items[1].msg_id as string)}`)).toEqual(['inspect@example.com']);

    const m = all.body.items[1] as { msg_id: string; attachments: { url: string }[] };
    const part = (p: string) => `/__inspect/sendgrid/messages/${encodeURIComponent(m.msg_id)}/${p}`;
    expect(await getRaw(part('html'))).toMatchObject({ status: 200, type: expect.stringMatching(/^text\/html/), text: '<p>html</p>' });
    expect(await getRaw(part('text'))).toMatchObject({ status: 200, type: expect.stringMatching(/^text\/plain/), text: 'plain' });
    expect(await getRaw(part('raw'))).toMatchObject({ status: 200, type: expect.stringMatching(/^message\/rfc822/), text: expect.stringContaining('Subject: Inspect me') });
    expect(m.attachments[0].url).toBe(`${sim.config.publicUrl}${part('attachments/0')}`);
    expect(await getRaw(part('attachments/0'))).toMatchObject({ status: 200, type: expect.stringMatching(/^text\/plain/), text: 'hello' });
    const inline = await fetch(sim.url + part('attachments/0') + '?inline=1');
    expect(inline.headers.get('content-disposition')).toMatch(/^inline; filename\*=UTF-8''hello.txt$/);
    expect(inline.headers.get('content-security-policy')).toContain('sandbox');
    expect(await getRaw(part('attachments/0') + '?inline=1')).toMatchObject({ status: 200, text: 'hello' });
    for (const p of ['html', 'text', 'raw', 'attachments/1']) {
      expect((await getRaw(`/__inspect/sendgrid/messages/unknown-id/${p}`)).status).toBe(404);
    }
    expect((await call('POST', '/__inspect/reset?provider=sendgrid')).status).toBe(200);
    expect((await get<Items>('/__inspect/sendgrid/messages')).body.items).toEqual([]);
  });

  it('SendGrid outcome rules, /advance and GET /__inspect/sendgrid/events', async () => {
    const key = newApiKey();
    const { mail } = sendgrid(sim.url, key);
    const tenant = 'sg_' + createHash('sha256').update(key).digest('hex').slice(0, 16);
    expect((await call('PUT', `/__inspect/settings?tenant=${tenant}`, { timing: 'manual' })).status).toBe(200);
    const rules = await call('PUT', `/__inspect/sendgrid/outcomes?tenant=${tenant}`, { rules: [{ email: '*@bounce.example', status: 'bounce' }] });
    expect(rules.body).toEqual({ rules: [{ tenant, email: '*@bounce.example', status: 'bounce', engagement: [], reason: null, fixture: false }] });
    expect((await get(`/__inspect/sendgrid/outcomes?tenant=${tenant}`)).body).toEqual(rules.body);
    expect((await call('PUT', `/__inspect/sendgrid/outcomes?tenant=${tenant}`, { rules: [{ email: 'a@b.example', status: 'exploded' }] })).status).toBe(400);
    await mail.send({ to: 'x@bounce.example', from: 'a@example.com', subject: 's', text: 't', customArgs: { order: '7' }, categories: ['c1', 'c2'] });
    const [m] = (await get<{ items: Json[] }>(`/__inspect/sendgrid/messages?tenant=${tenant}`)).body.items as { msg_id: string }[];
    const id = encodeURIComponent(m.msg_id);
    expect((await call('POST', `/__inspect/sendgrid/messages/${id}/advance`)).body).toMatchObject({ status: 'processed', events: [{ event: 'processed' }] });
    expect((await call('POST', `/__inspect/sendgrid/messages/${id}/advance`, { event: 'bogus' })).status).toBe(400);
    expect((await call('POST', `/__inspect/sendgrid/messages/${id}/advance`)).body).toMatchObject({ status: 'bounce' });
    expect((await call('POST', '/__inspect/sendgrid/messages/unknown/advance')).status).toBe(404);
    const events = await get<{ items: Json[] }>(`/__inspect/sendgrid/events?tenant=${tenant}`);
    expect(events.body.items.map((e) => e.event)).toEqual(['bounce', 'processed']);
    expect(events.body.items[0]).toMatchObject({ order: '7', category: ['c1', 'c2'], type: 'bounce', msg_id: m.msg_id, tenant });
    expect((await get(`/__inspect/sendgrid/events?event=processed&msg_id=${id}&since=${events.body.items[1].sg_event_id as string}`)).body).toEqual({ items: [] });
    expect((await get('/__inspect/sendgrid/events?since=2020-13-45')).status).toBe(400);
    expect((await call('DELETE', `/__inspect/sendgrid/outcomes?tenant=${tenant}`)).body).toEqual({ rules: [] });
    expect((await call('PUT', `/__inspect/settings?tenant=${tenant}`, { timing: null })).status).toBe(200);
    expect((await call('POST', '/__inspect/reset?provider=sendgrid')).status).toBe(200);
  });

  it('GET /__inspect/s3/objects, /__inspect/s3/buckets and an object download', async () => {
    const key = newAccessKey();
    const s3 = s3Client(sim, key);
    await s3.send(new CreateBucketCommand({ Bucket: 'inspect-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'inspect-bucket', Key: 'docs/a b.txt', Body: 'hello s3', ContentType: 'text/plain', Metadata: { k: 'v' } }));
    s3.destroy();
    const objects = await get<Items>(`/__inspect/s3/objects?tenant=${key}&bucket=inspect-bucket&prefix=docs/`);
    expect(objects.body.items).toHaveLength(1);
    const o = objects.body.items[0] as { id: string; download_url: string };
    expect(o).toMatchObject({ key: 'docs/a b.txt', size: 8, content_type: 'text/plain', metadata: { k: 'v' } });
    expect(o.download_url).toBe(`${sim.config.publicUrl}/__inspect/s3/objects/${o.id}/download`);
    expect((await get<Items>(`/__inspect/s3/objects?since=${o.id}&wait=20`)).body.items).toEqual([]);
    expect((await get('/__inspect/s3/objects?since=2020-13-45')).status).toBe(400);
    expect(await getRaw(`/__inspect/s3/objects/${o.id}/download`)).toMatchObject({ status: 200, type: expect.stringMatching(/^text\/plain/), text: 'hello s3' });
    expect((await getRaw('/__inspect/s3/objects/999999/download')).status).toBe(404);
    const buckets = await get<Items>(`/__inspect/s3/buckets?tenant=${key}`);
    expect(buckets.body.items).toEqual([expect.objectContaining({ name: 'inspect-bucket', objects: 1, bytes: 8, region: 'us-east-1' })]);
    expect((await get('/__inspect/s3/buckets?since=2020-13-45')).status).toBe(400);
    expect((await call('POST', '/__inspect/reset?provider=s3')).status).toBe(200);
    expect((await get<Items>('/__inspect/s3/buckets')).body.items).toEqual([]);
  });

  it('POST /__inspect/reset by tenant, then by provider', async () => {
    const other = newAccountSid();
    const second = twilioClient(sim.url, other, 'other-token');
    await second.client.messages.create({ to: '+15550100399', from: FROM, body: 'other tenant' });
    await journal(`tenant=${other}`, (items) => items.length === 1);

    const r = await call('POST', `/__inspect/reset?tenant=${account}`);
    expect(r).toMatchObject({ status: 200, body: { reset: true, tenant: account, provider: null } });
    expect((await get<Items>(`/__inspect/twilio/messages?tenant=${account}`)).body.items).toEqual([]);
    expect((await get<Items>(`/__inspect/requests?tenant=${account}`)).body.items).toEqual([]);
    expect((await get<Items>(`/__inspect/twilio/messages?tenant=${other}`)).body.items).toHaveLength(1);
    const tenants = (await get<Items>('/__inspect/tenants')).body.items.map((t) => t.tenant);
    expect(tenants).toContain(other);
    expect(tenants).not.toContain(account);

    expect(await call('POST', '/__inspect/reset?provider=twilio')).toMatchObject({ status: 200, body: { reset: true, tenant: null, provider: 'twilio' } });
    expect((await get<Items>('/__inspect/twilio/messages')).body.items).toEqual([]);
    expect((await get<Items>('/__inspect/tenants')).body.items).toEqual([]);
  });

  it('Twilio calls: simulated inbound call, /advance, /gather and GET /__inspect/twilio/calls', async () => {
    const t = newAccountSid();
    const { client } = twilioClient(sim.url, t, 'calls-token');
    const receiver = await startReceiver(() => ({
      status: 200,
      type: 'text/xml',
      body: '<Response><Gather numDigits="1"><Say>Press 1 to talk to an agent.</Say></Gather><Say>Goodbye.</Say></Response>',
    }));
    try {
      await client.incomingPhoneNumbers.create({ phoneNumber: '+14155550888', voiceUrl: `${receiver.base}/voice` });
      const inbound = await call<Json>('POST', `/__inspect/twilio/calls/inbound?tenant=${t}`, { from: '+16505550188', to: '+14155550888' });
      expect(inbound.status).toBe(201);
      expect(inbound.body).toMatchObject({ direction: 'inbound', status: 'ringing', account_sid: t });
      const sid = inbound.body.sid as string;
      expect((await call('POST', '/__inspect/twilio/calls/inbound', { from: '+16505550188' })).status).toBe(400);
      expect((await call('POST', '/__inspect/twilio/calls/inbound', { from: '+16505550188', to: '+19995550188' })).status).toBe(404);
      expect((await call('POST', `/__inspect/twilio/calls/${sid}/gather`, { digits: '1' })).status).toBe(409);
      expect((await call('POST', `/__inspect/twilio/calls/${sid}/advance`, { status: 'bogus' })).status).toBe(400);
      expect((await call('POST', `/__inspect/twilio/calls/CA${'f'.repeat(32)}/advance`)).status).toBe(404);
      expect((await call('POST', `/__inspect/twilio/calls/${sid}/advance`)).body).toMatchObject({ status: 'in-progress', waiting_for: 'fetch' });
      for (let i = 0; ; i++) {
        const [c] = (await get<Items>(`/__inspect/twilio/calls?tenant=${t}&status=in-progress`)).body.items;
        if (c?.waiting_for === 'gather') break;
        if (i > 200) throw new Error('the call never reached its <Gather>');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect((await call('POST', `/__inspect/twilio/calls/${sid}/gather`, {})).status).toBe(400);
      expect((await call('POST', `/__inspect/twilio/calls/CA${'f'.repeat(32)}/gather`, { digits: '1' })).status).toBe(404);
      expect((await call('POST', `/__inspect/twilio/calls/${sid}/gather`, { digits: '1' })).status).toBe(200);
      const ended = await call<Json>('POST', `/__inspect/twilio/calls/${sid}/advance`, { status: 'completed' });
      expect(ended.body).toMatchObject({ status: 'completed', waiting_for: null });
      const listed = await get<Items>(`/__inspect/twilio/calls?tenant=${t}&to=${encodeURIComponent('+14155550888')}&status=completed`);
      expect(listed.body.items.map((c) => c.sid)).toEqual([sid]);
      expect((listed.body.items[0].twiml as Json[]).length).toBeGreaterThanOrEqual(1);
      expect((await get('/__inspect/twilio/calls?since=2020-13-45')).status).toBe(400);
    } finally {
      await receiver.close();
    }
  });

  it('fault rules: PUT/GET/POST/DELETE /__inspect/faults and faulted requests in the journal', async () => {
    const t = newAccountSid();
    const put = await call<{ rules: Json[] }>('PUT', '/__inspect/faults', {
      rules: [
        { id: 'throttle', provider: 'twilio', operation: 'CreateMessage', tenant: t, match: { to: '+1555010088*' }, count: 1, action: { type: 'error', status: 429, code: 20429, message: 'Too Many Requests' } },
        { provider: 'twilio', operation: 'FetchAccount', tenant: t, probability: 0.5, seed: 42, action: { type: 'latency', ms: 1 } },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body.rules.map((r) => r.id)).toEqual(['throttle', 'f1']);
    expect((await call('PUT', '/__inspect/faults', { rules: [{ provider: 'fax', action: { type: 'error' } }] })).body).toMatchObject({ error: { code: 'bad_rule' } });
    const added = await call('POST', '/__inspect/faults', { id: 'drop', provider: 'twilio', operation: 'CreateMessage', tenant: t, count: 1, action: { type: 'reset' } });
    expect(added).toMatchObject({ status: 201, body: { id: 'drop', remaining: 1 } });
    expect((await call('POST', '/__inspect/faults', { provider: 'twilio', action: { type: 'latency' } })).status).toBe(400);

    const { client } = twilioClient(sim.url, t, 'fault-token');
    await expect(client.messages.create({ to: '+15550100881', from: FROM, body: 'throttled' })).rejects.toMatchObject({ status: 429, code: 20429 });
    await expect(client.messages.create({ to: '+15550100882', from: FROM, body: 'dropped' })).rejects.toThrow();
    const rows = await journal(`tenant=${t}&fault=true`, (items) => items.length === 2);
    expect(rows.map((r) => [r.status, r.fault])).toEqual([
      [0, { rule: 'drop', action: 'reset' }],
      [429, { rule: 'throttle', action: 'error' }],
    ]);

    expect((await get<{ rules: Json[] }>(`/__inspect/faults?tenant=${t}&provider=twilio`)).body.rules).toHaveLength(3);
    expect((await get('/__inspect/faults/throttle')).body).toMatchObject({ matched: 1, hits: 1, remaining: 0 });
    expect((await get('/__inspect/faults/nope')).status).toBe(404);
    expect((await call<{ rules: Json[] }>('DELETE', '/__inspect/faults/f1')).body.rules.map((r) => r.id)).toEqual(['throttle', 'drop']);
    expect((await call('DELETE', '/__inspect/faults/f1')).status).toBe(404);
    expect(await call('DELETE', `/__inspect/faults?tenant=${t}`)).toMatchObject({ status: 200, body: { rules: [] } });
  });

  it('per-tenant clock and DELETE by search', async () => {
    const t = newAccountSid();
    const { client } = twilioClient(sim.url, t, 'clock-token');
    const m = await client.messages.create({ to: '+15550100777', from: FROM, body: 'to delete' });
    expect((await call('GET', `/__inspect/clock?tenant=${t}`)).body).toMatchObject({ tenant: t, offset_ms: 0 });
    expect((await call('GET', '/__inspect/clock')).status).toBe(400);
    expect((await call('POST', `/__inspect/clock/advance?tenant=${t}`, { seconds: 60 })).body).toMatchObject({ tenant: t, offset_ms: 60000 });
    expect((await call('POST', `/__inspect/clock/advance?tenant=${t}`, { ms: 'soon' })).status).toBe(400);
    await journal(`tenant=${t}`, (items) => items.length === 1);

    expect((await call('DELETE', `/__inspect/requests?tenant=${t}`)).body).toEqual({ deleted: 1 });
    expect((await call('DELETE', '/__inspect/requests?since=yesterday')).status).toBe(400);
    expect((await call('DELETE', `/__inspect/twilio/messages?tenant=${t}&to=%2B15550100777`)).body).toEqual({ deleted: 1 });
    expect((await get<Items>(`/__inspect/twilio/messages?tenant=${t}`)).body.items.map((i) => i.sid)).not.toContain(m.sid);
    expect((await call('DELETE', `/__inspect/twilio/calls?tenant=${t}`)).body).toEqual({ deleted: 0 });
    expect((await call('DELETE', `/__inspect/sendgrid/messages?tenant=sg_0000000000000000`)).body).toEqual({ deleted: 0 });
    expect((await call('DELETE', '/__inspect/s3/objects')).status).toBe(405);
  });

  it('with INSPECT_TOKEN: 401 without the token, the login form, and the login POST', async () => {
    const guarded = await startSim({ inspectToken: 'contract-token' });
    try {
      const record = async (method: string, path: string, init: RequestInit = {}) => {
        const res = await fetch(guarded.url + path, { method, redirect: 'manual', ...init });
        const text = await res.text();
        const type = res.headers.get('content-type') ?? '';
        exchanges.push({ method, url: guarded.url + path, status: res.status, body: /^application\/json\b/.test(type) ? JSON.parse(text) : text });
        return { res, text };
      };
      const denied = await record('GET', '/__inspect/requests');
      expect(denied.res.status).toBe(401);
      expect(denied.res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const form = await record('GET', '/__inspect/login');
      expect(form.res.status).toBe(200);
      expect(form.text).toContain('<form');
      expect((await record('POST', '/__inspect/login', { headers: { 'content-type': 'application/json' }, body: '{"token":"wrong"}' })).res.status).toBe(401);
      const ok = await record('POST', '/__inspect/login', { headers: { 'content-type': 'application/json' }, body: '{"token":"contract-token"}' });
      expect(ok.res.status).toBe(303);
      const cookie = ok.res.headers.get('set-cookie')!.split(';')[0];
      const listed = await record('GET', '/__inspect/requests', { headers: { cookie } });
      expect(listed.res.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('every response matches openapi/inspect.yaml', () => {
    const verdicts = exchanges.map((x) => validator.check(x));
    for (const x of notFound) {
      verdicts.push({ exchange: x, where: `${x.method} ${x.url} (components/responses/NotFound)`, errors: validator.validateAt('/components/responses/NotFound', x.body) });
    }
    const failures = formatFailures(verdicts);
    if (failures) console.error(`responses not matching openapi/inspect.yaml:\n\n${failures}`);
    expect(failures).toBe('');
    expect(verdicts.length).toBeGreaterThanOrEqual(35);

    const seen = new Set(exchanges.map((x) => `${validator.operationId(x.method, x.url)} ${x.status}`));
    const documented: string[] = [];
    for (const item of Object.values(validator.doc.paths as Record<string, Record<string, { operationId: string; responses: Json }>>)) {
      for (const op of Object.values(item)) for (const status of Object.keys(op.responses)) documented.push(`${op.operationId} ${status}`);
    }
    // A ready server never answers 503; every other documented response was produced.
    expect(documented.filter((d) => !seen.has(d))).toEqual(['getHealth 503']);
  });

  it('describes Twilio messages exactly as openapi/twilio.yaml does', () => {
    const twilioDoc = loadDocument('twilio.yaml');
    const schemas = (d: Json) => (d.components as { schemas: Record<string, Json> }).schemas;
    const message = schemas(twilioDoc).Message as { required: string[]; properties: Json };
    const inspected = schemas(validator.doc).InspectTwilioMessage as { required: string[]; properties: Json };
    const { media_urls: _m, ...properties } = inspected.properties;
    expect(properties).toEqual(message.properties);
    expect(inspected.required.filter((r) => r !== 'media_urls')).toEqual(message.required);
    const refs = new Set(JSON.stringify(message).match(/#\/components\/schemas\/\w+/g));
    expect(refs.size).toBeGreaterThanOrEqual(8);
    for (const ref of refs) {
      const name = ref.split('/').pop()!;
      expect(schemas(validator.doc)[name], name).toEqual(schemas(twilioDoc)[name]);
    }
  });
});
