import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { messagingService, newAccountSid, twilioClient } from '../helpers/twilio.js';
import { ContractValidator, formatFailures, type Exchange } from './openapi.js';

const TOKEN = 'contract-auth-token';
const MAX_BODY = 16 * 1024;
const FROM = '+15550100001';
let SERVICE = '';
const api = (path: string) => `https://api.twilio.com${path}`;

describe('Twilio api v2010 against openapi/twilio.yaml', () => {
  const account = newAccountSid();
  const validator = new ContractValidator('twilio.yaml');
  let sim: RunningServer;
  let good: ReturnType<typeof twilioClient>;
  let bad: ReturnType<typeof twilioClient>;
  const recorded = (): Exchange[] => [...good.httpClient.recorded, ...bad.httpClient.recorded];

  beforeAll(async () => {
    sim = await startSim({ maxBodyBytes: MAX_BODY });
    good = twilioClient(sim.url, account, TOKEN);
    bad = twilioClient(sim.url, account, 'not-the-token');
    // Set up with a separate client: only the recorded exchanges are checked against twilio.yaml.
    SERVICE = await messagingService(twilioClient(sim.url, account, TOKEN).client, '+14155550608');
  });

  afterAll(async () => {
    await sim?.close();
  });

  // Filled by the scenarios, used by later ones.
  const sent: string[] = [];
  let sms = '';
  let mms = '';

  it('creates messages with and without MediaUrl, and through a Messaging Service', async () => {
    const a = await good.client.messages.create({ to: '+1 (555) 010-0199', from: FROM, body: 'hello from the contract test' });
    expect(a.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(a.accountSid).toBe(account);
    expect(a.to).toBe('+15550100199');
    expect(a.from).toBe(FROM);
    expect(a.status).toBe('queued');
    expect(a.direction).toBe('outbound-api');
    expect(a.numMedia).toBe('0');
    expect(a.numSegments).toBe('1');
    expect(a.dateSent).toBeNull();
    sms = a.sid;

    const m = await good.client.messages.create({
      to: '+15550100299',
      from: FROM,
      body: 'with pictures',
      mediaUrl: ['https://media.example.test/cat.png', 'https://media.example.test/menu.pdf'],
    });
    expect(m.sid).toMatch(/^MM[0-9a-f]{32}$/);
    expect(m.numMedia).toBe('2');
    expect(m.subresourceUris.media).toBe(`/2010-04-01/Accounts/${account}/Messages/${m.sid}/Media.json`);
    mms = m.sid;

    const s = await good.client.messages.create({ to: '+15550100399', messagingServiceSid: SERVICE, body: 'via a service' });
    expect(s.from).toBeNull();
    expect(s.messagingServiceSid).toBe(SERVICE);
    expect(s.status).toBe('accepted');

    for (let i = 0; i < 4; i++) {
      const x = await good.client.messages.create({ to: '+15550100499', from: FROM, body: `batch ${i} ${'é'.repeat(i * 30)}` });
      sent.push(x.sid);
    }
    sent.unshift(a.sid, m.sid, s.sid);
  });

  it('schedules and cancels a message', async () => {
    const sendAt = new Date(Date.now() + 2 * 3600_000);
    const s = await good.client.messages.create({
      to: '+15550100599',
      messagingServiceSid: SERVICE,
      body: 'later',
      scheduleType: 'fixed',
      sendAt,
    });
    expect(s.status).toBe('scheduled');
    sent.push(s.sid);
    const c = await good.client.messages(s.sid).update({ status: 'canceled' });
    expect(c.status).toBe('canceled');
    await expect(good.client.messages(s.sid).update({ status: 'canceled' })).rejects.toMatchObject({ status: 400, code: 30409 });
  });

  it('lists with paging: a small PageSize, next and previous pages, then list({limit}) walking pages', async () => {
    const newestFirst = [...sent].reverse();
    const first = await good.client.messages.page({ pageSize: 2 });
    expect(first.instances.map((x) => x.sid)).toEqual(newestFirst.slice(0, 2));
    expect(first.nextPageUrl).toBeTruthy();
    const second = await first.nextPage();
    expect(second?.instances.map((x) => x.sid)).toEqual(newestFirst.slice(2, 4));
    const back = await second!.previousPage();
    expect(back?.instances.map((x) => x.sid)).toEqual(newestFirst.slice(0, 2));

    const before = good.httpClient.recorded.length;
    const five = await good.client.messages.list({ limit: 5, pageSize: 2 });
    expect(five.map((x) => x.sid)).toEqual(newestFirst.slice(0, 5));
    expect(good.httpClient.recorded.length - before).toBe(3);

    const all = await good.client.messages.list({ limit: 100 });
    expect(all.map((x) => x.sid)).toEqual(newestFirst);
  });

  it('filters by To, From and DateSent', async () => {
    const batch = await good.client.messages.list({ to: '+15550100499' });
    expect(batch).toHaveLength(4);
    const fromNumber = await good.client.messages.list({ from: FROM });
    expect(fromNumber.every((x) => x.from === FROM)).toBe(true);
    expect(fromNumber).toHaveLength(6);
    const now = Date.now();
    const window = await good.client.messages.list({ dateSentAfter: new Date(now - 3600_000), dateSentBefore: new Date(now + 3600_000) });
    expect(window).toHaveLength(sent.length);
    const yesterday = await good.client.messages.list({ dateSentBefore: new Date(now - 2 * 86_400_000) });
    expect(yesterday).toHaveLength(0);
    const created = (await good.client.messages(sms).fetch()).dateCreated;
    const day = new Date(Date.UTC(created.getUTCFullYear(), created.getUTCMonth(), created.getUTCDate()));
    expect((await good.client.messages.list({ dateSent: day })).map((x) => x.sid)).toContain(sms);
  });

  it('fetches, redacts and deletes a message', async () => {
    const f = await good.client.messages(sms).fetch();
    expect(f.sid).toBe(sms);
    expect(f.body).toBe('hello from the contract test');
    const r = await good.client.messages(sms).update({ body: '' });
    expect(r.body).toBe('');
    expect((await good.client.messages(sms).fetch()).body).toBe('');
    await expect(good.client.messages(sms).update({ body: 'un-redact' })).rejects.toMatchObject({ status: 400, code: 20001 });

    const last = sent[sent.length - 2];
    expect(await good.client.messages(last).remove()).toBe(true);
    await expect(good.client.messages(last).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.messages(last).update({ body: '' })).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.messages(last).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.messages(last).media.list()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('lists, pages, fetches and deletes media', async () => {
    const list = await good.client.messages(mms).media.list();
    expect(list).toHaveLength(2);
    expect(list.every((x) => x.parentSid === mms && /^ME[0-9a-f]{32}$/.test(x.sid))).toBe(true);
    expect(list.map((x) => x.contentType).sort()).toEqual(['application/pdf', 'image/png']);

    const p1 = await good.client.messages(mms).media.page({ pageSize: 1 });
    expect(p1.instances).toHaveLength(1);
    const p2 = await p1.nextPage();
    expect(p2?.instances).toHaveLength(1);
    expect(p2!.instances[0].sid).not.toBe(p1.instances[0].sid);

    const one = await good.client.messages(mms).media(list[0].sid).fetch();
    expect(one.sid).toBe(list[0].sid);
    expect(one.uri).toBe(`/2010-04-01/Accounts/${account}/Messages/${mms}/Media/${one.sid}.json`);

    expect(await good.client.messages(mms).media(one.sid).remove()).toBe(true);
    expect((await good.client.messages(mms).fetch()).numMedia).toBe('1');
    expect(await good.client.messages(mms).media.list()).toHaveLength(1);
    await expect(good.client.messages(mms).media(one.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.messages(mms).media(one.sid).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('fetches the account', async () => {
    const a = await good.client.api.v2010.accounts(account).fetch();
    expect(a.sid).toBe(account);
    expect(a.ownerAccountSid).toBe(account);
    expect(a.authToken).toBe(TOKEN);
    expect(a.status).toBe('active');
    expect(a.subresourceUris.messages).toBe(`/2010-04-01/Accounts/${account}/Messages.json`);
  });

  it('answers 400 for invalid parameters', async () => {
    await expect(good.client.messages.create({ to: '', from: FROM, body: 'x' })).rejects.toMatchObject({ status: 400, code: 21604 });
    await expect(good.client.messages.create({ to: '+15550100199', body: 'x' })).rejects.toMatchObject({ status: 400, code: 21603 });
    await expect(good.client.messages.create({ to: '+15005550001', from: FROM, body: 'x' })).rejects.toMatchObject({ status: 400, code: 21211 });
    await expect(good.client.messages.list({ dateSent: new Date(Number.NaN) })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(good.client.messages.page({ pageSize: 1001 })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(good.client.messages(mms).media.page({ pageToken: 'not-a-token' })).rejects.toMatchObject({ status: 400, code: 20001 });
  });

  it('answers 413 for a form body over the limit', async () => {
    const huge = 'x'.repeat(MAX_BODY + 1);
    await expect(good.client.messages.create({ to: '+15550100199', from: FROM, body: huge })).rejects.toMatchObject({ status: 413 });
    await expect(good.client.messages(mms).update({ body: huge })).rejects.toMatchObject({ status: 413 });
  });

  it('answers 405 for another method on a documented path', async () => {
    const r = await good.client.request({ method: 'put', uri: api(`/2010-04-01/Accounts/${account}/Messages.json`) });
    expect(r.statusCode).toBe(405);
    expect(r.body).toMatchObject({ code: 20004, status: 405 });
  });

  it('answers 401 to every operation with a wrong auth token', async () => {
    const media = (await good.client.messages(mms).media.list())[0].sid;
    const denied = { status: 401, code: 20003 };
    await expect(bad.client.api.v2010.accounts(account).fetch()).rejects.toMatchObject(denied);
    await expect(bad.client.messages.create({ to: '+15550100199', from: FROM, body: 'x' })).rejects.toMatchObject(denied);
    await expect(bad.client.messages.list()).rejects.toMatchObject(denied);
    await expect(bad.client.messages(mms).fetch()).rejects.toMatchObject(denied);
    await expect(bad.client.messages(mms).update({ body: '' })).rejects.toMatchObject(denied);
    await expect(bad.client.messages(mms).remove()).rejects.toMatchObject(denied);
    await expect(bad.client.messages(mms).media.list()).rejects.toMatchObject(denied);
    await expect(bad.client.messages(mms).media(media).fetch()).rejects.toMatchObject(denied);
    await expect(bad.client.messages(mms).media(media).remove()).rejects.toMatchObject(denied);
    // Nothing was changed by the refused calls.
    expect((await good.client.messages(mms).fetch()).numMedia).toBe('1');
  });

  // Voice: calls, recordings, transcriptions.
  const voice = { call: '', queued: '', recording: '', verbRecording: '', transcription: '' };
  const CA0 = 'CA' + '0'.repeat(32);
  const RE0 = 'RE' + '0'.repeat(32);
  const TR0 = 'TR' + '0'.repeat(32);
  const inspect = (path: string, body: unknown) =>
    fetch(`${sim.url}/__inspect/twilio${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('creates, advances, lists, fetches, updates and deletes calls', async () => {
    const c = await good.client.calls.create({
      to: '+15550100699',
      from: FROM,
      twiml: '<Response><Say>Hello from the contract test.</Say><Record transcribe="true" maxLength="10"/></Response>',
      record: true,
      statusCallbackEvent: ['initiated', 'completed'],
    });
    expect(c.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(c.status).toBe('queued');
    voice.call = c.sid;
    expect((await inspect(`/calls/${c.sid}/advance`, { status: 'completed' })).status).toBe(200);
    const done = await good.client.calls(c.sid).fetch();
    expect(done.status).toBe('completed');
    expect(Number(done.duration)).toBeGreaterThan(0);
    const q = await good.client.calls.create({ to: '+15550100698', from: FROM, url: 'https://app.example.test/voice' });
    voice.queued = q.sid;

    const p1 = await good.client.calls.page({ pageSize: 1 });
    expect(p1.instances.map((x) => x.sid)).toEqual([q.sid]);
    const p2 = await p1.nextPage();
    expect(p2?.instances.map((x) => x.sid)).toEqual([c.sid]);
    expect((await p2!.previousPage())?.instances.map((x) => x.sid)).toEqual([q.sid]);
    expect((await good.client.calls.list({ status: 'completed' })).map((x) => x.sid)).toEqual([c.sid]);
    await expect(good.client.calls.list({ status: 'bogus' as 'queued' })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(good.client.calls(CA0).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });

    await expect(good.client.calls.create({ to: '', from: FROM, url: 'https://app.example.test/voice' })).rejects.toMatchObject({ status: 400, code: 21201 });
    await expect(good.client.calls.create({ to: '+15550100698', from: FROM, twiml: 'x'.repeat(MAX_BODY + 1) })).rejects.toMatchObject({ status: 413 });
    await expect(good.client.calls(c.sid).update({ url: 'https://app.example.test/voice' })).rejects.toMatchObject({ status: 400, code: 21220 });
    await expect(good.client.calls(CA0).update({ status: 'canceled' })).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.calls(q.sid).update({ twiml: 'x'.repeat(MAX_BODY + 1) })).rejects.toMatchObject({ status: 413 });
    expect((await good.client.calls(q.sid).update({ status: 'canceled' })).status).toBe('canceled');
  });

  it('lists, fetches, downloads and deletes recordings and transcriptions', async () => {
    const recs = await good.client.recordings.list();
    expect(recs).toHaveLength(2);
    voice.recording = recs.find((r) => r.source === 'OutboundAPI')!.sid;
    voice.verbRecording = recs.find((r) => r.source === 'RecordVerb')!.sid;
    const page = await good.client.recordings.page({ pageSize: 1 });
    expect((await page.nextPage())?.instances).toHaveLength(1);
    await expect(good.client.recordings.page({ pageSize: 1001 })).rejects.toMatchObject({ status: 400, code: 20001 });
    expect((await good.client.calls(voice.call).recordings.list()).map((r) => r.sid).sort()).toEqual(recs.map((r) => r.sid).sort());
    await expect(good.client.calls(CA0).recordings.list()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.calls(voice.call).recordings.page({ pageSize: 1001 })).rejects.toMatchObject({ status: 400 });
    expect((await good.client.calls(voice.call).recordings(voice.recording).fetch()).callSid).toBe(voice.call);
    await expect(good.client.calls(voice.call).recordings(RE0).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    expect((await good.client.recordings(voice.recording).fetch()).mediaUrl).toBe(`${sim.url}/2010-04-01/Accounts/${account}/Recordings/${voice.recording}`);
    await expect(good.client.recordings(RE0).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });

    const wav = await good.client.request({ method: 'get', uri: api(`/2010-04-01/Accounts/${account}/Recordings/${voice.recording}.wav`) });
    expect(wav.statusCode).toBe(200);
    const mp3 = await good.client.request({ method: 'get', uri: api(`/2010-04-01/Accounts/${account}/Recordings/${voice.recording}.mp3`) });
    expect(mp3.statusCode).toBe(200);
    expect((await good.client.request({ method: 'get', uri: api(`/2010-04-01/Accounts/${account}/Recordings/${RE0}.wav`) })).statusCode).toBe(404);
    expect((await good.client.request({ method: 'get', uri: api(`/2010-04-01/Accounts/${account}/Recordings/${RE0}.mp3`) })).statusCode).toBe(404);

    const trs = await good.client.transcriptions.list();
    expect(trs).toHaveLength(1);
    voice.transcription = trs[0].sid;
    expect(trs[0].recordingSid).toBe(voice.verbRecording);
    await expect(good.client.transcriptions.page({ pageSize: 1001 })).rejects.toMatchObject({ status: 400 });
    expect((await good.client.transcriptions(voice.transcription).fetch()).transcriptionText).toBeTruthy();
    await expect(good.client.transcriptions(TR0).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    expect((await good.client.recordings(voice.verbRecording).transcriptions.list()).map((t) => t.sid)).toEqual([voice.transcription]);
    await expect(good.client.recordings(RE0).transcriptions.list()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(good.client.recordings(voice.verbRecording).transcriptions.page({ pageSize: 1001 })).rejects.toMatchObject({ status: 400 });
    expect((await good.client.recordings(voice.verbRecording).transcriptions(voice.transcription).fetch()).sid).toBe(voice.transcription);
    await expect(good.client.recordings(voice.recording).transcriptions(voice.transcription).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('answers 401 to every Voice operation with a wrong auth token, then deletes', async () => {
    const denied = { status: 401, code: 20003 };
    await expect(bad.client.calls.create({ to: '+15550100699', from: FROM, url: 'https://app.example.test/voice' })).rejects.toMatchObject(denied);
    await expect(bad.client.calls.list()).rejects.toMatchObject(denied);
    await expect(bad.client.calls(voice.call).fetch()).rejects.toMatchObject(denied);
    await expect(bad.client.calls(voice.call).update({ status: 'completed' })).rejects.toMatchObject(denied);
    await expect(bad.client.calls(voice.call).remove()).rejects.toMatchObject(denied);
    await expect(bad.client.calls(voice.call).recordings.list()).rejects.toMatchObject(denied);
    await expect(bad.client.calls(voice.call).recordings(voice.recording).fetch()).rejects.toMatchObject(denied);
    await expect(bad.client.calls(voice.call).recordings(voice.recording).remove()).rejects.toMatchObject(denied);
    await expect(bad.client.recordings.list()).rejects.toMatchObject(denied);
    await expect(bad.client.recordings(voice.recording).fetch()).rejects.toMatchObject(denied);
    await expect(bad.client.recordings(voice.recording).remove()).rejects.toMatchObject(denied);
    await expect(bad.client.recordings(voice.verbRecording).transcriptions.list()).rejects.toMatchObject(denied);
    await expect(bad.client.recordings(voice.verbRecording).transcriptions(voice.transcription).fetch()).rejects.toMatchObject(denied);
    await expect(bad.client.transcriptions.list()).rejects.toMatchObject(denied);
    await expect(bad.client.transcriptions(voice.transcription).fetch()).rejects.toMatchObject(denied);
    await expect(bad.client.transcriptions(voice.transcription).remove()).rejects.toMatchObject(denied);

    expect(await good.client.transcriptions(voice.transcription).remove()).toBe(true);
    await expect(good.client.transcriptions(voice.transcription).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
    expect(await good.client.calls(voice.call).recordings(voice.recording).remove()).toBe(true);
    await expect(good.client.calls(voice.call).recordings(voice.recording).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
    expect(await good.client.recordings(voice.verbRecording).remove()).toBe(true);
    await expect(good.client.recordings(voice.verbRecording).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
    expect(await good.client.calls(voice.queued).remove()).toBe(true);
    await expect(good.client.calls(voice.queued).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('every recorded response matches openapi/twilio.yaml', () => {
    const exchanges = recorded();
    const verdicts = exchanges.map((x) => validator.check(x));
    const failures = formatFailures(verdicts);
    if (failures) console.error(`responses not matching openapi/twilio.yaml:\n\n${failures}`);
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

  it('exercised every operation and every documented response of openapi/twilio.yaml', () => {
    const documented = validator.documentedResponses();
    expect(documented.size).toBeGreaterThanOrEqual(30);
    const seen = validator.seenResponses(recorded());
    expect([...documented].filter((d) => !seen.has(d))).toEqual([]);
    expect(seen.has('PUT 405')).toBe(true);
    expect([...seen].filter((s) => !documented.has(s) && s !== 'PUT 405')).toEqual([]);
  });
});
