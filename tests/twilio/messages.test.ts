import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { messagingService, newAccountSid, newKeySid, twilioClient } from '../helpers/twilio.js';

let sim: RunningServer;
beforeAll(async () => {
  // Manual timing: messages stay as created, so their statuses can be asserted exactly.
  sim = await startSim({ timing: 'manual' });
});
afterAll(async () => {
  await sim?.close();
});

const RFC2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

async function inspect(path: string): Promise<any> {
  const res = await fetch(sim.url + path);
  expect(res.status).toBe(200);
  return res.json();
}

async function rawBody(path: string, sid: string, token: string): Promise<any> {
  const res = await fetch(sim.url + path, {
    headers: { authorization: 'Basic ' + Buffer.from(`${sid}:${token}`).toString('base64') },
  });
  return { status: res.status, body: await res.json() };
}

describe('twilio-node Messages', () => {
  it('creates a message and stores it exactly', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 'token-1');
    const body = 'Hi Ann & Bob: 50% off + free "tour" at 10:30 — café ✓ 🏡';
    const m = await client.messages.create({ to: '+15551230001', from: '+15005550006', body });
    expect(m.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(m.accountSid).toBe(sid);
    expect(m.body).toBe(body);
    expect(m.status).toBe('queued');
    expect(m.direction).toBe('outbound-api');
    expect(m.numSegments).toBe('1');
    expect(m.numMedia).toBe('0');
    expect(m.apiVersion).toBe('2010-04-01');
    expect(m.price).toBeNull();
    expect(m.priceUnit).toBe('USD');
    expect(m.dateCreated).toBeInstanceOf(Date);
    expect(Math.abs(m.dateCreated.getTime() - Date.now())).toBeLessThan(5000);
    expect(m.uri).toBe(`/2010-04-01/Accounts/${sid}/Messages/${m.sid}.json`);
    expect(m.subresourceUris.media).toBe(`/2010-04-01/Accounts/${sid}/Messages/${m.sid}/Media.json`);

    const raw = await rawBody(`/2010-04-01/Accounts/${sid}/Messages/${m.sid}.json`, sid, 'token-1');
    expect(raw.status).toBe(200);
    expect(raw.body.date_created).toMatch(RFC2822);
    expect(Object.keys(raw.body)).toEqual([...Object.keys(raw.body)].sort());
    expect(typeof raw.body.num_segments).toBe('string');

    const stored = await inspect(`/__inspect/twilio/messages?tenant=${sid}`);
    expect(stored.items).toHaveLength(1);
    expect(stored.items[0]).toMatchObject({ sid: m.sid, to: '+15551230001', from: '+15005550006', body, status: 'queued' });
  });

  it('counts segments for GSM-7 and UCS-2 bodies', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 't');
    const gsm = await client.messages.create({ to: '+15551230002', from: '+15005550006', body: 'a'.repeat(161) });
    expect(gsm.numSegments).toBe('2');
    const ucs = await client.messages.create({ to: '+15551230002', from: '+15005550006', body: 'é'.repeat(70) + '😀' });
    expect(ucs.numSegments).toBe('2');
    const ext = await client.messages.create({ to: '+15551230002', from: '+15005550006', body: '€'.repeat(80) });
    expect(ext.numSegments).toBe('1');
  });

  it('sends MMS with MediaUrl and serves the Media subresource', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 't');
    const m = await client.messages.create({
      to: '+15551230003',
      from: '+15005550006',
      body: 'Listing photos',
      mediaUrl: ['https://example.com/house/front.jpg', 'https://example.com/house/plan.pdf'],
    });
    expect(m.sid).toMatch(/^MM[0-9a-f]{32}$/);
    expect(m.numMedia).toBe('2');
    const media = await client.messages(m.sid).media.list();
    expect(media).toHaveLength(2);
    const types = media.map((x) => x.contentType).sort();
    expect(types).toEqual(['application/pdf', 'image/jpeg']);
    for (const x of media) {
      expect(x.sid).toMatch(/^ME[0-9a-f]{32}$/);
      expect(x.parentSid).toBe(m.sid);
    }
    const one = await client.messages(m.sid).media(media[0].sid).fetch();
    expect(one.sid).toBe(media[0].sid);
    expect(await client.messages(m.sid).media(media[0].sid).remove()).toBe(true);
    expect(await client.messages(m.sid).media.list()).toHaveLength(1);
    expect((await client.messages(m.sid).fetch()).numMedia).toBe('1');
    const stored = await inspect(`/__inspect/twilio/messages?tenant=${sid}`);
    const remaining = media[1].contentType === 'application/pdf' ? 'plan.pdf' : 'front.jpg';
    expect(stored.items[0].media_urls).toEqual([`https://example.com/house/${remaining}`]);
    await expect(client.messages(m.sid).media(media[0].sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('lists newest first and walks every page with list({limit}) and each()', async () => {
    const sid = newAccountSid();
    const { client, httpClient } = twilioClient(sim.url, sid, 't');
    const sids: string[] = [];
    for (let i = 0; i < 23; i++) {
      sids.push((await client.messages.create({ to: '+15551239999', from: '+15005550006', body: `n${i}` })).sid);
    }
    httpClient.recorded.length = 0;
    const all = await client.messages.list({ pageSize: 5 });
    expect(all.map((m) => m.sid)).toEqual([...sids].reverse());
    const pages = httpClient.recorded.filter((r) => r.method === 'GET');
    expect(pages.length).toBe(5);
    const first = pages[0].body as any;
    expect(first.next_page_uri).toMatch(/^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Messages\.json\?PageSize=5&Page=1&PageToken=PA/);
    expect(first.previous_page_uri).toBeNull();
    expect(first).toMatchObject({ page: 0, page_size: 5, start: 0, end: 4 });
    expect((pages[1].body as any).previous_page_uri).toMatch(/PageToken=PB/);

    const limited = await client.messages.list({ limit: 7, pageSize: 3 });
    expect(limited.map((m) => m.sid)).toEqual([...sids].reverse().slice(0, 7));

    const seen: string[] = [];
    await new Promise<void>((resolve, reject) =>
      client.messages.each({ pageSize: 4, done: (e?: Error) => (e ? reject(e) : resolve()) } as any, (m) => {
        seen.push(m.sid);
      }),
    );
    expect(seen).toEqual([...sids].reverse());
  });

  it('keeps paging stable while new messages arrive', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 't');
    const sids: string[] = [];
    for (let i = 0; i < 6; i++) sids.push((await client.messages.create({ to: '+15551230005', from: '+15005550006', body: `x${i}` })).sid);
    const page1 = await client.messages.page({ pageSize: 3 });
    expect(page1.instances.map((m) => m.sid)).toEqual(sids.slice(3).reverse());
    await client.messages.create({ to: '+15551230005', from: '+15005550006', body: 'late arrival' });
    const page2 = await page1.nextPage();
    expect(page2!.instances.map((m) => m.sid)).toEqual(sids.slice(0, 3).reverse());
    expect(await page2!.nextPage()).toBeFalsy();
  });

  it('filters by To, From and DateSent', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 't');
    await client.messages.create({ to: '+15551230010', from: '+15005550006', body: 'a' });
    await client.messages.create({ to: '+15551230011', from: '+15005550006', body: 'b' });
    await client.messages.create({ to: '+15551230010', from: '+15557770000', body: 'c' });
    expect((await client.messages.list({ to: '+15551230010' })).map((m) => m.body).sort()).toEqual(['a', 'c']);
    expect((await client.messages.list({ from: '+15557770000' })).map((m) => m.body)).toEqual(['c']);
    const yesterday = new Date(Date.now() - 86_400_000);
    const tomorrow = new Date(Date.now() + 86_400_000);
    expect(await client.messages.list({ dateSentAfter: yesterday, dateSentBefore: tomorrow })).toHaveLength(3);
    expect(await client.messages.list({ dateSentBefore: yesterday })).toHaveLength(0);
    expect(await client.messages.list({ dateSentAfter: tomorrow })).toHaveLength(0);
    expect(await client.messages.list({ dateSent: yesterday })).toHaveLength(0);
    // A date at midnight (how the SDKs send a day) covers that whole day.
    const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
    expect(await client.messages.list({ dateSent: today })).toHaveLength(3);
    const stored = await inspect(`/__inspect/twilio/messages?tenant=${sid}&to=+15551230010`);
    expect(stored.items.map((m: any) => m.body).sort()).toEqual(['a', 'c']);
  });

  it('redacts with Body="" and deletes', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 't');
    const m = await client.messages.create({ to: '+15551230020', from: '+15005550006', body: 'secret code 1234' });
    const red = await client.messages(m.sid).update({ body: '' });
    expect(red.body).toBe('');
    expect((await client.messages(m.sid).fetch()).body).toBe('');
    expect(await client.messages(m.sid).remove()).toBe(true);
    await expect(client.messages(m.sid).fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
      moreInfo: 'https://www.twilio.com/docs/errors/20404',
    });
    await expect(client.messages(m.sid).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
    const stored = await inspect(`/__inspect/twilio/messages?tenant=${sid}`);
    expect(stored.items).toHaveLength(0);
  });

  it('schedules with a Messaging Service and cancels', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 't');
    const mg = await messagingService(client, '+14155550607');
    const accepted = await client.messages.create({ to: '+15551230030', messagingServiceSid: mg, body: 'via service' });
    expect(accepted.status).toBe('accepted');
    expect(accepted.messagingServiceSid).toBe(mg);
    expect(accepted.from).toBeNull();
    expect(accepted.numSegments).toBe('0');
    const sendAt = new Date(Date.now() + 3_600_000);
    const sch = await client.messages.create({ to: '+15551230030', messagingServiceSid: mg, body: 'later', scheduleType: 'fixed', sendAt });
    expect(sch.status).toBe('scheduled');
    const canceled = await client.messages(sch.sid).update({ status: 'canceled' });
    expect(canceled.status).toBe('canceled');
    await expect(client.messages(accepted.sid).update({ status: 'canceled' })).rejects.toMatchObject({ status: 400 });
    await expect(
      client.messages.create({ to: '+15551230030', messagingServiceSid: mg, body: 'too soon', scheduleType: 'fixed', sendAt: new Date(Date.now() + 60_000) }),
    ).rejects.toMatchObject({ status: 400, code: 35114 });
    // Without a Messaging Service the schedule is dropped and the message is sent now.
    const now = await client.messages.create({ to: '+15551230030', from: '+15005550006', body: 'now', scheduleType: 'fixed', sendAt });
    expect(now.status).toBe('queued');
    const stored = await inspect(`/__inspect/twilio/messages?tenant=${sid}&status=canceled`);
    expect(stored.items.map((x: any) => x.sid)).toEqual([sch.sid]);
  });
});

