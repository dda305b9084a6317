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
    const documented = new Set<string>();
    for (const item of Object.values(validator.doc.paths as Record<string, Record<string, { operationId?: string; responses?: object }>>)) {
      for (const op of Object.values(item)) {
        if (op && typeof op === 'object' && op.operationId && op.responses) {
          for (const status of Object.keys(op.responses)) documented.add(`${op.operationId} ${status}`);
        }
      }
    }
    expect(documented.size).toBeGreaterThanOrEqual(35);
    const seen = new Set<string>();
    for (const x of recorded()) {
      const op = validator.operationId(x.method, x.url);
      seen.add(op ? `${op} ${x.status}` : `${x.method} ${x.status}`);
    }
    expect([...documented].filter((d) => !seen.has(d))).toEqual([]);
    expect(seen.has('GET 405')).toBe(true);
    expect([...seen].filter((s) => !documented.has(s) && s !== 'GET 405')).toEqual([]);
  });
});
