import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ManualClock } from '../../src/core/index.js';
import { CONFIG_EXTENSIONS } from '../../src/http/registry.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, newKeySid, twilioClient } from '../helpers/twilio.js';

type Json = any;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const SID = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);
const VERIFY_FROM = '+18555550100';

let sim: RunningServer;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.close();
});

async function inspect(server: RunningServer, collection: string, params: Record<string, string>): Promise<Json[]> {
  const res = await fetch(`${server.url}/__inspect/twilio/${collection}?${new URLSearchParams(params)}`);
  expect(res.status).toBe(200);
  return (await res.json()).items;
}

async function raw(server: RunningServer, method: string, path: string, user: string, pass: string, form?: Record<string, string>) {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      authorization: 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64'),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

function setup() {
  const account = newAccountSid();
  const { client, httpClient } = twilioClient(sim.url, account, 'verify-token');
  return { account, client, httpClient };
}

describe('twilio-node Verify v2 services', () => {
  it('creates, fetches and lists services in Twilio shape', async () => {
    const { account, client, httpClient } = setup();
    const s = await client.verify.v2.services.create({ friendlyName: 'Acme Homes', codeLength: 8 });
    expect(s.sid).toMatch(SID('VA'));
    expect(s.accountSid).toBe(account);
    expect(s.friendlyName).toBe('Acme Homes');
    expect(s.codeLength).toBe(8);
    expect(s.lookupEnabled).toBe(true);
    expect(s.customCodeEnabled).toBe(false);
    expect(s.dateCreated).toBeInstanceOf(Date);
    expect(Math.abs(s.dateCreated.getTime() - Date.now())).toBeLessThan(5000);
    expect(s.url).toBe(`${sim.url}/verify/v2/Services/${s.sid}`);
    expect(s.links.verifications).toBe(`${sim.url}/verify/v2/Services/${s.sid}/Verifications`);
    expect(s.links.verification_checks).toBe(`${sim.url}/verify/v2/Services/${s.sid}/VerificationCheck`);

    const body = httpClient.recorded.at(-1)!.body as Json;
    expect(httpClient.recorded.at(-1)!.status).toBe(201);
    expect(body.date_created).toMatch(ISO);
    expect(body.totp).toEqual({ issuer: null, time_step: null, code_length: null, skew: null });

    const defaults = await client.verify.v2.services.create({ friendlyName: 'Defaults' });
    expect(defaults.codeLength).toBe(6);
    const f = await client.verify.v2.services(s.sid).fetch();
    expect(f.toJSON()).toEqual(s.toJSON());

    const third = await client.verify.v2.services.create({ friendlyName: 'Third one', customCodeEnabled: true });
    expect(third.customCodeEnabled).toBe(true);
    const all = await client.verify.v2.services.list();
    expect(all.map((x) => x.sid)).toEqual([s.sid, defaults.sid, third.sid]);

    const before = httpClient.recorded.length;
    const paged = await client.verify.v2.services.list({ pageSize: 2 });
    expect(paged.map((x) => x.sid)).toEqual([s.sid, defaults.sid, third.sid]);
    const pages = httpClient.recorded.slice(before);
    expect(pages).toHaveLength(2);
    const meta = (pages[0].body as Json).meta;
    expect(meta).toMatchObject({ page: 0, page_size: 2, key: 'services', previous_page_url: null });
    expect(meta.first_page_url).toBe(`${sim.url}/verify/v2/Services?PageSize=2&Page=0`);
    expect(meta.next_page_url).toMatch(new RegExp(`^${sim.url}/verify/v2/Services\\?PageSize=2&Page=1&PageToken=PA`));
    expect(pages[1].url).toBe(meta.next_page_url);
    expect((pages[1].body as Json).meta.next_page_url).toBeNull();

    const page = await client.verify.v2.services.page({ pageSize: 2 });
    const next = await page.nextPage();
    expect(next?.instances.map((x) => x.sid)).toEqual([third.sid]);
    const back = await next!.previousPage();
    expect(back?.instances.map((x) => x.sid)).toEqual([s.sid, defaults.sid]);

    // Another account sees none of them.
    const other = setup();
    expect(await other.client.verify.v2.services.list()).toEqual([]);
    await expect(other.client.verify.v2.services(s.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('answers Twilio errors for bad services input', async () => {
    const { client, account } = setup();
    await expect(client.verify.v2.services.create({ friendlyName: 'x', codeLength: 3 })).rejects.toMatchObject({ status: 400, code: 60200 });
    await expect(client.verify.v2.services.create({ friendlyName: 'x', codeLength: 11 })).rejects.toMatchObject({ status: 400, code: 60200 });
    await expect(client.verify.v2.services.create({ friendlyName: 'Call 555 123 4567' })).rejects.toMatchObject({ status: 400, code: 60200 });
    const missing = await raw(sim, 'POST', '/verify/v2/Services', account, 'verify-token', {});
    expect(missing).toEqual({
      status: 400,
      body: {
        code: 20001,
        message: 'Missing required parameter FriendlyName in the post body',
        more_info: 'https://www.twilio.com/docs/errors/20001',
        status: 400,
      },
    });
    const unknown = 'VA' + '0'.repeat(32);
    await expect(client.verify.v2.services(unknown).fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
      message: `The requested resource /Services/${unknown} was not found`,
    });
    await expect(client.verify.v2.services.page({ pageSize: 1001 })).rejects.toMatchObject({ status: 400, code: 20001 });
  });
});

describe('twilio-node Verify v2 verifications', () => {
  it('sends an SMS code, rejects a wrong code and approves the right one', async () => {
    const { account, client, httpClient } = setup();
    const service = await client.verify.v2.services.create({ friendlyName: 'Acme Homes' });
    const to = '+14155552671';
    const mark = new Date(Date.now() - 1000).toISOString();
    const v = await client.verify.v2.services(service.sid).verifications.create({ to, channel: 'sms' });
    expect(v.sid).toMatch(SID('VE'));
    expect(v).toMatchObject({ serviceSid: service.sid, accountSid: account, to, channel: 'sms', status: 'pending', valid: false });
    expect(v.amount).toBeNull();
    expect(v.payee).toBeNull();
    expect(v.sna).toBeNull();
    expect(v.url).toBe(`${sim.url}/verify/v2/Services/${service.sid}/Verifications/${v.sid}`);
    expect(v.sendCodeAttempts).toHaveLength(1);
    expect(v.sendCodeAttempts[0]).toMatchObject({ channel: 'SMS' });
    expect(v.sendCodeAttempts[0].attempt_sid).toMatch(SID('VL'));
    expect(v.sendCodeAttempts[0].time).toMatch(ISO);
    expect(v.lookup.carrier).toEqual({
      mobile_country_code: expect.any(String),
      type: 'mobile',
      error_code: null,
      mobile_network_code: expect.any(String),
      name: expect.any(String),
    });
    expect(httpClient.recorded.at(-1)!.status).toBe(201);

    const [stored] = await inspect(sim, 'verifications', { tenant: account, to, since: mark });
    expect(stored).toMatchObject({ sid: v.sid, service_sid: service.sid, to, channel: 'sms', status: 'pending', check_attempts: 0 });
    expect(stored.code).toMatch(/^\d{6}$/);
    const [sms] = await inspect(sim, 'messages', { tenant: account, to, since: mark, wait: '2000' });
    expect(sms).toMatchObject({
      account_sid: account,
      to,
      from: VERIFY_FROM,
      body: `Your Acme Homes verification code is: ${stored.code}`,
      direction: 'outbound-api',
    });
    expect(stored.message_sids).toEqual([sms.sid]);

    const wrong = stored.code === '000000' ? '111111' : '000000';
    const bad = await client.verify.v2.services(service.sid).verificationChecks.create({ to, code: wrong });
    expect(bad).toMatchObject({ sid: v.sid, status: 'pending', valid: false, to, channel: 'sms' });
    expect(httpClient.recorded.at(-1)!.status).toBe(200);
    expect((await inspect(sim, 'verifications', { tenant: account }))[0]).toMatchObject({ status: 'pending', check_attempts: 1 });

    const ok = await client.verify.v2.services(service.sid).verificationChecks.create({ to, code: stored.code });
    expect(ok).toMatchObject({ sid: v.sid, serviceSid: service.sid, accountSid: account, status: 'approved', valid: true });
    expect(ok.snaAttemptsErrorCodes).toEqual([]);
    expect(ok.dateUpdated).toBeInstanceOf(Date);
    const checkBody = httpClient.recorded.at(-1)!.body as Json;
    expect(Object.keys(checkBody)).toEqual([
      'sid', 'service_sid', 'account_sid', 'to', 'channel', 'status', 'valid', 'amount', 'payee',
      'sna_attempts_error_codes', 'date_created', 'date_updated',
    ]);
    expect((await inspect(sim, 'verifications', { tenant: account, status: 'approved' })).map((x) => x.sid)).toEqual([v.sid]);

    // An approved verification is gone, as on Twilio.
    const gone = { status: 404, code: 20404 };
    await expect(client.verify.v2.services(service.sid).verifications(v.sid).fetch()).rejects.toMatchObject(gone);
    await expect(client.verify.v2.services(service.sid).verificationChecks.create({ to, code: stored.code })).rejects.toMatchObject({
      ...gone,
      message: `The requested resource /Services/${service.sid}/VerificationCheck was not found`,
    });
  });

  it('fetches by SID and by To, checks by VerificationSid, cancels and approves with update', async () => {
    const { account, client } = setup();
    const service = await client.verify.v2.services.create({ friendlyName: 'Fetchers' });
    const svc = client.verify.v2.services(service.sid);
    const v = await svc.verifications.create({ to: '+1 (415) 555-0101', channel: 'sms' });
    expect(v.to).toBe('+14155550101');
    const bySid = await svc.verifications(v.sid).fetch();
    const byTo = await svc.verifications('+14155550101').fetch();
    expect(bySid.toJSON()).toEqual(v.toJSON());
    expect(byTo.sid).toBe(v.sid);
    const byEncodedTo = await raw(sim, 'GET', `/verify/v2/Services/${service.sid}/Verifications/%2B14155550101`, account, 'verify-token');
    expect(byEncodedTo.body.sid).toBe(v.sid);

    const [stored] = await inspect(sim, 'verifications', { tenant: account });
    const checked = await svc.verificationChecks.create({ verificationSid: v.sid, code: stored.code });
    expect(checked.status).toBe('approved');

    const c = await svc.verifications.create({ to: '+14155550102', channel: 'call' });
    expect(c.channel).toBe('call');
    expect(c.sendCodeAttempts[0].channel).toBe('CALL');
    const canceled = await svc.verifications(c.sid).update({ status: 'canceled' });
    expect(canceled).toMatchObject({ sid: c.sid, status: 'canceled', valid: false });
    await expect(svc.verifications(c.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(svc.verifications(c.sid).update({ status: 'approved' })).rejects.toMatchObject({ status: 404, code: 20404 });

    const a = await svc.verifications.create({ to: 'buyer@example.com', channel: 'email' });
    expect(a).toMatchObject({ to: 'buyer@example.com', channel: 'email', lookup: {} });
    expect(a.sendCodeAttempts[0].channel).toBe('EMAIL');
    expect((await svc.verifications('buyer@example.com').fetch()).sid).toBe(a.sid);
    const approved = await svc.verifications(a.sid).update({ status: 'approved' });
    expect(approved).toMatchObject({ status: 'approved', valid: true });

    // Calls and emails send no SMS.
    const sms = await inspect(sim, 'messages', { tenant: account });
    expect(sms.map((m) => m.to)).toEqual(['+14155550101']);
    const rows = await inspect(sim, 'verifications', { tenant: account });
    expect(rows.map((r) => [r.to, r.status])).toEqual([
      ['buyer@example.com', 'approved'],
      ['+14155550102', 'canceled'],
      ['+14155550101', 'approved'],
    ]);
    await expect(svc.verifications(v.sid).update({ status: 'pending' as never })).rejects.toMatchObject({ status: 400, code: 60200 });
  });

  it('refuses the sixth check of a verification with 60202 (429), then forgets it', async () => {
    const { account, client } = setup();
    const svc = client.verify.v2.services((await client.verify.v2.services.create({ friendlyName: 'Strict' })).sid);
    const to = '+14155550103';
    const v = await svc.verifications.create({ to, channel: 'sms' });
    const [stored] = await inspect(sim, 'verifications', { tenant: account });
    const wrong = stored.code === '999999' ? '888888' : '999999';
    for (let i = 1; i <= 5; i++) {
      const r = await svc.verificationChecks.create({ to, code: wrong });
      expect(r).toMatchObject({ status: 'pending', valid: false });
    }
    await expect(svc.verificationChecks.create({ to, code: stored.code })).rejects.toMatchObject({
      status: 429,
      code: 60202,
      message: 'Max check attempts reached',
    });
    expect((await inspect(sim, 'verifications', { tenant: account }))[0]).toMatchObject({
      sid: v.sid,
      status: 'max_attempts_reached',
      check_attempts: 5,
    });
    await expect(svc.verificationChecks.create({ to, code: stored.code })).rejects.toMatchObject({ status: 404, code: 20404 });

    // A new verification to the same number starts over with a new SID.
    const again = await svc.verifications.create({ to, channel: 'sms' });
    expect(again.sid).not.toBe(v.sid);
  });

  it('re-sends a pending verification (same SID and code) and refuses a sixth send with 60203 (429)', async () => {
    const { account, client } = setup();
    const svc = client.verify.v2.services((await client.verify.v2.services.create({ friendlyName: 'Chatty' })).sid);
    const to = '+14155550104';
    const first = await svc.verifications.create({ to, channel: 'sms' });
    let last = first;
    for (let i = 2; i <= 5; i++) {
      last = await svc.verifications.create({ to, channel: i === 5 ? 'call' : 'sms' });
      expect(last.sid).toBe(first.sid);
      expect(last.sendCodeAttempts).toHaveLength(i);
    }
    expect(last.channel).toBe('call');
    expect(last.sendCodeAttempts.map((a: Json) => a.channel)).toEqual(['SMS', 'SMS', 'SMS', 'SMS', 'CALL']);
    await expect(svc.verifications.create({ to, channel: 'sms' })).rejects.toMatchObject({
      status: 429,
      code: 60203,
      message: 'Max send attempts reached',
    });
    const [row] = await inspect(sim, 'verifications', { tenant: account });
    const sms = await inspect(sim, 'messages', { tenant: account, to });
    expect(sms).toHaveLength(4);
    expect(new Set(sms.map((m) => m.body))).toEqual(new Set([`Your Chatty verification code is: ${row.code}`]));
    // Another number is not limited.
    expect((await svc.verifications.create({ to: '+14155550105', channel: 'sms' })).status).toBe('pending');
  });

  it('uses CustomCode, CustomFriendlyName, the do-not-share warning, WhatsApp and PSD2 fields', async () => {
    const { account, client } = setup();
    const service = await client.verify.v2.services.create({
      friendlyName: 'Custom',
      customCodeEnabled: true,
      doNotShareWarningEnabled: true,
      psd2Enabled: true,
      codeLength: 4,
    });
    const svc = client.verify.v2.services(service.sid);
    const v = await svc.verifications.create({
      to: '+14155550106',
      channel: 'sms',
      customCode: '4242',
      customFriendlyName: 'Acme Pay',
      amount: '€39.99',
      payee: 'Acme Inc.',
    });
    expect(v).toMatchObject({ amount: '€39.99', payee: 'Acme Inc.' });
    const [sms] = await inspect(sim, 'messages', { tenant: account });
    expect(sms.body).toBe('Your Acme Pay verification code is: 4242. Don\u2019t share this code with anyone; our employees will never ask for the code');
    expect((await svc.verificationChecks.create({ to: '+14155550106', code: '4242' })).status).toBe('approved');

    const w = await svc.verifications.create({ to: '+14155550107', channel: 'whatsapp' });
    expect(w.sendCodeAttempts[0].channel).toBe('whatsapp');
    const [wa] = await inspect(sim, 'messages', { tenant: account, to: 'whatsapp:+14155550107' });
    expect(wa).toMatchObject({ from: `whatsapp:${VERIFY_FROM}` });
    expect(wa.body).toMatch(/^Your Custom verification code is: \d{4}\. Don/);

    const plain = await client.verify.v2.services.create({ friendlyName: 'Plain' });
    await expect(
      client.verify.v2.services(plain.sid).verifications.create({ to: '+14155550108', channel: 'sms', customCode: '4242' }),
    ).rejects.toMatchObject({ status: 400, code: 60200 });
  });

  it('answers Twilio errors for bad verification input and stores nothing', async () => {
    const { account, client } = setup();
    const service = await client.verify.v2.services.create({ friendlyName: 'Errors' });
    const svc = client.verify.v2.services(service.sid);
    await expect(svc.verifications.create({ to: '+14155550109', channel: 'pigeon' })).rejects.toMatchObject({ status: 400, code: 60200, message: 'Invalid parameter: Channel' });
    await expect(svc.verifications.create({ to: '12', channel: 'sms' })).rejects.toMatchObject({ status: 400, code: 60200, message: 'Invalid parameter: To' });
    await expect(svc.verifications.create({ to: 'not-an-email', channel: 'email' })).rejects.toMatchObject({ status: 400, code: 60200 });
    const noTo = await raw(sim, 'POST', `/verify/v2/Services/${service.sid}/Verifications`, account, 'verify-token', { Channel: 'sms' });
    expect(noTo.body).toMatchObject({ status: 400, code: 20001, message: 'Missing required parameter To in the post body' });
    const noChannel = await raw(sim, 'POST', `/verify/v2/Services/${service.sid}/Verifications`, account, 'verify-token', { To: '+14155550109' });
    expect(noChannel.body).toMatchObject({ status: 400, code: 20001, message: 'Missing required parameter Channel in the post body' });
    await expect(svc.verificationChecks.create({ to: '+14155550109', code: '123456' })).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(svc.verificationChecks.create({ verificationSid: 'VE123', code: '123456' })).rejects.toMatchObject({ status: 400, code: 60200 });
    const noCode = await raw(sim, 'POST', `/verify/v2/Services/${service.sid}/VerificationCheck`, account, 'verify-token', { To: '+14155550109' });
    expect(noCode.body).toMatchObject({ status: 400, code: 20001 });
    const unknown = 'VA' + 'f'.repeat(32);
    await expect(client.verify.v2.services(unknown).verifications.create({ to: '+14155550109', channel: 'sms' })).rejects.toMatchObject({ status: 404, code: 20404 });
    const put = await client.request({ method: 'put', uri: `https://verify.twilio.com/v2/Services/${service.sid}` });
    expect(put.statusCode).toBe(405);
    expect(put.body).toMatchObject({ code: 20004, status: 405 });
    expect(await inspect(sim, 'verifications', { tenant: account })).toEqual([]);
    expect(await inspect(sim, 'messages', { tenant: account })).toEqual([]);
  });

  it('authenticates with an API key already bound to the account, and refuses an unknown one', async () => {
    const { account, client } = setup();
    expect(await client.verify.v2.services.list()).toEqual([]); // the account adopts its token first
    const key = newKeySid();
    const keyed = twilioClient(sim.url, key, 'key-secret', account).client;
    await keyed.messages.list({ limit: 1 }); // binds the key to the account (AccountSid in the path)
    const s = await keyed.verify.v2.services.create({ friendlyName: 'Keyed' });
    expect(s.accountSid).toBe(account);
    expect((await client.verify.v2.services.list()).map((x) => x.sid)).toEqual([s.sid]);
    const stranger = twilioClient(sim.url, newKeySid(), 'key-secret', account).client;
    await expect(stranger.verify.v2.services.list()).rejects.toMatchObject({ status: 401, code: 20003 });
    const wrong = twilioClient(sim.url, key, 'not-the-secret', account).client;
    await expect(wrong.verify.v2.services.list()).rejects.toMatchObject({ status: 401, code: 20003 });
    const badToken = twilioClient(sim.url, account, 'not-the-token').client;
    await expect(badToken.verify.v2.services(s.sid).fetch()).rejects.toMatchObject({ status: 401, code: 20003 });
  });

  it('wipes verifications with /__inspect/reset?tenant=', async () => {
    const { account, client } = setup();
    const svc = client.verify.v2.services((await client.verify.v2.services.create({ friendlyName: 'Reset' })).sid);
    await svc.verifications.create({ to: '+14155550110', channel: 'sms' });
    expect(await inspect(sim, 'verifications', { tenant: account })).toHaveLength(1);
    await fetch(`${sim.url}/__inspect/reset?tenant=${account}`, { method: 'POST' });
    expect(await inspect(sim, 'verifications', { tenant: account })).toEqual([]);
    expect(await client.verify.v2.services.list()).toEqual([]);
  });
});

describe('Verify with a fixed code and a manual clock', () => {
  let fixed: RunningServer;
  const clock = new ManualClock(Date.parse('2026-11-25T18:00:00Z'));
  beforeAll(async () => {
    const config = loadConfig(CONFIG_EXTENSIONS, {
      env: { TWILIO_VERIFY_FIXED_CODE: '424242' },
      overrides: { inMemory: true, port: 0, host: '127.0.0.1', logLevel: 'silent' },
    });
    fixed = await startServer({ config, clock });
  });
  afterAll(async () => {
    await fixed?.close();
  });

  it('gives every verification the configured code, and expires pending ones after 10 minutes', async () => {
    const account = newAccountSid();
    const { client, httpClient } = twilioClient(fixed.url, account, 't');
    const service = await client.verify.v2.services.create({ friendlyName: 'Demo', codeLength: 4 });
    expect(service.dateCreated.toISOString()).toBe('2026-11-25T18:00:00.000Z');
    expect((httpClient.recorded.at(-1)!.body as Json).date_created).toBe('2026-11-25T18:00:00Z');
    const svc = client.verify.v2.services(service.sid);
    const v = await svc.verifications.create({ to: '+14155550111', channel: 'sms' });
    const [row] = await inspect(fixed, 'verifications', { tenant: account });
    expect(row).toMatchObject({ sid: v.sid, code: '424242', expires_at: '2026-11-25T18:10:00Z' });
    expect((await svc.verificationChecks.create({ to: '+14155550111', code: '424242' })).status).toBe('approved');

    const late = await svc.verifications.create({ to: '+14155550112', channel: 'sms' });
    clock.advance(10 * 60 * 1000);
    await expect(svc.verifications(late.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(svc.verificationChecks.create({ to: '+14155550112', code: '424242' })).rejects.toMatchObject({ status: 404, code: 20404 });
    expect((await inspect(fixed, 'verifications', { tenant: account, status: 'expired' })).map((r) => r.sid)).toEqual([late.sid]);
    const fresh = await svc.verifications.create({ to: '+14155550112', channel: 'sms' });
    expect(fresh.sid).not.toBe(late.sid);
  });
});
