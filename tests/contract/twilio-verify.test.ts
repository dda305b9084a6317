import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, newKeySid, twilioClient } from '../helpers/twilio.js';
import { ContractValidator, formatFailures, type Exchange } from './openapi.js';

const TOKEN = 'contract-verify-token';
const verifyUrl = (path: string) => `https://verify.twilio.com/v2${path}`;

describe('Twilio Verify v2 against openapi/twilio-verify.yaml', () => {
  const account = newAccountSid();
  const validator = new ContractValidator('twilio-verify.yaml');
  let sim: RunningServer;
  let good: ReturnType<typeof twilioClient>;
  let bad: ReturnType<typeof twilioClient>;
  let stranger: ReturnType<typeof twilioClient>;
  const recorded = (): Exchange[] => [...good.httpClient.recorded, ...bad.httpClient.recorded, ...stranger.httpClient.recorded];

  beforeAll(async () => {
    sim = await startSim();
    good = twilioClient(sim.url, account, TOKEN);
    bad = twilioClient(sim.url, account, 'not-the-token');
    stranger = twilioClient(sim.url, newKeySid(), 'unbound-key-secret', account);
  });

  afterAll(async () => {
    await sim?.close();
  });

  async function codeOf(sid: string): Promise<string> {
    const res = await fetch(`${sim.url}/__inspect/twilio/verifications?tenant=${account}&limit=1000`);
    const items = (await res.json()).items as { sid: string; code: string }[];
    return items.find((i) => i.sid === sid)!.code;
  }

  let service = '';

  it('creates, fetches and lists services', async () => {
    const s = await good.client.verify.v2.services.create({ friendlyName: 'Contract Homes', codeLength: 5, psd2Enabled: true });
    service = s.sid;
    await good.client.verify.v2.services.create({ friendlyName: 'Landlines', skipSmsToLandlines: true });
    await good.client.verify.v2.services.create({ friendlyName: 'Third' });
    expect((await good.client.verify.v2.services(service).fetch()).codeLength).toBe(5);
    expect(await good.client.verify.v2.services.list({ pageSize: 2 })).toHaveLength(3);
    const page = await good.client.verify.v2.services.page({ pageSize: 1 });
    const next = await page.nextPage();
    await next!.previousPage();
    await expect(good.client.verify.v2.services.create({ friendlyName: 'x', codeLength: 12 })).rejects.toMatchObject({ status: 400, code: 60200 });
    await expect(good.client.verify.v2.services.page({ pageSize: 0 })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(good.client.verify.v2.services('VA' + '1'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('runs verifications through every outcome', async () => {
    const svc = good.client.verify.v2.services(service);
    const v = await svc.verifications.create({ to: '+14155550301', channel: 'sms', amount: '10.00', payee: 'Acme' });
    await svc.verifications.create({ to: '+14155550301', channel: 'call' });
    await svc.verifications(v.sid).fetch();
    await svc.verifications('+14155550301').fetch();
    await svc.verificationChecks.create({ to: '+14155550301', code: 'wrong' });
    await svc.verificationChecks.create({ verificationSid: v.sid, code: await codeOf(v.sid) });
    await expect(svc.verifications(v.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(svc.verifications(v.sid).update({ status: 'canceled' })).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(svc.verificationChecks.create({ to: '+14155550301', code: '00000' })).rejects.toMatchObject({ status: 404, code: 20404 });

    const e = await svc.verifications.create({ to: 'owner@example.com', channel: 'email' });
    await svc.verifications(e.sid).update({ status: 'approved' });
    const c = await svc.verifications.create({ to: '+14155550302', channel: 'whatsapp' });
    await svc.verifications(c.sid).update({ status: 'canceled' });
    await expect(svc.verifications.create({ to: '+14155550303', channel: 'carrier-pigeon' })).rejects.toMatchObject({ status: 400, code: 60200 });
    await expect(svc.verifications(c.sid).update({ status: 'done' as never })).rejects.toMatchObject({ status: 400, code: 60200 });
    await expect(svc.verificationChecks.create({ verificationSid: 'VE-nope', code: '1' })).rejects.toMatchObject({ status: 400, code: 60200 });
    await expect(good.client.verify.v2.services('VA' + '2'.repeat(32)).verifications.create({ to: '+14155550303', channel: 'sms' })).rejects.toMatchObject({ status: 404 });

    const landlines = (await good.client.verify.v2.services.list()).find((s) => s.friendlyName === 'Landlines')!;
    await expect(
      good.client.verify.v2.services(landlines.sid).verifications.create({ to: '+15005550009', channel: 'sms' }),
    ).rejects.toMatchObject({ status: 400, code: 60205 });

    for (let i = 0; i < 5; i++) await svc.verifications.create({ to: '+14155550304', channel: 'sms' });
    await expect(svc.verifications.create({ to: '+14155550304', channel: 'sms' })).rejects.toMatchObject({ status: 429, code: 60203 });
    for (let i = 0; i < 5; i++) await svc.verificationChecks.create({ to: '+14155550304', code: 'bad' });
    await expect(svc.verificationChecks.create({ to: '+14155550304', code: 'bad' })).rejects.toMatchObject({ status: 429, code: 60202 });
  });

  it('answers 405 for another method on a documented path', async () => {
    const r = await good.client.request({ method: 'delete', uri: verifyUrl('/Services') });
    expect(r.statusCode).toBe(405);
    good.httpClient.recorded.at(-1)!.method = 'DELETE';
  });

  it('answers 401 to every operation with wrong credentials or an unbound API key', async () => {
    const denied = { status: 401, code: 20003 };
    for (const c of [bad.client, stranger.client]) {
      const svc = c.verify.v2.services(service);
      await expect(c.verify.v2.services.create({ friendlyName: 'x' })).rejects.toMatchObject(denied);
      await expect(c.verify.v2.services.list()).rejects.toMatchObject(denied);
      await expect(svc.fetch()).rejects.toMatchObject(denied);
      await expect(svc.verifications.create({ to: '+14155550305', channel: 'sms' })).rejects.toMatchObject(denied);
      await expect(svc.verifications('+14155550305').fetch()).rejects.toMatchObject(denied);
      await expect(svc.verifications('+14155550305').update({ status: 'canceled' })).rejects.toMatchObject(denied);
      await expect(svc.verificationChecks.create({ to: '+14155550305', code: '1' })).rejects.toMatchObject(denied);
    }
  });

  it('every recorded response matches openapi/twilio-verify.yaml', () => {
    const verdicts = recorded().map((x) => validator.check(x));
    const failures = formatFailures(verdicts);
    if (failures) console.error(`responses not matching openapi/twilio-verify.yaml:\n\n${failures}`);
    expect(failures).toBe('');
    expect(verdicts.length).toBeGreaterThanOrEqual(50);
    for (const x of recorded()) {
      const b = x.body as { code?: number; more_info?: string; status?: number } | '';
      if (x.status >= 400 && b) {
        expect(b.status).toBe(x.status);
        expect(b.more_info).toBe(`https://www.twilio.com/docs/errors/${b.code}`);
      }
    }
  });

  it('exercised every operation and every documented response', () => {
    const documented = validator.documentedResponses();
    const seen = validator.seenResponses(recorded());
    expect([...documented].filter((d) => !seen.has(d))).toEqual([]);
    expect([...seen].filter((s) => !documented.has(s))).toEqual(['DELETE 405']);
  });
});
