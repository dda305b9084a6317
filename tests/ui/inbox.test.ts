/**
 * The web inbox in a real browser (Debian's Chromium through playwright-core) while the app
 * sends through the vendors' SDKs: each item appears without a reload, the inbox's actions reach
 * the app as the vendor's webhooks, and what the page shows is what the inspect API stored.
 */
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { formParams } from '../helpers/receiver.js';
import { startSim } from '../helpers/server.js';
import { AGENT_NUMBER, LEAD_NUMBER, clients, newTenants, png, startApp } from './demo.js';

const CHROMIUM = '/usr/bin/chromium';

let sim: RunningServer;
let app: Awaited<ReturnType<typeof startApp>>;
let browser: Browser;
let context: BrowserContext;
/** Every URL the browser asked for, to prove the inbox never leaves the simulator. */
const requested: string[] = [];
const pageErrors: string[] = [];
/** Requests Chromium refused to send because of the Content-Security-Policy. */
const blockedByCsp: string[] = [];

async function api(path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(sim.url + path, init);
  expect(res.status, path).toBeLessThan(300);
  return res.json();
}

async function newPage(viewport = { width: 1280, height: 800 }, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const ctx = viewport.width === 1280 && colorScheme === 'light' ? context : await browser.newContext({ viewport, colorScheme });
  const page = await ctx.newPage();
  page.on('request', (r) => requested.push(r.url()));
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText === 'csp') blockedByCsp.push(r.url());
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return page;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  sim = await startSim({ stepDelayMs: 150, webhookBackoffMs: 50 });
  app = await startApp();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await sim?.close();
});

