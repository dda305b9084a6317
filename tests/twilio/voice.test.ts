import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { formParams, startReceiver, type Received } from '../helpers/receiver.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';

let sim: RunningServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
/** Auth token of each AccountSid, to validate every request the app receives. */
const tokens = new Map<string, string>();

const TWIML: Record<string, string> = {
  '/voice/answer':
    '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="alice">Hello, this is Oak Realty calling about your property on Elm Street.</Say>' +
    '<Gather numDigits="1" action="/voice/gathered" method="POST"><Say>Press 1 if you would consider selling.</Say></Gather><Say>We did not get an answer.</Say></Response>',
  '/voice/gathered': '<Response><Say>Please leave your asking price after the beep.</Say><Record maxLength="30" transcribe="true" action="/voice/recorded" recordingStatusCallback="/voice/recording-status"/></Response>',
  '/voice/recorded': '<Response><Pause length="2"/><Say>Thanks, an agent will call you back.</Say><Hangup/></Response>',
  '/voice/inbound': '<Response><Say>Thanks for calling Oak Realty.</Say><Redirect method="POST">/voice/menu</Redirect></Response>',
  '/voice/menu': '<Response><Play>https://cdn.example.com/hold.mp3</Play><Dial action="/voice/dialed" callerId="+15005550006"><Number>+15557770001</Number></Dial></Response>',
  '/voice/dialed': '<Response><Hangup/></Response>',
  '/voice/simple': '<Response><Say>Your showing is confirmed for tomorrow at ten.</Say></Response>',
  '/voice/broken': '<Response><Say>unclosed',
};

