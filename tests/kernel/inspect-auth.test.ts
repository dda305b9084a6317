import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { CONFIG_EXTENSIONS } from '../../src/http/registry.js';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';

const TOKEN = 'inspect-secret-token';

let sim: RunningServer;
beforeAll(async () => {
  sim = await startSim({ inspectToken: TOKEN, timing: 'manual' });
});
afterAll(async () => {
  await sim?.close();
});

describe('INSPECT_TOKEN', () => {
  it('is a knob: env INSPECT_TOKEN and flag --inspect-token', () => {
    expect(loadConfig(CONFIG_EXTENSIONS, { env: { INSPECT_TOKEN: 'from-env' } }).inspectToken).toBe('from-env');
    expect(loadConfig(CONFIG_EXTENSIONS, { argv: ['--inspect-token', 'from-flag'] }).inspectToken).toBe('from-flag');
    expect(loadConfig(CONFIG_EXTENSIONS, {}).inspectToken).toBeUndefined();
  });

  it('answers 401 JSON with WWW-Authenticate: Bearer without the token, or with a wrong one', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer nope' }, { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }]) {
      const res = await fetch(`${sim.url}/__inspect/requests`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
    expect((await fetch(`${sim.url}/__inspect/twilio/messages?token=nope`)).status).toBe(401);
    expect((await fetch(`${sim.url}/__inspect/nothing/here`)).status).toBe(401);
  });

  it('accepts the token as a Bearer header or a token query parameter', async () => {
    const bearer = await fetch(`${sim.url}/__inspect/requests`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toEqual({ items: expect.any(Array) });
    const query = await fetch(`${sim.url}/__inspect/tenants?token=${TOKEN}`);
    expect(query.status).toBe(200);
    expect(await query.json()).toEqual({ items: expect.any(Array) });
  });

  it('shows browsers a self-contained login form whose POST sets an HttpOnly SameSite=Strict cookie', async () => {
    const page = await fetch(`${sim.url}/__inspect`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/__inspect/login">');
    expect(html).toContain('name="token"');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);

    const wrong = await fetch(`${sim.url}/__inspect/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'token=wrong',
      redirect: 'manual',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('wrong token');

    const login = await fetch(`${sim.url}/__inspect/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ token: TOKEN }).toString(),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/__inspect');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/__inspect/);
    expect(cookie).not.toContain(TOKEN);
    const pair = cookie.split(';')[0];

    const index = await fetch(`${sim.url}/__inspect`, { headers: { cookie: pair } });
    expect(index.status).toBe(200);
    expect(await index.json()).toMatchObject({ name: 'provider-sim inspect API' });
    expect((await fetch(`${sim.url}/__inspect/tenants`, { headers: { cookie: `${pair.split('=')[0]}=forged` } })).status).toBe(401);
  });

  it('leaves /__health and the vendor endpoints open', async () => {
    const health = await fetch(`${sim.url}/__health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const account = newAccountSid();
    const { client } = twilioClient(sim.url, account, 'auth-token');
    const m = await client.messages.create({ to: '+15550100123', from: '+15550100001', body: 'still open' });
    expect(m.status).toBe('queued');
    const stored = await fetch(`${sim.url}/__inspect/twilio/messages?tenant=${account}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(((await stored.json()) as { items: { sid: string; body: string }[] }).items).toEqual([expect.objectContaining({ sid: m.sid, body: 'still open' })]);
  });

  it('streams /__inspect/events to an EventSource-style client with ?token=', async () => {
    const account = newAccountSid();
    expect((await fetch(`${sim.url}/__inspect/events?tenant=${account}`, { headers: { accept: 'text/event-stream' } })).status).toBe(401);

    const ctrl = new AbortController();
    const res = await fetch(`${sim.url}/__inspect/events?tenant=${account}&token=${TOKEN}`, { headers: { accept: 'text/event-stream' }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { client } = twilioClient(sim.url, account, 'auth-token');
    const m = await client.messages.create({ to: '+15550100124', from: '+15550100001', body: 'streamed' });
    let buf = '';
    const timer = setTimeout(() => ctrl.abort(), 5000);
    try {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        if (buf.includes(m.sid)) break;
      }
    } catch (e) {
      if ((e as Error).name !== 'AbortError') throw e;
    } finally {
      clearTimeout(timer);
      ctrl.abort();
    }
    expect(buf).toContain('event: twilio.message.created');
    expect(buf).toContain(m.sid);
  });
});
