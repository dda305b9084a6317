/**
 * `npm run screenshots`: boots the simulator in memory, lets the demo app send through the real
 * SDKs, and photographs the inbox with Debian's Chromium into src/inspect/ui/screenshots/ (the
 * pictures in the README).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config/index.js';
import { CONFIG_EXTENSIONS } from '../../src/http/registry.js';
import { startServer } from '../../src/http/server.js';
import { AGENT_NUMBER, LEAD_NUMBER, clients, newTenants, seed, startApp } from './demo.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const OUT = join(ROOT, 'src/inspect/ui/screenshots');

async function waitFor(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const config = loadConfig(CONFIG_EXTENSIONS, { env: {}, overrides: { inMemory: true, port: 0, host: '127.0.0.1', logLevel: 'silent', stepDelayMs: 100 } });
  const sim = await startServer({ config });
  const app = await startApp();
  const t = newTenants();
  const { call, sms } = await seed(sim.url, app, t);
  const get = async (p: string) => (await (await fetch(sim.url + p)).json()) as { items: any[] };
  // Press 1, let the caller leave a message and wait for its transcript.
  await waitFor(async () => (await get(`/__inspect/twilio/calls?tenant=${t.accountSid}`)).items.some((c) => c.sid === call.sid && c.waiting_for === 'gather'));
  await fetch(`${sim.url}/__inspect/twilio/calls/${call.sid}/gather`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ digits: '1' }) });
  await waitFor(async () => (await get(`/__inspect/twilio/calls?tenant=${t.accountSid}`)).items.some((c) => c.sid === call.sid && c.recordings[0]?.transcriptions.length));
  await fetch(`${sim.url}/__inspect/twilio/inbound?tenant=${t.accountSid}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: LEAD_NUMBER, to: AGENT_NUMBER, body: 'Great, see you Saturday!' }),
  });
  await waitFor(async () => (await get(`/__inspect/twilio/messages?tenant=${t.accountSid}`)).items.some((m) => m.direction === 'outbound-reply' && m.status === 'delivered'));
  // A fault rule and the error it gave the SDK.
  await fetch(`${sim.url}/__inspect/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules: [{ id: 'throttle-otp', provider: 'twilio', operation: 'CreateMessage', match: { to: '+1555*' }, action: { type: 'error', status: 429, code: 20429, message: 'Too Many Requests' } }, { id: 'slow-uploads', provider: 's3', operation: 'PutObject', match: { key: 'uploads/*' }, action: { type: 'latency', ms: 1500 } }] }),
  });
  await clients(sim.url, t).twilio.messages.create({ from: AGENT_NUMBER, to: '+15550001234', body: 'Your code is 1234' }).catch(() => undefined);
  const mails = (await get('/__inspect/sendgrid/messages?q=sam.buyer')).items;
  const files = (await get('/__inspect/s3/objects?key=12-elm/front.png')).items;

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const shoot = async (name: string, hash: string, opts: { width?: number; height?: number; dark?: boolean; ready?: (p: Page) => Promise<unknown> } = {}) => {
    const ctx = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 }, colorScheme: opts.dark ? 'dark' : 'light' });
    const page = await ctx.newPage();
    await page.goto(`${sim.url}/__inspect#${hash}`);
    await page.locator('#live.on').waitFor();
    await opts.ready?.(page).catch((e) => console.error(`${name}: ${e.message.split('\n')[0]}`));
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(OUT, `${name}.png`) });
    await ctx.close();
    console.log(`${name}.png`);
  };
  await shoot('emails', `/emails/${encodeURIComponent(mails[0].msg_id)}`, { ready: (p) => p.locator('.events-slot [data-event="delivered"]').waitFor() });
  await shoot('sms', `/sms/${encodeURIComponent(AGENT_NUMBER)}/${encodeURIComponent(LEAD_NUMBER)}`, { ready: (p) => p.locator(`.bubble[data-sid="${sms.sid}"]`).waitFor() });
  await shoot('calls', `/calls/${call.sid}`, { ready: (p) => p.locator('blockquote.transcript').waitFor() });
  await shoot('files', `/files/listing-photos/${encodeURIComponent('12-elm/')}/${files[0].id}`, { ready: (p) => p.locator('img.preview').waitFor() });
  await shoot('webhooks', '/webhooks', { ready: (p) => p.locator('.items li a').first().waitFor() });
  await shoot('faults', '/faults', { ready: (p) => p.locator('.injected-slot tr').first().waitFor() });
  await shoot('phone-dark', `/sms/${encodeURIComponent(AGENT_NUMBER)}/${encodeURIComponent(LEAD_NUMBER)}`, { width: 390, height: 780, dark: true, ready: (p) => p.locator('.bubble').first().waitFor() });
  await browser.close();
  await app.close();
  await sim.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
