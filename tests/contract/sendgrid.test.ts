import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { failure, newApiKey, sendgrid, type Recorded } from '../helpers/sendgrid.js';
import { startSim } from '../helpers/server.js';
import { ContractValidator, formatFailures, type Exchange } from './openapi.js';

const MAX_BODY = 16 * 1024;
const RATE_LIMIT = 25;

describe('SendGrid v3 against openapi/sendgrid.yaml', () => {
  const validator = new ContractValidator('sendgrid.yaml');
  let sim: RunningServer;
  let good: ReturnType<typeof sendgrid>;
  const others: ReturnType<typeof sendgrid>[] = [];
  const raw: Recorded[] = [];
  const recorded = (): Exchange[] => [...good.recorded, ...others.flatMap((o) => o.recorded), ...raw];
  const another = (key = newApiKey()) => {
    const s = sendgrid(sim.url, key);
    others.push(s);
    return s;
  };

  /** A request the SDK cannot make (no key, invalid bytes), recorded like the others. */
  async function rawRequest(method: string, path: string, init: RequestInit): Promise<Recorded> {
    const res = await fetch(sim.url + path, { method, ...init });
    const text = await res.text();
    const r: Recorded = { method, url: sim.url + path, status: res.status, body: text ? JSON.parse(text) : '', headers: Object.fromEntries(res.headers) };
    raw.push(r);
    return r;
  }

  beforeAll(async () => {
    sim = await startSim({ maxBodyBytes: MAX_BODY, 'sendgrid.rateLimit': RATE_LIMIT });
    good = sendgrid(sim.url, newApiKey());
  });
  afterAll(async () => {
    await sim?.close();
  });

  const message = { to: 'contract@example.com', from: 'sender@example.com', subject: 'Contract', text: 'plain', html: '<p>html</p>' };

  it('sends mail: 202, sandbox 200, validation 400s, 401, 413, 415, 405', async () => {
    const [res] = await good.mail.send(message);
    expect(res.statusCode).toBe(202);
    const [sandbox] = await good.mail.send({ ...message, mailSettings: { sandboxMode: { enable: true } } });
    expect(sandbox.statusCode).toBe(200);
    expect((await failure(good.mail.send({ to: 'a@example.com', from: 'bad', text: 'x' } as never))).status).toBe(400);
    expect((await failure(good.client.request({ method: 'POST', url: '/v3/mail/send', body: { personalizations: [] } }))).body.errors.length).toBeGreaterThanOrEqual(3);
    expect((await failure(another('nope').mail.send(message))).status).toBe(401);
    expect((await rawRequest('POST', '/v3/mail/send', { body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await failure(good.mail.send({ ...message, text: 'x'.repeat(MAX_BODY) }))).status).toBe(413);
    const bad = await rawRequest('POST', '/v3/mail/send', {
      body: new Blob([new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])]),
      headers: { authorization: `Bearer ${newApiKey()}`, 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(415);
    const malformed = await rawRequest('POST', '/v3/mail/send', { body: '{"a":', headers: { authorization: `Bearer ${newApiKey()}` } });
    expect(malformed.status).toBe(400);
    expect((await failure(good.client.request({ method: 'GET', url: '/v3/mail/send' }))).status).toBe(405);
  });

  it('answers 429 past the rate limit', async () => {
    const burner = another();
    for (let i = 0; i < RATE_LIMIT; i++) await burner.mail.send({ ...message, mailSettings: { sandboxMode: { enable: true } } });
    const f = await failure(burner.mail.send(message));
    expect(f.status).toBe(429);
    expect(f.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('batches and scheduled sends', async () => {
    const c = good.client;
    const [, b] = await c.request({ method: 'POST', url: '/v3/mail/batch' });
    await c.request({ method: 'GET', url: `/v3/mail/batch/${b.batch_id}` });
    expect((await failure(c.request({ method: 'GET', url: '/v3/mail/batch/unknown' }))).status).toBe(400);
    expect((await failure(another('bad-key').client.request({ method: 'POST', url: '/v3/mail/batch' }))).status).toBe(401);
    await good.mail.send({ ...message, sendAt: Math.floor(Date.now() / 1000) + 600, batchId: b.batch_id });
    await c.request({ method: 'POST', url: '/v3/user/scheduled_sends', body: { batch_id: b.batch_id, status: 'pause' } });
    expect((await failure(c.request({ method: 'POST', url: '/v3/user/scheduled_sends', body: { batch_id: b.batch_id, status: 'later' } }))).status).toBe(400);
    await c.request({ method: 'GET', url: '/v3/user/scheduled_sends' });
    await c.request({ method: 'GET', url: `/v3/user/scheduled_sends/${b.batch_id}` });
    await c.request({ method: 'PATCH', url: `/v3/user/scheduled_sends/${b.batch_id}`, body: { status: 'cancel' } });
    expect((await failure(c.request({ method: 'PATCH', url: `/v3/user/scheduled_sends/${b.batch_id}`, body: { status: 'stop' } }))).status).toBe(400);
    await c.request({ method: 'DELETE', url: `/v3/user/scheduled_sends/${b.batch_id}` });
    await c.request({ method: 'GET', url: `/v3/user/scheduled_sends/${b.batch_id}` });
    expect((await failure(c.request({ method: 'DELETE', url: `/v3/user/scheduled_sends/${b.batch_id}` }))).status).toBe(404);
    expect((await failure(c.request({ method: 'PATCH', url: `/v3/user/scheduled_sends/${b.batch_id}`, body: { status: 'pause' } }))).status).toBe(404);
  });

  it('templates and versions', async () => {
    const c = good.client;
    const [, dyn] = await c.request({ method: 'POST', url: '/v3/templates', body: { name: 'Dynamic', generation: 'dynamic' } });
    await c.request({ method: 'POST', url: '/v3/templates', body: { name: 'Legacy' } });
    expect((await failure(c.request({ method: 'POST', url: '/v3/templates', body: { name: 'x', generation: 'modern' } }))).status).toBe(400);
    const [, v1] = await c.request({
      method: 'POST',
      url: `/v3/templates/${dyn.id}/versions`,
      body: { name: 'v1', subject: 'Hi {{name}}', html_content: '<p>{{name}}</p>', test_data: '{"name":"T"}' },
    });
    const [, v2] = await c.request({ method: 'POST', url: `/v3/templates/${dyn.id}/versions`, body: { name: 'v2', subject: 'v2', editor: 'design' } });
    expect((await failure(c.request({ method: 'POST', url: `/v3/templates/${dyn.id}/versions`, body: { name: 'no subject' } }))).status).toBe(400);
    await c.request({ method: 'GET', url: `/v3/templates/${dyn.id}/versions/${v1.id}` });
    await c.request({ method: 'PATCH', url: `/v3/templates/${dyn.id}/versions/${v2.id}`, body: { plain_content: 'plain' } });
    await c.request({ method: 'POST', url: `/v3/templates/${dyn.id}/versions/${v2.id}/activate` });
    await c.request({ method: 'GET', url: `/v3/templates/${dyn.id}` });
    await c.request({ method: 'GET', url: '/v3/templates', qs: { generations: 'legacy,dynamic', page_size: 1 } });
    await c.request({ method: 'GET', url: '/v3/templates', qs: { generations: 'dynamic' } });
    expect((await failure(c.request({ method: 'GET', url: '/v3/templates', qs: { generations: 'future' } }))).status).toBe(400);
    await c.request({ method: 'PATCH', url: `/v3/templates/${dyn.id}`, body: { name: 'Renamed' } });
    const [, copy] = await c.request({ method: 'POST', url: `/v3/templates/${dyn.id}`, body: { name: 'Copy' } });
    await good.mail.send({ to: 'tpl@example.com', from: 'sender@example.com', templateId: dyn.id, dynamicTemplateData: { name: 'N' } });
    await c.request({ method: 'DELETE', url: `/v3/templates/${dyn.id}/versions/${v1.id}` });
    expect((await failure(c.request({ method: 'GET', url: `/v3/templates/${dyn.id}/versions/${v1.id}` }))).status).toBe(404);
    await c.request({ method: 'DELETE', url: `/v3/templates/${copy.id}` });
    expect((await failure(c.request({ method: 'GET', url: `/v3/templates/${copy.id}` }))).status).toBe(404);
  });

  it('Event Webhook settings, signing and test events', async () => {
    const c = another().client;
    const base = '/v3/user/webhooks/event/settings';
    await c.request({ method: 'GET', url: base });
    expect((await failure(c.request({ method: 'PATCH', url: base, body: { url: 'nope' } }))).status).toBe(400);
    await c.request({ method: 'PATCH', url: base, body: { enabled: true, url: 'http://127.0.0.1:9/first', delivered: true } });
    const [, hook] = await c.request({ method: 'POST', url: base, body: { enabled: true, url: 'http://127.0.0.1:9/events', processed: true, friendly_name: 'x' } });
    expect((await failure(c.request({ method: 'POST', url: base, body: { enabled: true } }))).status).toBe(400);
    await c.request({ method: 'GET', url: `${base}/all` });
    await c.request({ method: 'GET', url: `${base}/signed` });
    await c.request({ method: 'PATCH', url: `${base}/signed`, body: { enabled: true } });
    expect((await failure(c.request({ method: 'PATCH', url: `${base}/signed`, body: {} }))).status).toBe(400);
    await c.request({ method: 'PATCH', url: `${base}/signed/${hook.id}`, body: { enabled: true } });
    expect((await failure(c.request({ method: 'PATCH', url: `${base}/signed/${hook.id}`, body: { enabled: 'yes' } }))).status).toBe(400);
    expect((await failure(c.request({ method: 'PATCH', url: `${base}/signed/unknown`, body: { enabled: true } }))).status).toBe(404);
    await c.request({ method: 'GET', url: `${base}/signed/${hook.id}` });
    expect((await failure(c.request({ method: 'GET', url: `${base}/signed/unknown` }))).status).toBe(404);
    await c.request({ method: 'GET', url: `${base}/${hook.id}` });
    expect((await failure(c.request({ method: 'GET', url: `${base}/unknown` }))).status).toBe(404);
    await c.request({ method: 'PATCH', url: `${base}/${hook.id}`, body: { open: true } });
    expect((await failure(c.request({ method: 'PATCH', url: `${base}/${hook.id}`, body: { open: 'yes' } }))).status).toBe(400);
    expect((await failure(c.request({ method: 'PATCH', url: `${base}/unknown`, body: { open: true } }))).status).toBe(404);
    await c.request({ method: 'POST', url: '/v3/user/webhooks/event/test', body: { id: hook.id, url: 'http://127.0.0.1:9/test' } });
    expect((await failure(c.request({ method: 'POST', url: '/v3/user/webhooks/event/test', body: {} }))).status).toBe(400);
    await c.request({ method: 'GET', url: base });
    await c.request({ method: 'DELETE', url: `${base}/${hook.id}` });
    expect((await failure(c.request({ method: 'DELETE', url: `${base}/${hook.id}` }))).status).toBe(404);
  });

  it('suppressions, unsubscribe groups, Email Activity and stats', async () => {
    const key = newApiKey();
    const s = another(key);
    const c = s.client;
    const tenant = 'sg_' + createHash('sha256').update(key).digest('hex').slice(0, 16);
    const put = (path: string, body: unknown) =>
      fetch(`${sim.url}/__inspect/${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await put(`settings?tenant=${tenant}`, { timing: 'immediate' });
    await put(`sendgrid/outcomes?tenant=${tenant}`, {
      rules: [
        { email: 'b@example.com', status: 'bounce' },
        { email: 'k@example.com', status: 'blocked' },
        { email: 'i@example.com', status: 'invalid' },
        { email: 's@example.com', status: 'delivered', engagement: ['open', 'click', 'spamreport'] },
        { email: 'u@example.com', status: 'delivered', engagement: ['unsubscribe'] },
      ],
    });
    await s.mail.sendMultiple({ to: ['b@example.com', 'k@example.com', 'i@example.com', 's@example.com', 'u@example.com'], from: 'f@example.com', subject: 'S', text: 't', html: '<a href="https://x.example/">x</a>' });
    for (let i = 0; i < 100; i++) {
      const r = (await (await fetch(`${sim.url}/__inspect/sendgrid/events?tenant=${tenant}&event=unsubscribe`)).json()) as { items: unknown[] };
      const sp = (await (await fetch(`${sim.url}/__inspect/sendgrid/events?tenant=${tenant}&event=spamreport`)).json()) as { items: unknown[] };
      if (r.items.length && sp.items.length) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    const lists: [string, string][] = [
      ['bounces', 'b@example.com'],
      ['blocks', 'k@example.com'],
      ['spam_reports', 's@example.com'],
      ['invalid_emails', 'i@example.com'],
    ];
    for (const [list, email] of lists) {
      const [, all] = await c.request({ method: 'GET', url: `/v3/suppression/${list}`, qs: { start_time: 0, end_time: 9999999999 } });
      expect(all, list).toHaveLength(1);
      expect((await failure(c.request({ method: 'GET', url: `/v3/suppression/${list}`, qs: { start_time: 'yesterday' } }))).status).toBe(400);
      await c.request({ method: 'GET', url: `/v3/suppression/${list}/${email}` });
      await c.request({ method: 'DELETE', url: `/v3/suppression/${list}/${email}` });
      await c.request({ method: 'DELETE', url: `/v3/suppression/${list}`, body: { delete_all: true } });
      expect((await failure(c.request({ method: 'DELETE', url: `/v3/suppression/${list}`, body: { emails: 'x' } }))).status).toBe(400);
    }
    const [, unsubs] = await c.request({ method: 'GET', url: '/v3/suppression/unsubscribes' });
    expect(unsubs).toHaveLength(1);
    expect((await failure(c.request({ method: 'GET', url: '/v3/suppression/unsubscribes', qs: { end_time: '-1' } }))).status).toBe(400);
    await c.request({ method: 'POST', url: '/v3/asm/suppressions/global', body: { recipient_emails: ['g@example.com'] } });
    expect((await failure(c.request({ method: 'POST', url: '/v3/asm/suppressions/global', body: { recipient_emails: ['not-an-address'] } }))).status).toBe(400);
    await c.request({ method: 'GET', url: '/v3/asm/suppressions/global/g@example.com' });
    await c.request({ method: 'DELETE', url: '/v3/asm/suppressions/global/g@example.com' });

    const [, group] = await c.request({ method: 'POST', url: '/v3/asm/groups', body: { name: 'News', description: 'Newsletter', is_default: true } });
    expect((await failure(c.request({ method: 'POST', url: '/v3/asm/groups', body: { name: 'x'.repeat(31), description: 'd' } }))).status).toBe(400);
    await c.request({ method: 'GET', url: '/v3/asm/groups' });
    await c.request({ method: 'GET', url: `/v3/asm/groups/${group.id}` });
    expect((await failure(c.request({ method: 'GET', url: '/v3/asm/groups/999999' }))).status).toBe(404);
    await c.request({ method: 'PATCH', url: `/v3/asm/groups/${group.id}`, body: { description: 'Weekly' } });
    expect((await failure(c.request({ method: 'PATCH', url: `/v3/asm/groups/${group.id}`, body: { is_default: 'no' } }))).status).toBe(400);
    expect((await failure(c.request({ method: 'PATCH', url: '/v3/asm/groups/999999', body: { name: 'n' } }))).status).toBe(404);
    await c.request({ method: 'POST', url: `/v3/asm/groups/${group.id}/suppressions`, body: { recipient_emails: ['gs@example.com'] } });
    expect((await failure(c.request({ method: 'POST', url: `/v3/asm/groups/${group.id}/suppressions`, body: {} }))).status).toBe(400);
    expect((await failure(c.request({ method: 'POST', url: '/v3/asm/groups/999999/suppressions', body: { recipient_emails: ['a@example.com'] } }))).status).toBe(404);
    await c.request({ method: 'GET', url: `/v3/asm/groups/${group.id}/suppressions` });
    expect((await failure(c.request({ method: 'GET', url: '/v3/asm/groups/999999/suppressions' }))).status).toBe(404);
    await c.request({ method: 'GET', url: '/v3/asm/suppressions' });
    await c.request({ method: 'DELETE', url: `/v3/asm/groups/${group.id}/suppressions/gs@example.com` });
    expect((await failure(c.request({ method: 'DELETE', url: '/v3/asm/groups/999999/suppressions/gs@example.com' }))).status).toBe(404);
    await c.request({ method: 'DELETE', url: `/v3/asm/groups/${group.id}` });
    expect((await failure(c.request({ method: 'DELETE', url: `/v3/asm/groups/${group.id}` }))).status).toBe(404);

    const [, found] = await c.request({ method: 'GET', url: '/v3/messages', qs: { query: 'to_email="s@example.com" OR status="not_delivered"', limit: 10 } });
    expect(found.messages).toHaveLength(4);
    expect((await failure(c.request({ method: 'GET', url: '/v3/messages', qs: { query: 'to_email=' } }))).status).toBe(400);
    await c.request({ method: 'GET', url: `/v3/messages/${encodeURIComponent(found.messages[0].msg_id)}` });
    expect((await failure(c.request({ method: 'GET', url: '/v3/messages/unknown' }))).status).toBe(404);
    const today = new Date().toISOString().slice(0, 10);
    const [, stats] = await c.request({ method: 'GET', url: '/v3/stats', qs: { start_date: today, aggregated_by: 'month' } });
    expect(stats[0].stats[0].metrics).toMatchObject({ requests: 5, processed: 5, delivered: 2, bounces: 1, blocks: 1, invalid_emails: 1, opens: 1, unique_clicks: 1, spam_reports: 1, unsubscribes: 1 });
    expect((await failure(c.request({ method: 'GET', url: '/v3/stats' }))).status).toBe(400);
  });

  it('every response matches openapi/sendgrid.yaml', () => {
    const exchanges = recorded();
    const verdicts = exchanges.map((x) => validator.check(x));
    const failures = formatFailures(verdicts);
    if (failures) console.error(`responses not matching openapi/sendgrid.yaml:\n\n${failures}`);
    expect(failures).toBe('');
    expect(verdicts.length).toBeGreaterThanOrEqual(60);
    for (const x of [...good.recorded, ...others.flatMap((o) => o.recorded), ...raw]) {
      expect(x.headers['x-ratelimit-limit'], `${x.method} ${x.url}`).toBe(String(RATE_LIMIT));
      expect(x.headers['x-ratelimit-remaining']).toMatch(/^\d+$/);
      expect(x.headers['x-ratelimit-reset']).toMatch(/^\d+$/);
      if (x.status === 202) expect(x.headers['x-message-id']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    }
  });

  it('exercised every operation and every documented response of openapi/sendgrid.yaml', () => {
    const documented = validator.documentedResponses();
    expect(documented.size).toBeGreaterThanOrEqual(35);
    const seen = validator.seenResponses(recorded());
    expect([...documented].filter((d) => !seen.has(d))).toEqual([]);
    expect(seen.has('GET 405')).toBe(true);
    expect([...seen].filter((s) => !documented.has(s) && s !== 'GET 405')).toEqual([]);
  });
});
