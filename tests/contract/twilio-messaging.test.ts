import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, newKeySid, twilioClient } from '../helpers/twilio.js';
import { ContractValidator, formatFailures, type Exchange } from './openapi.js';

const TOKEN = 'contract-messaging-token';
const messagingUrl = (path: string) => `https://messaging.twilio.com/v1${path}`;
const UNKNOWN_SERVICE = 'MG' + '0'.repeat(32);
const UNKNOWN_NUMBER = 'PN' + '0'.repeat(32);

describe('Twilio Messaging v1 against openapi/twilio-messaging.yaml', () => {
  const account = newAccountSid();
  const validator = new ContractValidator('twilio-messaging.yaml');
  let sim: RunningServer;
  let good: ReturnType<typeof twilioClient>;
  let bad: ReturnType<typeof twilioClient>;
  let stranger: ReturnType<typeof twilioClient>;
  const recorded = (): Exchange[] => [...good.httpClient.recorded, ...bad.httpClient.recorded, ...stranger.httpClient.recorded];
  // IncomingPhoneNumbers bought with a separate client: only Messaging exchanges are checked here.
  const numbers: string[] = [];

  beforeAll(async () => {
    sim = await startSim({ timing: 'manual' });
    const setup = twilioClient(sim.url, account, TOKEN).client;
    for (const phoneNumber of ['+14155550201', '+14155550202', '+14155550203', '+447700900204']) {
      numbers.push((await setup.incomingPhoneNumbers.create({ phoneNumber })).sid);
    }
    good = twilioClient(sim.url, account, TOKEN);
    bad = twilioClient(sim.url, account, 'not-the-token');
    stranger = twilioClient(sim.url, newKeySid(), 'unbound-key-secret', account);
  });

  afterAll(async () => {
    await sim?.close();
  });

  const services: string[] = [];

  it('creates, fetches and lists services', async () => {
    const s = await good.client.messaging.v1.services.create({ friendlyName: 'Listings' });
    expect(s.sid).toMatch(/^MG[0-9a-f]{32}$/);
    expect(s.accountSid).toBe(account);
    expect(s.stickySender).toBe(true);
    expect(s.inboundRequestUrl).toBeNull();
    expect(s.url).toBe(`${sim.url}/messaging/v1/Services/${s.sid}`);
    expect(s.links.phone_numbers).toBe(`${sim.url}/messaging/v1/Services/${s.sid}/PhoneNumbers`);
    const t = await good.client.messaging.v1.services.create({
      friendlyName: 'Alerts',
      inboundRequestUrl: 'https://app.example.test/inbound',
      inboundMethod: 'GET',
      fallbackUrl: 'https://app.example.test/fallback',
      fallbackMethod: 'GET',
      statusCallback: 'https://app.example.test/status',
      stickySender: false,
      mmsConverter: false,
      smartEncoding: false,
      fallbackToLongCode: false,
      areaCodeGeomatch: false,
      validityPeriod: 600,
      synchronousValidation: true,
      usecase: 'notifications',
      useInboundWebhookOnNumber: true,
    });
    expect(t.inboundMethod).toBe('GET');
    expect(t.validityPeriod).toBe(600);
    expect(t.usecase).toBe('notifications');
    const u = await good.client.messaging.v1.services.create({ friendlyName: 'Third' });
    services.push(s.sid, t.sid, u.sid);

    expect((await good.client.messaging.v1.services(t.sid).fetch()).friendlyName).toBe('Alerts');
    const all = await good.client.messaging.v1.services.list({ pageSize: 2 });
    expect(all.map((x) => x.sid).sort()).toEqual([...services].sort());
    const page = await good.client.messaging.v1.services.page({ pageSize: 1 });
    const next = await page.nextPage();
    expect(next!.instances).toHaveLength(1);
    await next!.previousPage();

    await expect(good.client.messaging.v1.services.create({ friendlyName: '' })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(good.client.messaging.v1.services.create({ friendlyName: 'x', validityPeriod: 0 })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(good.client.messaging.v1.services.create({ friendlyName: 'x', inboundMethod: 'PUT' })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(good.client.messaging.v1.services.page({ pageSize: 0 })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(good.client.messaging.v1.services(UNKNOWN_SERVICE).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('updates a service', async () => {
    const [s] = services;
    const u = await good.client.messaging.v1.services(s).update({
      friendlyName: 'Listings (renamed)',
      inboundRequestUrl: 'https://app.example.test/in',
      statusCallback: 'https://app.example.test/cb',
      stickySender: false,
      validityPeriod: 36000,
    });
    expect(u.friendlyName).toBe('Listings (renamed)');
    expect(u.inboundRequestUrl).toBe('https://app.example.test/in');
    expect(u.stickySender).toBe(false);
    const cleared = await good.client.messaging.v1.services(s).update({ inboundRequestUrl: '' });
    expect(cleared.inboundRequestUrl).toBeNull();
    await good.client.messaging.v1.services(s).update({});
    await expect(good.client.messaging.v1.services(s).update({ fallbackUrl: 'not a url' })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(good.client.messaging.v1.services(s).update({ stickySender: 'maybe' as never })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(good.client.messaging.v1.services(UNKNOWN_SERVICE).update({ friendlyName: 'x' })).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('manages the sender pool', async () => {
    const [s, t] = services;
    const pool = good.client.messaging.v1.services(s).phoneNumbers;
    const a = await pool.create({ phoneNumberSid: numbers[0] });
    expect(a.sid).toBe(numbers[0]);
    expect(a.serviceSid).toBe(s);
    expect(a.phoneNumber).toBe('+14155550201');
    expect(a.countryCode).toBe('US');
    expect(a.url).toBe(`${sim.url}/messaging/v1/Services/${s}/PhoneNumbers/${numbers[0]}`);
    await pool.create({ phoneNumberSid: numbers[1] });
    await pool.create({ phoneNumberSid: numbers[2] });
    await good.client.messaging.v1.services(t).phoneNumbers.create({ phoneNumberSid: numbers[3] });

    expect((await pool.list()).map((n) => n.sid)).toEqual([numbers[2], numbers[1], numbers[0]]);
    const first = await pool.page({ pageSize: 2 });
    expect(first.instances).toHaveLength(2);
    const second = await first.nextPage();
    expect(second!.instances.map((n) => n.sid)).toEqual([numbers[0]]);
    await second!.previousPage();
    expect((await pool(numbers[1]).fetch()).phoneNumber).toBe('+14155550202');

    await expect(pool.create({ phoneNumberSid: numbers[0] })).rejects.toMatchObject({ status: 409, code: 21710 });
    const elsewhere = await good.client.messaging.v1.services(t).phoneNumbers.create({ phoneNumberSid: numbers[0] }).catch((e: unknown) => e);
    expect.soft(elsewhere).toMatchObject({ status: 409, code: 21712 });
    await expect(pool.create({ phoneNumberSid: UNKNOWN_NUMBER })).rejects.toMatchObject({ status: 400, code: 21710 });
    await expect(pool.create({ phoneNumberSid: '' })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(pool.page({ pageSize: 1001 })).rejects.toMatchObject({ status: 400, code: 20001 });
    const nowhere = good.client.messaging.v1.services(UNKNOWN_SERVICE).phoneNumbers;
    await expect(nowhere.create({ phoneNumberSid: numbers[0] })).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(nowhere.list()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(pool(numbers[3]).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });

    expect(await pool(numbers[2]).remove()).toBe(true);
    await expect(pool(numbers[2]).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(pool(numbers[2]).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
    // Out of the pool, the number can join another Service.
    await good.client.messaging.v1.services(t).phoneNumbers.create({ phoneNumberSid: numbers[2] });
  });

  it('deletes a service with its sender pool', async () => {
    const [s] = services;
    expect(await good.client.messaging.v1.services(s).remove()).toBe(true);
    await expect(good.client.messaging.v1.services(s).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.messaging.v1.services(s).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.messaging.v1.services(s).phoneNumbers.list()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.messaging.v1.services(s).phoneNumbers(numbers[0]).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
    // Its numbers are free again.
    const again = await good.client.messaging.v1.services(services[2]).phoneNumbers.create({ phoneNumberSid: numbers[0] });
    expect(again.serviceSid).toBe(services[2]);
    expect((await good.client.messaging.v1.services.list()).map((x) => x.sid).sort()).toEqual(services.slice(1).sort());
  });

  it('answers 405 for another method on a documented path', async () => {
    const r = await good.client.request({ method: 'put', uri: messagingUrl('/Services') });
    expect(r.statusCode).toBe(405);
    expect(r.body).toMatchObject({ code: 20004, status: 405 });
    const s = await good.client.request({ method: 'post', uri: messagingUrl(`/Services/${services[1]}/PhoneNumbers/${numbers[3]}`) });
    expect(s.statusCode).toBe(405);
  });

  it('answers 401 to every operation with wrong credentials or an unbound API key', async () => {
    const denied = { status: 401, code: 20003 };
    const service = services[1];
    for (const c of [bad.client, stranger.client]) {
      const svc = c.messaging.v1.services(service);
      await expect(c.messaging.v1.services.create({ friendlyName: 'x' })).rejects.toMatchObject(denied);
      await expect(c.messaging.v1.services.list()).rejects.toMatchObject(denied);
      await expect(svc.fetch()).rejects.toMatchObject(denied);
      await expect(svc.update({ friendlyName: 'x' })).rejects.toMatchObject(denied);
      await expect(svc.remove()).rejects.toMatchObject(denied);
      await expect(svc.phoneNumbers.create({ phoneNumberSid: numbers[1] })).rejects.toMatchObject(denied);
      await expect(svc.phoneNumbers.list()).rejects.toMatchObject(denied);
      await expect(svc.phoneNumbers(numbers[3]).fetch()).rejects.toMatchObject(denied);
      await expect(svc.phoneNumbers(numbers[3]).remove()).rejects.toMatchObject(denied);
    }
    // Nothing was changed by the refused calls.
    expect((await good.client.messaging.v1.services(service).fetch()).friendlyName).toBe('Alerts');
    expect(await good.client.messaging.v1.services(service).phoneNumbers.list()).toHaveLength(2);
  });

  it('every recorded response matches openapi/twilio-messaging.yaml', () => {
    const exchanges = recorded();
    const verdicts = exchanges.map((x) => validator.check(x));
    const failures = formatFailures(verdicts);
    if (failures) console.error(`responses not matching openapi/twilio-messaging.yaml:\n\n${failures}`);
    expect(failures).toBe('');
    expect(verdicts.length).toBeGreaterThanOrEqual(60);
    for (const x of exchanges) {
      const b = x.body as { code?: number; more_info?: string; status?: number } | '';
      if (x.status >= 400 && b) {
        expect(b.status).toBe(x.status);
        expect(b.more_info).toBe(`https://www.twilio.com/docs/errors/${b.code}`);
      }
    }
  });

  it('exercised every operation and every documented response', () => {
    const documented = validator.documentedResponses();
    expect(documented.size).toBe(31);
    const seen = validator.seenResponses(recorded());
    expect([...documented].filter((d) => !seen.has(d))).toEqual([]);
    expect([...seen].filter((s) => !documented.has(s)).sort()).toEqual(['POST 405', 'PUT 405']);
  });
});