describe('twilio-node errors', () => {
  const cases: [string, Record<string, unknown>, number, number][] = [
    ['To missing', { from: '+15005550006', body: 'x', to: '' }, 21604, 400],
    ['From missing', { to: '+15551234567', body: 'x' }, 21603, 400],
    ['Body missing', { to: '+15551234567', from: '+15005550006' }, 21602, 400],
    ['Body too long', { to: '+15551234567', from: '+15005550006', body: 'x'.repeat(1601) }, 21617, 400],
    ['invalid To', { to: 'not-a-number', from: '+15005550006', body: 'x' }, 21211, 400],
    ['invalid From', { to: '+15551234567', from: '+1', body: 'x' }, 21212, 400],
    ['magic To 01', { to: '+15005550001', from: '+15005550006', body: 'x' }, 21211, 400],
    ['magic To 02', { to: '+15005550002', from: '+15005550006', body: 'x' }, 21612, 400],
    ['magic To 03', { to: '+15005550003', from: '+15005550006', body: 'x' }, 21408, 400],
    ['magic To 04', { to: '+15005550004', from: '+15005550006', body: 'x' }, 21610, 400],
    ['magic To 09', { to: '+15005550009', from: '+15005550006', body: 'x' }, 21614, 400],
    ['magic From 01', { to: '+15551234567', from: '+15005550001', body: 'x' }, 21212, 400],
    ['magic From 07', { to: '+15551234567', from: '+15005550007', body: 'x' }, 21606, 400],
    ['magic From 08', { to: '+15551234567', from: '+15005550008', body: 'x' }, 21611, 400],
  ];
  for (const [name, params, code, status] of cases) {
    it(`${name} -> ${code}`, async () => {
      const sid = newAccountSid();
      const { client } = twilioClient(sim.url, sid, 't');
      const err = await client.messages.create(params as any).then(
        () => null,
        (e) => e,
      );
      expect(err).not.toBeNull();
      expect(err.constructor.name).toBe('RestException');
      expect(err).toMatchObject({ code, status, moreInfo: `https://www.twilio.com/docs/errors/${code}` });
      expect(typeof err.message).toBe('string');
      const stored = await inspect(`/__inspect/twilio/messages?tenant=${sid}`);
      expect(stored.items).toHaveLength(0);
    });
  }

  it('a body of exactly 1600 characters is accepted', async () => {
    const { client } = twilioClient(sim.url, newAccountSid(), 't');
    const m = await client.messages.create({ to: '+15551234567', from: '+15005550006', body: 'y'.repeat(1600) });
    expect(m.numSegments).toBe('11');
  });
});