describe('the web inbox at /__inspect', { timeout: 60_000 }, () => {
  it('serves the app to browsers and the JSON index to everything else, with a CSP that allows only itself', async () => {
    const html = await fetch(`${sim.url}/__inspect`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await html.text()).toContain('/__inspect/ui/app.js');
    const index = await fetch(`${sim.url}/__inspect`);
    expect(index.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await index.json()).name).toBe('provider-sim inspect API');
    const js = await fetch(`${sim.url}/__inspect/ui/app.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${sim.url}/__inspect/ui/nope.js`)).status).toBe(404);
  });

  it('shows an email sent with @sendgrid/mail live: list, sandboxed HTML, attachment preview, event timeline, webhook deliveries', async () => {
    const t = newTenants();
    const { sg } = clients(sim.url, t);
    await sg.client.request({ method: 'POST', url: '/v3/user/webhooks/event/settings', body: { enabled: true, url: `${app.base}/sendgrid/events`, processed: true, delivered: true } });
    const page = await newPage();
    await page.goto(`${sim.url}/__inspect#/emails`);
    await page.locator('#live.on').waitFor();

    const [res] = await sg.mail.send({
      to: 'sam.buyer@example.com',
      from: { email: 'listings@oakrealty.example', name: 'Oak Realty' },
      subject: 'Your viewing at 12 Elm Street',
      text: 'Plain text part',
      // The tracking pixel must never be fetched: the inbox makes no outside request.
      html: '<h1>12 Elm Street</h1><p id="p">Viewing booked.</p><img src="https://tracker.example/pixel.png"><script>document.title="ran"</script>',
      categories: ['viewings'],
      attachments: [{ content: png(40, 140, 90).toString('base64'), filename: 'front.png', type: 'image/png' }],
    });
    const xMessageId = String(res.headers['x-message-id']);
    const [stored] = await api(`/__inspect/sendgrid/messages?q=sam.buyer&tenant=`).then((b) => b.items.filter((m: any) => m.x_message_id === xMessageId));
    expect(stored.subject).toBe('Your viewing at 12 Elm Street');

    // Appears without a reload, then opens.
    const item = page.locator(`[data-msg-id="${stored.msg_id}"]`);
    await item.waitFor();
    await item.click();
    await expect.poll(() => page.locator('.detail-pane h2').textContent()).toBe('Your viewing at 12 Elm Street');
    const frame = page.frameLocator('iframe.mail');
    expect(await frame.locator('#p').textContent()).toBe('Viewing booked.');
    expect(await page.locator('iframe.mail').getAttribute('sandbox')).toBe('');
    // The attachment preview is the stored image.
    const img = page.locator('.attachment img');
    await img.waitFor();
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(160);
    // The timeline follows the lifecycle live, and the Event Webhook delivery it caused is listed.
    await page.locator('.events-slot [data-event="delivered"]').waitFor();
    await page.locator('.hooks-slot a').first().waitFor({ timeout: 15_000 });
    const hooks = (await api(`/__inspect/webhooks?provider=sendgrid&limit=100`)).items.filter((w: any) => w.body.includes(stored.msg_id));
    expect(hooks.length).toBeGreaterThan(0);

    // Search narrows the list to what the API finds.
    await sg.mail.send({ to: 'pat.seller@example.com', from: 'listings@oakrealty.example', subject: 'Offer received', text: 'x' });
    await page.locator('.items li a', { hasText: 'Offer received' }).waitFor();
    await page.fill('input[name=q]', 'pat.seller');
    await expect.poll(() => page.locator('.items li a').count()).toBe(1);
    expect(await page.locator('.items li a').textContent()).toContain('Offer received');
    // The date filter: nothing was sent from tomorrow on; today's mail is back.
    const day = (offset: number) => {
      const d = new Date(Date.now() + offset * 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    await page.fill('input[name=since]', day(1));
    await expect.poll(() => page.locator('.items .empty').count()).toBe(1);
    await page.fill('input[name=since]', day(0));
    await expect.poll(() => page.locator('.items li a').count()).toBe(1);

    await expect.poll(() => blockedByCsp).toContain('https://tracker.example/pixel.png');
    expect(await page.title()).toBe('provider-sim inbox');
    await page.close();
  });

  it('groups SMS by number pair, updates status badges live, shows Verify codes and sends a reply the app receives as an inbound SMS webhook', async () => {
    const t = newTenants();
    const { twilio } = clients(sim.url, t);
    await twilio.incomingPhoneNumbers.create({ phoneNumber: AGENT_NUMBER, smsUrl: `${app.base}/sms/inbound` });
    const page = await newPage();
    await page.goto(`${sim.url}/__inspect#/sms`);
    await page.locator('#live.on').waitFor();

    const sent = await twilio.messages.create({ from: AGENT_NUMBER, to: LEAD_NUMBER, body: 'Open house Saturday at 11am.' });
    const thread = page.locator(`[data-thread="${AGENT_NUMBER} ${LEAD_NUMBER}"]`);
    await thread.first().waitFor();
    await thread.first().click();
    const bubble = page.locator(`.bubble[data-sid="${sent.sid}"]`);
    await bubble.waitFor();
    // queued -> sending -> sent -> delivered, followed without a reload.
    await page.locator(`.bubble[data-sid="${sent.sid}"] [data-status="delivered"]`).waitFor({ timeout: 15_000 });

    // A Verify code sent to the same person shows in the conversation.
    const service = await twilio.verify.v2.services.create({ friendlyName: 'Oak Realty' });
    const v = await twilio.verify.v2.services(service.sid).verifications.create({ to: LEAD_NUMBER, channel: 'sms' });
    const [stored] = (await api(`/__inspect/twilio/verifications?tenant=${t.accountSid}`)).items;
    expect(stored.sid).toBe(v.sid);
    const chip = page.locator(`[data-verification="${v.sid}"] code`);
    await chip.waitFor();
    expect(await chip.textContent()).toBe(stored.code);

    // Reply from the inbox: the app's smsUrl gets a signed inbound webhook; its TwiML reply shows too.
    const before = app.received.length;
    await page.fill('textarea[name=body]', 'Yes please, 11am works');
    await page.click('form.composer button[type=submit]');
    const [inbound] = (await app.until((all) => all.slice(before).some((r) => r.path === '/sms/inbound'))).slice(before).filter((r) => r.path === '/sms/inbound');
    const params = formParams(inbound.body);
    expect(params).toMatchObject({ From: LEAD_NUMBER, To: AGENT_NUMBER, Body: 'Yes please, 11am works', AccountSid: t.accountSid });
    await page.locator('.bubble.in', { hasText: 'Yes please, 11am works' }).waitFor();
    await page.locator('.bubble.out', { hasText: 'Thanks! An agent will text you shortly.' }).waitFor();
    const messages = (await api(`/__inspect/twilio/messages?tenant=${t.accountSid}`)).items;
    expect(messages.map((m: any) => m.direction).sort()).toEqual(expect.arrayContaining(['inbound', 'outbound-api', 'outbound-reply']));
    await page.close();
  });

  it('shows a call with its timeline and TwiML, takes keypad input, plays the recording and shows the transcript; places an inbound call', async () => {
    const t = newTenants();
    const { twilio } = clients(sim.url, t);
    await twilio.incomingPhoneNumbers.create({ phoneNumber: AGENT_NUMBER, voiceUrl: `${app.base}/voice/inbound` });
    const page = await newPage();
    await page.goto(`${sim.url}/__inspect#/calls`);
    // Only this tenant's calls and numbers.
    await page.locator('#tenant').selectOption(t.accountSid).catch(async () => {
      await page.waitForFunction((sid) => [...document.querySelectorAll('#tenant option')].some((o) => (o as HTMLOptionElement).value === sid), t.accountSid);
      await page.locator('#tenant').selectOption(t.accountSid);
    });

    const call = await twilio.calls.create({ from: AGENT_NUMBER, to: LEAD_NUMBER, url: `${app.base}/voice/answer` });
    await page.locator(`.items [data-sid="${call.sid}"]`).click();
    await page.locator('input[name=digits]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.detail-pane pre').first().textContent()).toContain('Press 1 to book a valuation.');
    await page.fill('input[name=digits]', '1');
    await page.click('form[aria-label="Caller input"] button');
    const gathered = await app.until((all) => all.some((r) => r.path === '/voice/gathered' && formParams(r.body).CallSid === call.sid), 15_000);
    expect(formParams(gathered.find((r) => r.path === '/voice/gathered')!.body).Digits).toBe('1');

    const audio = page.locator('audio');
    await audio.waitFor({ timeout: 20_000 });
    const src = (await audio.getAttribute('src'))!;
    const media = await page.evaluate(async (u) => {
      const r = await fetch(u);
      return { status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength };
    }, src);
    expect(media).toMatchObject({ status: 200, type: 'audio/mpeg' });
    expect(media.size).toBeGreaterThan(0);
    await page.locator('blockquote.transcript').waitFor({ timeout: 20_000 });
    const [stored] = (await api(`/__inspect/twilio/calls?tenant=${t.accountSid}`)).items.filter((c: any) => c.sid === call.sid);
    expect(await page.locator('blockquote.transcript').first().textContent()).toBe(stored.recordings[0].transcriptions[0].transcription_text);

    // An inbound call placed from the inbox reaches the app's voiceUrl.
    await page.fill('input[name=from]', '+14155550188');
    await page.locator('select[name=to]').selectOption(AGENT_NUMBER);
    await page.click('form[aria-label="Place an inbound call"] button');
    const rang = await app.until((all) => all.some((r) => r.path === '/voice/inbound' && formParams(r.body).From === '+14155550188'), 15_000);
    expect(formParams(rang.find((r) => r.path === '/voice/inbound')!.body)).toMatchObject({ To: AGENT_NUMBER, Direction: 'inbound', AccountSid: t.accountSid });
    await expect.poll(() => page.locator('.detail-pane h2').textContent()).toContain('(415) 555-0188');
    await page.close();
  });

  it('browses buckets and prefixes, previews images and JSON, and downloads the stored bytes', async () => {
    const t = newTenants();
    const { s3 } = clients(sim.url, t);
    const page = await newPage();
    await page.goto(`${sim.url}/__inspect#/files`);
    await page.locator('#live.on').waitFor();
    const bucket = `photos-${t.accessKeyId.slice(-6).toLowerCase()}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await page.locator(`[data-bucket="${bucket}"] a`).click();
    const photo = png(200, 80, 40);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: '12-elm/front.png', Body: photo, ContentType: 'image/png', Metadata: { listing: '12-elm' } }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: '12-elm/details.json', Body: '{"beds":3,"baths":2}', ContentType: 'application/json' }));
    // The folder appears live, then its files.
    await page.locator('[data-folder="12-elm/"]').click();
    const events = (await api(`/__inspect/events?provider=s3&tenant=${t.accessKeyId}`)).items.map((e: any) => [e.type, e.resource]);
    expect(events).toEqual(
      expect.arrayContaining([
        ['s3.bucket.created', bucket],
        ['s3.object.created', `${bucket}/12-elm/front.png`],
      ]),
    );
    await page.locator('[data-key="12-elm/front.png"]').click();
    const img = page.locator('img.preview');
    await img.waitFor();
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(160);
    const [stored] = (await api(`/__inspect/s3/objects?bucket=${bucket}&key=12-elm/front.png&tenant=${t.accessKeyId}`)).items;
    expect(await page.locator('.detail-pane').textContent()).toContain(stored.etag);
    expect(await page.locator('.detail-pane').textContent()).toContain('listing: 12-elm');
    // The download link gives back the exact bytes.
    const href = (await page.locator('.detail-pane a[download]').getAttribute('href'))!;
    const sha = await page.evaluate(async (u) => {
      const buf = await (await fetch(u)).arrayBuffer();
      return [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))].map((b) => b.toString(16).padStart(2, '0')).join('');
    }, href);
    expect(sha).toBe(createHash('sha256').update(photo).digest('hex'));
    await page.locator('[data-key="12-elm/details.json"]').click();
    await expect.poll(() => page.locator('pre.text-preview').textContent()).toBe(JSON.stringify({ beds: 3, baths: 2 }, null, 2));
    await page.close();
  });

  it('lists webhook attempts with their signature headers and retries one; highlights requests the simulator does not implement', async () => {
    const t = newTenants();
    const { twilio } = clients(sim.url, t);
    const msg = await twilio.messages.create({ from: AGENT_NUMBER, to: LEAD_NUMBER, body: 'status please', statusCallback: `${app.base}/sms/status` });
    const deliveries = async () => (await api(`/__inspect/webhooks?tenant=${t.accountSid}&resource=${msg.sid}`)).items;
    await expect.poll(async () => (await deliveries()).some((w: any) => w.status === 'delivered'), { timeout: 15_000 }).toBe(true);
    const hook = (await deliveries()).find((w: any) => w.status === 'delivered');
    const page = await newPage();
    await page.goto(`${sim.url}/__inspect#/webhooks/${hook.id}`);
    await page.locator('.attempt').first().waitFor();
    expect(await page.locator('.attempt pre').first().textContent()).toContain('x-twilio-signature');
    const attempts = hook.attempt_count;
    await page.click('text=Retry');
    await expect.poll(async () => (await api(`/__inspect/webhooks?tenant=${t.accountSid}&resource=${msg.sid}`)).items.find((w: any) => w.id === hook.id).attempt_count, { timeout: 15_000 }).toBe(attempts + 1);
    await expect.poll(() => page.locator('.attempt').count(), { timeout: 10_000 }).toBe(attempts + 1);

    // A product the simulator does not implement, called through the SDK, is highlighted.
    await expect(twilio.conversations.v1.conversations.list()).rejects.toMatchObject({ status: 404 });
    await page.goto(`${sim.url}/__inspect#/requests`);
    const row = page.locator('tr.unmatched', { hasText: '/conversations/v1/Conversations' });
    await row.first().waitFor();
    expect(await row.first().textContent()).toContain('not implemented');
    await page.check('input[name=unmatched]');
    await expect.poll(async () => (await page.locator('tbody tr').count()) === (await page.locator('tbody tr.unmatched').count())).toBe(true);
    await page.close();
  });

  it('adds a fault rule from the inbox: the SDK gets the vendor error, the fault shows up, removing the rule heals it', async () => {
    const t = newTenants();
    const { twilio, s3 } = clients(sim.url, t);
    const page = await newPage();
    await page.goto(`${sim.url}/__inspect#/faults`);
    await page.locator('form[aria-label="Add a fault rule"]').waitFor();
    await page.selectOption('select[name=provider]', 'twilio');
    await page.fill('input[name=operation]', 'CreateMessage');
    await page.fill('input[name=tenant]', t.accountSid);
    await page.selectOption('select[name=match_key]', 'to');
    await page.fill('input[name=match_value]', '+1555*');
    await page.fill('input[name=status]', '429');
    await page.fill('input[name=code]', '20429');
    await page.fill('input[name=message]', 'Too Many Requests');
    await page.click('form[aria-label="Add a fault rule"] button[type=submit]');
    await page.locator('.fault[data-rule]').first().waitFor();
    const [rule] = (await api(`/__inspect/faults?tenant=${t.accountSid}`)).rules;
    expect(rule).toMatchObject({ provider: 'twilio', operation: 'CreateMessage', tenant: t.accountSid, match: { to: '+1555*' }, action: { type: 'error', status: 429, code: 20429 } });

    await expect(twilio.messages.create({ from: '+15005550006', to: '+15550001234', body: 'blocked' })).rejects.toMatchObject({ status: 429, code: 20429, message: 'Too Many Requests' });
    // Another number is not matched; nothing was stored for the faulted call.
    await twilio.messages.create({ from: '+15005550006', to: '+14155550100', body: 'allowed' });
    expect((await api(`/__inspect/twilio/messages?tenant=${t.accountSid}`)).items.map((m: any) => m.body)).toEqual(['allowed']);
    const row = page.locator('.injected-slot tr', { hasText: rule.id });
    await row.first().waitFor();
    expect(await row.first().textContent()).toContain('429');
    await expect.poll(() => page.locator(`.fault[data-rule="${rule.id}"]`).textContent()).toContain('fired 1 of 1');

    // An S3 SlowDown the SDK retries through by default, added from the same form.
    await page.selectOption('select[name=provider]', 's3');
    await page.fill('input[name=operation]', 'PutObject');
    await page.fill('input[name=tenant]', t.accessKeyId);
    await page.selectOption('select[name=match_key]', '');
    await page.fill('input[name=status]', '');
    await page.fill('input[name=code]', '');
    await page.fill('input[name=message]', '');
    await page.fill('input[name=count]', '1');
    await page.click('form[aria-label="Add a fault rule"] button[type=submit]');
    await expect.poll(() => page.locator('.fault[data-rule]').count()).toBe(2);
    await s3.send(new CreateBucketCommand({ Bucket: 'faulty' }));
    await s3.send(new PutObjectCommand({ Bucket: 'faulty', Key: 'a.txt', Body: 'retried' }));
    const s3Faults = (await api(`/__inspect/requests?tenant=${t.accessKeyId}&fault=true`)).items;
    expect(s3Faults).toEqual([expect.objectContaining({ operation: 'PutObject', status: 503 })]);

    // Remove the Twilio rule from the inbox: the same call now succeeds.
    await page.locator(`.fault[data-rule="${rule.id}"] button`).click();
    await expect.poll(async () => (await api('/__inspect/faults')).rules.some((r: any) => r.id === rule.id)).toBe(false);
    const ok = await twilio.messages.create({ from: '+15005550006', to: '+15550001234', body: 'healed' });
    expect(ok.status).toBe('queued');
    await page.click('text=Remove all rules');
    await expect.poll(async () => (await api('/__inspect/faults')).rules.length).toBe(0);

    // Time: a message scheduled an hour ahead goes out once the tenant's clock moves past it.
    const service = await twilio.messaging.v1.services.create({ friendlyName: 'Reminders' });
    const number = await twilio.incomingPhoneNumbers.create({ phoneNumber: '+15017122670' });
    await twilio.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: number.sid });
    const sendAt = new Date(Date.now() + 3600_000);
    const scheduled = await twilio.messages.create({ messagingServiceSid: service.sid, to: '+14155550111', body: 'Viewing reminder', sendAt, scheduleType: 'fixed' });
    expect(scheduled.status).toBe('scheduled');
    await page.fill('input[name=clock_tenant]', t.accountSid);
    await page.fill('input[name=clock_seconds]', '3700');
    await page.click('form[aria-label="Advance a tenant clock"] button');
    await expect.poll(() => page.locator('.clock-status').textContent()).toContain('3700 s ahead');
    expect((await api(`/__inspect/clock?tenant=${t.accountSid}`)).offset_ms).toBe(3_700_000);
    await expect
      .poll(async () => (await api(`/__inspect/twilio/messages?tenant=${t.accountSid}`)).items.find((m: any) => m.sid === scheduled.sid)?.status, { timeout: 15_000 })
      .toBe('delivered');
    await page.close();
  });

  it('switches tenants and resets only the selected one', async () => {
    const a = newTenants();
    const b = newTenants();
    for (const [t, subject] of [
      [a, 'For tenant A'],
      [b, 'For tenant B'],
    ] as const) {
      await clients(sim.url, t).sg.mail.send({ to: 'qa@example.com', from: 'listings@oakrealty.example', subject, text: 'x' });
    }
    const tenantA = (await api('/__inspect/sendgrid/messages?q=For tenant A')).items[0].tenant;
    const tenantB = (await api('/__inspect/sendgrid/messages?q=For tenant B')).items[0].tenant;
    const page = await newPage();
    await page.goto(`${sim.url}/__inspect#/emails`);
    await page.waitForFunction((id) => [...document.querySelectorAll('#tenant option')].some((o) => (o as HTMLOptionElement).value === id), tenantA);
    await page.locator('#tenant').selectOption(tenantA);
    await expect.poll(async () => (await page.locator('.items li a').allTextContents()).join('|')).toContain('For tenant A');
    expect((await page.locator('.items li a').allTextContents()).join('|')).not.toContain('For tenant B');
    page.once('dialog', (d) => void d.accept());
    await page.click('#reset');
    await expect.poll(() => page.locator('.items .empty').count()).toBe(1);
    expect((await api(`/__inspect/sendgrid/messages?tenant=${tenantA}`)).items).toEqual([]);
    expect((await api(`/__inspect/sendgrid/messages?tenant=${tenantB}`)).items.map((m: any) => m.subject)).toEqual(['For tenant B']);
    await page.close();
  });

  it('fits a phone: one column with a back link, nothing wider than the screen; follows a dark OS theme', async () => {
    const t = newTenants();
    await clients(sim.url, t).sg.mail.send({ to: 'phone@example.com', from: 'listings@oakrealty.example', subject: 'On the phone', html: '<p>hi</p>' });
    const page = await newPage({ width: 390, height: 844 }, 'dark');
    await page.goto(`${sim.url}/__inspect#/emails`);
    await page.locator('.items li a', { hasText: 'On the phone' }).click();
    await page.locator('.detail-pane .back').waitFor({ state: 'visible' });
    expect(await page.locator('.list-pane').isVisible()).toBe(false);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, bl] = bg.match(/\d+/g)!.map(Number);
    expect(r + g + bl).toBeLessThan(150);
    await page.click('.detail-pane .back');
    await page.locator('.list-pane').waitFor({ state: 'visible' });
    await page.context().close();
  });

  it('with INSPECT_TOKEN: the login form signs the browser in, and ?token= works for a bookmarked link', async () => {
    const guarded = await startSim({ inspectToken: 'qa-secret' });
    try {
      const t = newTenants();
      await clients(guarded.url, t).sg.mail.send({ to: 'guarded@example.com', from: 'listings@oakrealty.example', subject: 'Behind the token', text: 'x' });
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(`${guarded.url}/__inspect#/emails`);
      await page.locator('input[name=token]').fill('wrong');
      await page.locator('form').evaluate((f: HTMLFormElement) => f.submit());
      await page.locator('input[name=token]').waitFor();
      expect(await page.locator('body').textContent()).toContain('wrong token');
      await page.locator('input[name=token]').fill('qa-secret');
      await page.locator('form').evaluate((f: HTMLFormElement) => f.submit());
      await page.locator('.items li a', { hasText: 'Behind the token' }).waitFor();
      await page.locator('#live.on').waitFor();
      await ctx.close();

      const linked = await browser.newContext();
      const p2 = await linked.newPage();
      await p2.goto(`${guarded.url}/__inspect?token=qa-secret#/emails`);
      await p2.locator('.items li a', { hasText: 'Behind the token' }).click();
      await expect.poll(() => p2.locator('.detail-pane h2').textContent()).toBe('Behind the token');
      await linked.close();
      // Without the token the API stays closed.
      expect((await fetch(`${guarded.url}/__inspect/sendgrid/messages`)).status).toBe(401);
    } finally {
      await guarded.close();
    }
  });

  it('never asked for anything outside the simulator and raised no script error', () => {
    expect(pageErrors).toEqual([]);
    const origin = new URL(sim.url).origin;
    const outside = requested.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('about:') && !blockedByCsp.includes(u));
    expect(outside).toEqual([]);
    expect(requested.length).toBeGreaterThan(20);
  });
});