beforeAll(async () => {
  sim = await startSim({ timing: 'immediate' });
  receiver = await startReceiver((r) =>
    r.path.startsWith('/voice/404') ? { status: 404, body: 'no such page' } : { status: 200, type: 'text/xml', body: TWIML[r.path.split('?')[0]] ?? '' },
  );
});
afterAll(async () => {
  await sim?.close();
  await receiver?.close();
});

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(sim.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

function account(token = 'voice-token-' + Math.random().toString(36).slice(2)) {
  const sid = newAccountSid();
  tokens.set(sid, token);
  return { sid, token, ...twilioClient(sim.url, sid, token) };
}

/** The stored call (/__inspect/twilio/calls) once `ok` holds for it. */
async function storedCall(tenant: string, sid: string, ok: (c: any) => boolean = () => true, ms = 10_000): Promise<any> {
  const deadline = Date.now() + ms;
  for (;;) {
    const items = (await api('GET', `/__inspect/twilio/calls?tenant=${tenant}&limit=1000`)).body.items;
    const c = items.find((x: any) => x.sid === sid);
    if (c && ok(c)) return c;
    if (Date.now() > deadline) throw new Error(`call ${sid} never matched; last: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const forCall = (sid: string) => receiver.received.filter((r) => formParams(r.body).CallSid === sid || new URL(r.url).searchParams.get('CallSid') === sid);
const paramsOf = (r: Received) => (r.method === 'GET' ? Object.fromEntries(new URL(r.url).searchParams) : formParams(r.body));

/** Every request the app got is signed with the account's token, as twilio.validateRequest checks. */
function expectSigned(rs: Received[]) {
  for (const r of rs) {
    const p = paramsOf(r);
    const token = tokens.get(p.AccountSid)!;
    const url = r.method === 'GET' ? r.url : r.url;
    expect(twilio.validateRequest(token, r.headers['x-twilio-signature'] as string, url, r.method === 'GET' ? {} : p), `${r.method} ${r.path}`).toBe(true);
    expect(twilio.validateRequest('not-the-token', r.headers['x-twilio-signature'] as string, url, r.method === 'GET' ? {} : p)).toBe(false);
  }
}

describe('Voice calls', () => {
  it('runs an outbound call: signed TwiML fetches, Gather with digits, Record with a transcript, status callbacks', async () => {
    const acc = account();
    const statusUrl = `${receiver.base}/voice/status?campaign=7`;
    const call = await acc.client.calls.create({
      to: '+15557770100',
      from: '+15005550006',
      url: `${receiver.base}/voice/answer`,
      statusCallback: statusUrl,
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      machineDetection: 'Enable',
    });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call).toMatchObject({ accountSid: acc.sid, to: '+15557770100', from: '+15005550006', direction: 'outbound-api', apiVersion: '2010-04-01', queueTime: '0', priceUnit: 'USD' });
    expect(call.status).toBe('queued');
    expect(call.toFormatted).toBe('(555) 777-0100');
    expect(call.startTime).toBeNull();
    expect(call.duration).toBeNull();
    expect(call.subresourceUris.recordings).toBe(`/2010-04-01/Accounts/${acc.sid}/Calls/${call.sid}/Recordings.json`);

    const waiting = await storedCall(acc.sid, call.sid, (c) => c.waiting_for === 'gather');
    expect(waiting.status).toBe('in-progress');
    expect(waiting.answered_by).toBe('human');
    expect((await acc.client.calls(call.sid).fetch()).status).toBe('in-progress');

    const g = await api('POST', `/__inspect/twilio/calls/${call.sid}/gather`, { digits: '1' });
    expect(g.status).toBe(200);
    const done = await storedCall(acc.sid, call.sid, (c) => c.status === 'completed');
    expect((await api('POST', `/__inspect/twilio/calls/${call.sid}/gather`, { digits: '1' })).status).toBe(409);

    // The TwiML the call ran, in order, and its timeline.
    expect(done.twiml.map((d: any) => new URL(d.url).pathname)).toEqual(['/voice/answer', '/voice/gathered', '/voice/recorded']);
    expect(done.twiml[0].twiml).toContain('<Gather');
    expect(done.timeline.filter((t: any) => t.status).map((t: any) => t.status)).toEqual(['queued', 'ringing', 'in-progress', 'completed']);
    expect(done.recordings).toHaveLength(1);
    const [rec] = done.recordings;
    expect(rec.sid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(rec.source).toBe('RecordVerb');
    expect(rec.transcriptions).toHaveLength(1);
    expect(rec.transcriptions[0].transcription_text).toMatch(/selling|sell|offer/);
    expect(rec.transcriptions[0].transcription_text).toMatch(/\$[\d,]+/);

    await receiver.until(() => forCall(call.sid).some((r) => paramsOf(r).CallStatus === 'completed' && r.path.startsWith('/voice/status')));
    const hooks = forCall(call.sid);
    expectSigned(hooks);
    const statuses = hooks.filter((r) => r.path.startsWith('/voice/status')).map(paramsOf);
    expect(statuses.map((p) => p.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(statuses.map((p) => p.SequenceNumber)).toEqual(['0', '1', '2', '3']);
    for (const p of statuses) {
      expect(p).toMatchObject({ AccountSid: acc.sid, CallSid: call.sid, From: '+15005550006', To: '+15557770100', Direction: 'outbound-api', ApiVersion: '2010-04-01', CallbackSource: 'call-progress-events' });
      expect(p.Timestamp).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    }
    const completed = statuses[3];
    expect(Number(completed.CallDuration)).toBeGreaterThan(0);
    expect(completed.Duration).toBe(String(Math.ceil(Number(completed.CallDuration) / 60)));

    const answer = hooks.find((r) => r.path === '/voice/answer')!;
    expect(paramsOf(answer)).toMatchObject({ CallStatus: 'in-progress', Direction: 'outbound-api', Called: '+15557770100', Caller: '+15005550006', AnsweredBy: 'human' });
    const gathered = hooks.find((r) => r.path === '/voice/gathered')!;
    expect(paramsOf(gathered).Digits).toBe('1');
    const recorded = paramsOf(hooks.find((r) => r.path === '/voice/recorded')!);
    expect(recorded.RecordingSid).toBe(rec.sid);
    expect(recorded.RecordingUrl).toBe(`${sim.url}/2010-04-01/Accounts/${acc.sid}/Recordings/${rec.sid}`);
    expect(Number(recorded.RecordingDuration)).toBeGreaterThan(0);
    const recStatus = paramsOf(hooks.find((r) => r.path === '/voice/recording-status')!);
    expect(recStatus).toMatchObject({ RecordingSid: rec.sid, RecordingStatus: 'completed', CallSid: call.sid });

    // The SDK's view.
    const fetched = await acc.client.calls(call.sid).fetch();
    expect(fetched.status).toBe('completed');
    expect(Number(fetched.duration)).toBe(Number(completed.CallDuration));
    expect(fetched.startTime).toBeInstanceOf(Date);
    expect(fetched.endTime).toBeInstanceOf(Date);
    expect(fetched.endTime.getTime() - fetched.startTime.getTime()).toBe(Number(fetched.duration) * 1000);
    expect(fetched.price).toBeNull();

    const recs = await acc.client.recordings.list({ callSid: call.sid });
    expect(recs.map((r) => r.sid)).toEqual([rec.sid]);
    expect(recs[0]).toMatchObject({ callSid: call.sid, status: 'completed', source: 'RecordVerb', channels: 1, duration: recorded.RecordingDuration });
    expect((await acc.client.calls(call.sid).recordings.list()).map((r) => r.sid)).toEqual([rec.sid]);
    expect((await acc.client.calls(call.sid).recordings(rec.sid).fetch()).track).toBe('both');
    const one = await acc.client.recordings(rec.sid).fetch();
    expect(one.mediaUrl).toBe(recorded.RecordingUrl);

    // Media is served without credentials.
    const wav = await fetch(`${recorded.RecordingUrl}.wav`);
    expect(wav.status).toBe(200);
    expect(wav.headers.get('content-type')).toBe('audio/x-wav');
    const wavBytes = Buffer.from(await wav.arrayBuffer());
    expect(wavBytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wavBytes.subarray(8, 12).toString('ascii')).toBe('WAVE');
    const mp3 = await fetch(`${recorded.RecordingUrl}.mp3`);
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    const mp3Bytes = Buffer.from(await mp3.arrayBuffer());
    expect([mp3Bytes[0], mp3Bytes[1]]).toEqual([0xff, 0xfb]);
    expect((await fetch(recorded.RecordingUrl)).status).toBe(200);

    const trs = await acc.client.transcriptions.list();
    expect(trs).toHaveLength(1);
    expect(trs[0]).toMatchObject({ recordingSid: rec.sid, status: 'completed', type: 'fast' });
    expect(trs[0].sid).toMatch(/^TR[0-9a-f]{32}$/);
    expect((await acc.client.transcriptions(trs[0].sid).fetch()).transcriptionText).toBe(rec.transcriptions[0].transcription_text);
    expect((await acc.client.recordings(rec.sid).transcriptions.list()).map((t) => t.sid)).toEqual([trs[0].sid]);

    // Deleting: the transcription, the recording (then its media is gone), the call.
    expect(await acc.client.transcriptions(trs[0].sid).remove()).toBe(true);
    expect(await acc.client.recordings(rec.sid).remove()).toBe(true);
    await expect(acc.client.recordings(rec.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    expect((await fetch(`${recorded.RecordingUrl}.wav`)).status).toBe(404);
    expect(await acc.client.calls(call.sid).remove()).toBe(true);
    await expect(acc.client.calls(call.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('only sends the completed status callback by default; Record=true records the whole call', async () => {
    const acc = account();
    const call = await acc.client.calls.create({
      to: '+15557770200',
      from: '+15005550006',
      url: `${receiver.base}/voice/simple`,
      method: 'GET',
      statusCallback: `${receiver.base}/voice/status2`,
      record: true,
      recordingStatusCallback: `${receiver.base}/voice/rec2`,
    });
    await storedCall(acc.sid, call.sid, (c) => c.status === 'completed');
    await receiver.until(() => forCall(call.sid).some((r) => r.path.startsWith('/voice/rec2')));
    const hooks = forCall(call.sid);
    expectSigned(hooks);
    const answer = hooks.find((r) => r.path.startsWith('/voice/simple'))!;
    expect(answer.method).toBe('GET');
    expect(paramsOf(answer).CallStatus).toBe('in-progress');
    const statuses = hooks.filter((r) => r.path.startsWith('/voice/status2')).map(paramsOf);
    expect(statuses.map((p) => p.CallStatus)).toEqual(['completed']);
    expect(statuses[0].SequenceNumber).toBe('0');
    const recs = await acc.client.recordings.list();
    expect(recs).toHaveLength(1);
    expect(recs[0].source).toBe('OutboundAPI');
    expect(statuses[0].RecordingSid).toBe(recs[0].sid);
    expect(paramsOf(hooks.find((r) => r.path.startsWith('/voice/rec2'))!)).toMatchObject({ RecordingSid: recs[0].sid, RecordingStatus: 'completed', RecordingSource: 'OutboundAPI' });
  });

  it('ends busy / no-answer / failed as the call outcome rules say', async () => {
    const acc = account();
    const rules = [
      { kind: 'call', number: '+15557770301', status: 'busy' },
      { kind: 'call', number: '+1555777031*', status: 'no-answer' },
    ];
    expect((await api('PUT', `/__inspect/twilio/outcomes?tenant=${acc.sid}`, { rules })).status).toBe(200);
    const busy = await acc.client.calls.create({ to: '+15557770301', from: '+15005550006', url: `${receiver.base}/voice/simple`, statusCallback: `${receiver.base}/voice/status3` });
    const none = await acc.client.calls.create({ to: '+15557770319', from: '+15005550006', twiml: '<Response><Say>hi</Say></Response>' });
    expect((await storedCall(acc.sid, busy.sid, (c) => c.status === 'busy')).duration).toBe('0');
    await storedCall(acc.sid, none.sid, (c) => c.status === 'no-answer');
    await receiver.until(() => forCall(busy.sid).some((r) => r.path.startsWith('/voice/status3')));
    expect(forCall(busy.sid).map((r) => r.path.split('?')[0])).toEqual(['/voice/status3']);
    expect(paramsOf(forCall(busy.sid)[0])).toMatchObject({ CallStatus: 'busy', CallDuration: '0' });
    expect((await acc.client.calls.list({ status: 'busy' })).map((c) => c.sid)).toEqual([busy.sid]);
  });

  it('manual timing: /advance steps, UpdateCall cancels, redirects and hangs up; inline TwiML dials a child leg', async () => {
    const acc = account();
    expect((await api('PUT', `/__inspect/settings?tenant=${acc.sid}`, { timing: 'manual' })).status).toBe(200);
    const a = await acc.client.calls.create({ to: '+15557770400', from: '+15005550006', url: `${receiver.base}/voice/simple` });
    const adv = await api('POST', `/__inspect/twilio/calls/${a.sid}/advance`, {});
    expect(adv.body.status).toBe('ringing');
    const canceled = await acc.client.calls(a.sid).update({ status: 'canceled' });
    expect(canceled.status).toBe('canceled');
    await expect(acc.client.calls(a.sid).update({ url: `${receiver.base}/voice/simple` })).rejects.toMatchObject({ status: 400, code: 21220 });

    const b = await acc.client.calls.create({
      to: '+15557770401',
      from: '+15005550006',
      twiml: '<Response><Say>Connecting you to the listing agent.</Say><Dial callerId="+15005550006"><Number>+15557770499</Number></Dial></Response>',
    });
    const answered = await api('POST', `/__inspect/twilio/calls/${b.sid}/advance`, { status: 'in-progress' });
    expect(answered.status).toBe(200);
    const bDone = await storedCall(acc.sid, b.sid, (c) => c.status === 'completed');
    expect(bDone.twiml[0].url).toBeNull();
    const children = await acc.client.calls.list({ parentCallSid: b.sid });
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({ parentCallSid: b.sid, to: '+15557770499', from: '+15005550006', direction: 'outbound-dial', status: 'completed' });

    // A call waiting in <Gather>: the app redirects it, then hangs up.
    const c = await acc.client.calls.create({ to: '+15557770402', from: '+15005550006', url: `${receiver.base}/voice/answer` });
    await api('POST', `/__inspect/twilio/calls/${c.sid}/advance`, { status: 'in-progress' });
    await storedCall(acc.sid, c.sid, (x) => x.waiting_for === 'gather');
    const redirected = await acc.client.calls(c.sid).update({ twiml: '<Response><Gather input="speech"><Say>Tell us a good time to call back.</Say></Gather></Response>' });
    expect(redirected.status).toBe('in-progress');
    await storedCall(acc.sid, c.sid, (x) => x.waiting_for === 'gather' && x.twiml.length === 2);
    const hung = await acc.client.calls(c.sid).update({ status: 'completed' });
    expect(hung.status).toBe('completed');
    expect(Number(hung.duration)).toBeGreaterThan(0);

    // A gather that times out (/advance) runs the verbs after it.
    const d = await acc.client.calls.create({ to: '+15557770403', from: '+15005550006', url: `${receiver.base}/voice/answer` });
    await api('POST', `/__inspect/twilio/calls/${d.sid}/advance`, { status: 'in-progress' });
    await storedCall(acc.sid, d.sid, (x) => x.waiting_for === 'gather');
    const timedOut = await api('POST', `/__inspect/twilio/calls/${d.sid}/advance`, {});
    expect(timedOut.body.status).toBe('completed');
    expect(timedOut.body.timeline.some((t: any) => t.event?.startsWith('Say We did not get an answer'))).toBe(true);
  });

  it('a TwiML URL answering 404 fails the call with 11200', async () => {
    const acc = account();
    const call = await acc.client.calls.create({ to: '+15557770501', from: '+15005550006', url: `${receiver.base}/voice/404` });
    const failed = await storedCall(acc.sid, call.sid, (c) => c.status === 'failed');
    expect(failed).toMatchObject({ error_code: 11200, waiting_for: null });
    expect((await acc.client.calls(call.sid).fetch()).status).toBe('failed');
  });

  it('broken TwiML fails the call with 12100', async () => {
    const acc = account();
    const call = await acc.client.calls.create({ to: '+15557770500', from: '+15005550006', url: `${receiver.base}/voice/broken`, statusCallback: `${receiver.base}/voice/status5` });
    const failed = await storedCall(acc.sid, call.sid, (c) => c.status === 'failed');
    expect(failed.error_code).toBe(12100);
    await receiver.until(() => forCall(call.sid).some((r) => r.path.startsWith('/voice/status5')));
    expect(paramsOf(forCall(call.sid).find((r) => r.path.startsWith('/voice/status5'))!)).toMatchObject({ CallStatus: 'failed', ErrorCode: '12100' });
  });

  it('a person calls a number: its VoiceUrl is fetched (signed), Redirect and Dial run', async () => {
    const acc = account();
    const n = await acc.client.incomingPhoneNumbers.create({ phoneNumber: '+15557770600', voiceUrl: `${receiver.base}/voice/inbound`, statusCallback: `${receiver.base}/voice/status6` });
    const r = await api('POST', '/__inspect/twilio/calls/inbound', { from: '+16505550600', to: '+15557770600' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ direction: 'inbound', status: 'ringing', from: '+16505550600', to: '+15557770600', phone_number_sid: n.sid, account_sid: acc.sid });
    const done = await storedCall(acc.sid, r.body.sid, (c) => c.status === 'completed');
    expect(done.twiml.map((d: any) => new URL(d.url).pathname)).toEqual(['/voice/inbound', '/voice/menu', '/voice/dialed']);
    await receiver.until(() => forCall(r.body.sid).some((x) => x.path.startsWith('/voice/status6')));
    const hooks = forCall(r.body.sid);
    expectSigned(hooks);
    expect(paramsOf(hooks.find((x) => x.path === '/voice/inbound')!)).toMatchObject({ CallStatus: 'ringing', Direction: 'inbound', From: '+16505550600', To: '+15557770600' });
    const dialed = paramsOf(hooks.find((x) => x.path === '/voice/dialed')!);
    expect(dialed.DialCallStatus).toBe('completed');
    expect(dialed.DialCallSid).toMatch(/^CA/);
    const fetched = await acc.client.calls(r.body.sid).fetch();
    expect(fetched.direction).toBe('inbound');
    const child = await acc.client.calls(dialed.DialCallSid).fetch();
    expect(child).toMatchObject({ parentCallSid: r.body.sid, direction: 'outbound-dial', status: 'completed' });
    expect((await api('POST', '/__inspect/twilio/calls/inbound', { from: '+16505550600', to: '+19995550000' })).status).toBe(404);
    expect((await api('POST', '/__inspect/twilio/calls/inbound', { to: '+15557770600' })).status).toBe(400);
  });

  it('realistic timing rings and answers after STEP_DELAY_MS, and resumes after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provider-sim-voice-'));
    const opts = { inMemory: false, dataDir: dir, timing: 'realistic', stepDelayMs: 150 };
    let durable = await startSim(opts);
    const sid = newAccountSid();
    tokens.set(sid, 'durable-token');
    let { client } = twilioClient(durable.url, sid, 'durable-token');
    const started = Date.now();
    const call = await client.calls.create({ to: '+15557770800', from: '+15005550006', url: `${receiver.base}/voice/simple`, statusCallback: `${receiver.base}/voice/status8` });
    await durable.close();
    durable = await startSim(opts);
    try {
      ({ client } = twilioClient(durable.url, sid, 'durable-token'));
      await receiver.until(() => forCall(call.sid).some((r) => r.path.startsWith('/voice/status8')));
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      const done = await client.calls(call.sid).fetch();
      expect(done.status).toBe('completed');
      expectSigned(forCall(call.sid));
      expect(forCall(call.sid).map((r) => r.path.split('?')[0])).toEqual(['/voice/simple', '/voice/status8']);
    } finally {
      await durable.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates CreateCall like Twilio, and pages ListCall', async () => {
    const acc = account();
    const base = { to: '+15557770700', from: '+15005550006', url: `${receiver.base}/voice/simple` };
    await expect(acc.client.calls.create({ ...base, to: '' })).rejects.toMatchObject({ status: 400, code: 21201 });
    await expect(acc.client.calls.create({ ...base, from: '' })).rejects.toMatchObject({ status: 400, code: 21213 });
    await expect(acc.client.calls.create({ to: base.to, from: base.from } as any)).rejects.toMatchObject({ status: 400, code: 21205 });
    await expect(acc.client.calls.create({ ...base, to: 'nope' })).rejects.toMatchObject({ status: 400, code: 21211 });
    await expect(acc.client.calls.create({ ...base, url: undefined, twiml: '<Response><Say>x' } as any)).rejects.toMatchObject({ status: 400, code: 21236 });
    await expect(acc.client.calls.create({ ...base, statusCallbackEvent: ['bogus'] })).rejects.toMatchObject({ status: 400, code: 21626 });
    await expect(acc.client.calls(`CA${'0'.repeat(32)}`).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(acc.client.calls.list({ status: 'nope' as any })).rejects.toMatchObject({ status: 400, code: 20001 });

    const sids: string[] = [];
    for (let i = 0; i < 5; i++) sids.push((await acc.client.calls.create(base)).sid);
    const newestFirst = [...sids].reverse();
    const p1 = await acc.client.calls.page({ pageSize: 2 });
    expect(p1.instances.map((c) => c.sid)).toEqual(newestFirst.slice(0, 2));
    const p2 = await p1.nextPage();
    expect(p2!.instances.map((c) => c.sid)).toEqual(newestFirst.slice(2, 4));
    expect((await p2!.previousPage())!.instances.map((c) => c.sid)).toEqual(newestFirst.slice(0, 2));
    expect((await acc.client.calls.list({ pageSize: 2 })).map((c) => c.sid)).toEqual(newestFirst);
    expect((await acc.client.calls.list({ to: '+15557770700', from: '+15005550006' })).length).toBe(5);
    const now = Date.now();
    expect((await acc.client.calls.list({ startTimeAfter: new Date(now - 3600_000), startTimeBefore: new Date(now + 3600_000) })).length).toBe(5);
    expect(await acc.client.calls.list({ startTimeBefore: new Date(now - 2 * 86_400_000) })).toHaveLength(0);
    const stored = (await api('GET', `/__inspect/twilio/calls?tenant=${acc.sid}&to=${encodeURIComponent('+15557770700')}`)).body.items;
    expect(stored.map((c: any) => c.sid)).toEqual(newestFirst);
  });
});