describe('twilio-node auth and tenancy', () => {
  it('the first auth token seen becomes the account token; another one gets 20003', async () => {
    const sid = newAccountSid();
    const good = twilioClient(sim.url, sid, 'first-token').client;
    const acct = await good.api.v2010.accounts(sid).fetch();
    expect(acct.sid).toBe(sid);
    expect(acct.authToken).toBe('first-token');
    expect(acct.status).toBe('active');
    expect(acct.type).toBe('Full');
    const bad = twilioClient(sim.url, sid, 'other-token').client;
    const err = await bad.messages.create({ to: '+15551234567', from: '+15005550006', body: 'x' }).catch((e) => e);
    expect(err).toMatchObject({ status: 401, code: 20003 });
    expect(err.details ?? err.detail ?? 'Your AccountSid or AuthToken was incorrect.').toBeTruthy();
    expect((await inspect(`/__inspect/twilio/messages?tenant=${sid}`)).items).toHaveLength(0);
  });

  it('API keys (SK...) authenticate with the AccountSid in the path', async () => {
    const sid = newAccountSid();
    const key = newKeySid();
    const { client } = twilioClient(sim.url, key, 'key-secret', sid);
    const m = await client.messages.create({ to: '+15551234500', from: '+15005550006', body: 'via key' });
    expect(m.accountSid).toBe(sid);
    const acct = await client.api.v2010.accounts(sid).fetch();
    expect(acct.authToken).toBe('test-auth-token');
    const wrong = twilioClient(sim.url, key, 'wrong-secret', sid).client;
    await expect(wrong.messages.list()).rejects.toMatchObject({ status: 401, code: 20003 });
    const otherAccount = twilioClient(sim.url, key, 'key-secret', newAccountSid()).client;
    await expect(otherAccount.messages.list()).rejects.toMatchObject({ status: 401, code: 20003 });
  });

  it('two accounts never see each other', async () => {
    const a = newAccountSid();
    const b = newAccountSid();
    const ca = twilioClient(sim.url, a, 'ta').client;
    const cb = twilioClient(sim.url, b, 'tb').client;
    const ma = await ca.messages.create({ to: '+15551231111', from: '+15005550006', body: 'for a' });
    await cb.messages.create({ to: '+15551232222', from: '+15005550006', body: 'for b' });
    expect((await ca.messages.list()).map((m) => m.body)).toEqual(['for a']);
    expect((await cb.messages.list()).map((m) => m.body)).toEqual(['for b']);
    await expect(cb.messages(ma.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    // b's credentials on a's path are refused
    const cross = await rawBody(`/2010-04-01/Accounts/${a}/Messages.json`, b, 'tb');
    expect(cross.status).toBe(401);
    expect(cross.body.code).toBe(20003);
    const tenants = await inspect('/__inspect/tenants');
    const ids = tenants.items.filter((t: any) => t.provider === 'twilio').map((t: any) => t.tenant);
    expect(ids).toEqual(expect.arrayContaining([a, b]));
    expect((await inspect(`/__inspect/twilio/messages?tenant=${a}`)).items.map((m: any) => m.body)).toEqual(['for a']);
  });

  it('works when TWILIO_REGION/edge rewrite the host', async () => {
    const sid = newAccountSid();
    const { client, httpClient } = twilioClient(sim.url, sid, 't');
    client.region = 'ie1';
    client.edge = 'dublin';
    const m = await client.messages.create({ to: '+15551234777', from: '+15005550006', body: 'from Dublin' });
    expect(m.body).toBe('from Dublin');
    expect(httpClient.recorded[0].url.startsWith(sim.url + '/2010-04-01/')).toBe(true);
  });
});
