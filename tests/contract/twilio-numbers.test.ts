import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';
import { ContractValidator, formatFailures, type Exchange } from './openapi.js';

const TOKEN = 'contract-numbers-token';
const api = (path: string) => `https://api.twilio.com${path}`;
const UNKNOWN = 'PN' + '0'.repeat(32);

describe('Twilio phone numbers (api v2010) against openapi/twilio-numbers.yaml', () => {
  const account = newAccountSid();
  const validator = new ContractValidator('twilio-numbers.yaml');
  let sim: RunningServer;
  let good: ReturnType<typeof twilioClient>;
  let bad: ReturnType<typeof twilioClient>;
  let otherPath: ReturnType<typeof twilioClient>;
  const recorded = (): Exchange[] => [...good.httpClient.recorded, ...bad.httpClient.recorded, ...otherPath.httpClient.recorded];

  beforeAll(async () => {
    sim = await startSim({ timing: 'manual' });
    good = twilioClient(sim.url, account, TOKEN);
    bad = twilioClient(sim.url, account, 'not-the-token');
    // The right credentials, but another account's SID in the path.
    otherPath = twilioClient(sim.url, account, TOKEN, newAccountSid());
  });

  afterAll(async () => {
    await sim?.close();
  });

  const bought: string[] = [];
  let main = '';

  it('searches local and toll-free numbers on offer', async () => {
    const local = await good.client.availablePhoneNumbers('US').local.list({ areaCode: 415, limit: 5 });
    expect(local).toHaveLength(5);
    expect(local.every((n) => n.phoneNumber.startsWith('+1415') && n.isoCountry === 'US')).toBe(true);
    expect(local[0].capabilities).toMatchObject({ voice: true });
    const again = await good.client.availablePhoneNumbers('US').local.list({ areaCode: 415, limit: 5 });
    expect(again.map((n) => n.phoneNumber)).toEqual(local.map((n) => n.phoneNumber));

    const contains = await good.client.availablePhoneNumbers('US').local.page({ contains: '555', pageSize: 3 });
    expect(contains.instances).toHaveLength(3);
    expect(contains.instances.every((n) => n.phoneNumber.includes('555'))).toBe(true);
    expect(await good.client.availablePhoneNumbers('US').local.list()).toHaveLength(50);

    const tollFree = await good.client.availablePhoneNumbers('US').tollFree.list({ limit: 4 });
    expect(tollFree).toHaveLength(4);
    expect(tollFree.every((n) => /^\+1(800|833|844|855|866|877|888)/.test(n.phoneNumber) && n.locality === null)).toBe(true);
    const eights = await good.client.availablePhoneNumbers('US').tollFree.list({ areaCode: 888, contains: '42', pageSize: 2, limit: 2 });
    expect(eights.every((n) => n.phoneNumber.startsWith('+188842'))).toBe(true);

    await expect(good.client.availablePhoneNumbers('GB').local.list()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.availablePhoneNumbers('GB').tollFree.list()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.availablePhoneNumbers('US').local.list({ areaCode: 'abc' as never })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(good.client.availablePhoneNumbers('US').tollFree.page({ pageSize: 1001 })).rejects.toMatchObject({ status: 400, code: 20001 });
  });

  it('buys numbers by PhoneNumber and by AreaCode, with configuration', async () => {
    const a = await good.client.incomingPhoneNumbers.create({
      phoneNumber: '+1 (415) 555-0101',
      friendlyName: 'Front desk',
      smsUrl: 'https://app.example.test/sms',
      smsMethod: 'get',
      voiceUrl: 'https://app.example.test/voice',
      statusCallback: 'https://app.example.test/status',
    });
    expect(a.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(a.accountSid).toBe(account);
    expect(a.phoneNumber).toBe('+14155550101');
    expect(a.friendlyName).toBe('Front desk');
    expect(a.smsMethod).toBe('GET');
    expect(a.smsFallbackUrl).toBe('');
    expect(a.type).toBe('local');
    main = a.sid;

    const b = await good.client.incomingPhoneNumbers.create({ phoneNumber: '+18005550102' });
    expect(b.friendlyName).toBe('(800) 555-0102');
    expect(b.type).toBe('toll-free');
    const c = await good.client.incomingPhoneNumbers.create({ areaCode: '212' });
    expect(c.phoneNumber).toMatch(/^\+1212\d{7}$/);
    const d = await good.client.incomingPhoneNumbers.create({ phoneNumber: '+447700900103' });
    expect(d.phoneNumber).toBe('+447700900103');
    bought.push(a.sid, b.sid, c.sid, d.sid);
  });

  it('answers 400 for numbers that cannot be bought and invalid configuration', async () => {
    const numbers = good.client.incomingPhoneNumbers;
    await expect(numbers.create({ friendlyName: 'nothing to buy' } as never)).rejects.toMatchObject({ status: 400, code: 21421 });
    await expect(numbers.create({ phoneNumber: 'not-a-number' })).rejects.toMatchObject({ status: 400, code: 21421 });
    await expect(numbers.create({ phoneNumber: '+14155550101' })).rejects.toMatchObject({ status: 400, code: 21422 });
    await expect(numbers.create({ areaCode: '41' })).rejects.toMatchObject({ status: 400, code: 21451 });
    await expect(numbers.create({ phoneNumber: '+14155550199', smsMethod: 'PUT' })).rejects.toMatchObject({ status: 400, code: 21207 });
    await expect(numbers.create({ phoneNumber: '+14155550199', voiceUrl: 'not a url' })).rejects.toMatchObject({ status: 400, code: 21502 });

    // Buy every number on offer in one area code; the next purchase there finds none.
    let exhausted: unknown;
    for (let i = 0; i < 51 && !exhausted; i++) {
      try {
        bought.push((await numbers.create({ areaCode: '503' })).sid);
      } catch (e) {
        exhausted = e;
      }
    }
    expect(exhausted).toMatchObject({ status: 400, code: 21452 });
  });

  it('lists with filters and paging', async () => {
    const all = await good.client.incomingPhoneNumbers.list();
    expect(all).toHaveLength(bought.length);
    expect(all.map((n) => n.sid)).toEqual([...bought].reverse());

    const first = await good.client.incomingPhoneNumbers.page({ pageSize: 2 });
    expect(first.instances).toHaveLength(2);
    const second = await first.nextPage();
    expect(second!.instances).toHaveLength(2);
    const back = await second!.previousPage();
    expect(back!.instances.map((n) => n.sid)).toEqual(first.instances.map((n) => n.sid));
    expect(await good.client.incomingPhoneNumbers.list({ limit: 5, pageSize: 2 })).toHaveLength(5);

    const byNumber = await good.client.incomingPhoneNumbers.list({ phoneNumber: '+14155550101' });
    expect(byNumber.map((n) => n.sid)).toEqual([main]);
    const byName = await good.client.incomingPhoneNumbers.list({ friendlyName: 'Front desk' });
    expect(byName.map((n) => n.sid)).toEqual([main]);
    expect(await good.client.incomingPhoneNumbers.list({ friendlyName: 'nobody' })).toEqual([]);

    await expect(good.client.incomingPhoneNumbers.page({ pageSize: 0 })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(good.client.incomingPhoneNumbers.page({ pageToken: 'not-a-token' })).rejects.toMatchObject({ status: 400, code: 20001 });
  });

  it('fetches, updates and releases a number', async () => {
    const f = await good.client.incomingPhoneNumbers(main).fetch();
    expect(f.sid).toBe(main);
    expect(f.voiceUrl).toBe('https://app.example.test/voice');

    const u = await good.client.incomingPhoneNumbers(main).update({
      friendlyName: 'Reception',
      smsUrl: '',
      smsFallbackUrl: 'https://app.example.test/sms-fallback',
      smsFallbackMethod: 'GET',
      voiceMethod: 'GET',
      voiceFallbackUrl: 'https://app.example.test/voice-fallback',
      voiceFallbackMethod: 'GET',
      statusCallbackMethod: 'GET',
    });
    expect(u.friendlyName).toBe('Reception');
    expect(u.smsUrl).toBe('');
    expect(u.smsFallbackUrl).toBe('https://app.example.test/sms-fallback');
    expect(u.voiceMethod).toBe('GET');
    await good.client.incomingPhoneNumbers(main).update({});
    await expect(good.client.incomingPhoneNumbers(main).update({ voiceMethod: 'PATCH' })).rejects.toMatchObject({ status: 400, code: 21207 });
    await expect(good.client.incomingPhoneNumbers(main).update({ statusCallback: 'ftp://x' })).rejects.toMatchObject({ status: 400, code: 21502 });

    const gone = bought[1];
    expect(await good.client.incomingPhoneNumbers(gone).remove()).toBe(true);
    await expect(good.client.incomingPhoneNumbers(gone).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.incomingPhoneNumbers(gone).update({ friendlyName: 'x' })).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.incomingPhoneNumbers(gone).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.incomingPhoneNumbers(UNKNOWN).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    // A released number can be bought again.
    expect((await good.client.incomingPhoneNumbers.create({ phoneNumber: '+18005550102' })).sid).not.toBe(gone);
  });

  it('answers 405 for another method on a documented path', async () => {
    const r = await good.client.request({ method: 'put', uri: api(`/2010-04-01/Accounts/${account}/IncomingPhoneNumbers.json`) });
    expect(r.statusCode).toBe(405);
    expect(r.body).toMatchObject({ code: 20004, status: 405 });
    const s = await good.client.request({ method: 'delete', uri: api(`/2010-04-01/Accounts/${account}/AvailablePhoneNumbers/US/Local.json`) });
    expect(s.statusCode).toBe(405);
  });

  it('answers 401 to every operation with a wrong auth token or another account in the path', async () => {
    const denied = { status: 401, code: 20003 };
    for (const c of [bad.client, otherPath.client]) {
      await expect(c.incomingPhoneNumbers.create({ phoneNumber: '+14155550188' })).rejects.toMatchObject(denied);
      await expect(c.incomingPhoneNumbers.list()).rejects.toMatchObject(denied);
      await expect(c.incomingPhoneNumbers(main).fetch()).rejects.toMatchObject(denied);
      await expect(c.incomingPhoneNumbers(main).update({ friendlyName: 'x' })).rejects.toMatchObject(denied);
      await expect(c.incomingPhoneNumbers(main).remove()).rejects.toMatchObject(denied);
      await expect(c.availablePhoneNumbers('US').local.list()).rejects.toMatchObject(denied);
      await expect(c.availablePhoneNumbers('US').tollFree.list()).rejects.toMatchObject(denied);
    }
    // Nothing was changed by the refused calls.
    expect((await good.client.incomingPhoneNumbers(main).fetch()).friendlyName).toBe('Reception');
  });

  it('every recorded response matches openapi/twilio-numbers.yaml', () => {
    const exchanges = recorded();
    const verdicts = exchanges.map((x) => validator.check(x));
    const failures = formatFailures(verdicts);
    if (failures) console.error(`responses not matching openapi/twilio-numbers.yaml:\n\n${failures}`);
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
    expect(documented.size).toBe(24);
    const seen = validator.seenResponses(recorded());
    expect([...documented].filter((d) => !seen.has(d))).toEqual([]);
    expect([...seen].filter((s) => !documented.has(s)).sort()).toEqual(['DELETE 405', 'PUT 405']);
  });
});
