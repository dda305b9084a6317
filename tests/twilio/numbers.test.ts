import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { formParams, startReceiver } from '../helpers/receiver.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';

let sim: RunningServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

const TWIML: Record<string, string> = {
  '/sms/reply': '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks! An agent will call you about 12 Oak St &amp; more.</Message><Message><Body>Photos:</Body><Media>https://cdn.example.com/oak.jpg</Media></Message></Response>',
  '/sms/empty': '',
  '/sms/broken': '<Response><Message>unclosed',
};

beforeAll(async () => {
  sim = await startSim({ timing: 'immediate' });
  receiver = await startReceiver((r) => ({ status: 200, type: 'text/xml', body: TWIML[r.path.split('?')[0]] ?? '<Response/>' }));
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

describe('phone numbers', () => {
  it('searches available numbers, deterministically', async () => {
    const { client } = twilioClient(sim.url, newAccountSid(), 't');
    const local = await client.availablePhoneNumbers('US').local.list({ areaCode: 415, limit: 5 });
    expect(local).toHaveLength(5);
    for (const n of local) {
      expect(n.phoneNumber).toMatch(/^\+1415[2-9]\d{6}$/);
      expect(n.friendlyName).toMatch(/^\(415\) \d{3}-\d{4}$/);
      expect(n.isoCountry).toBe('US');
      expect(n.locality).toBeTruthy();
      expect(n.region).toMatch(/^[A-Z]{2}$/);
      expect(n.capabilities).toMatchObject({ SMS: true, MMS: true, voice: true });
    }
    const again = await client.availablePhoneNumbers('US').local.list({ areaCode: 415, limit: 5 });
    expect(again.map((n) => n.phoneNumber)).toEqual(local.map((n) => n.phoneNumber));
    const tollFree = await client.availablePhoneNumbers('US').tollFree.list({ limit: 3 });
    expect(tollFree.every((n) => /^\+18(00|33|44|55|66|77|88)/.test(n.phoneNumber))).toBe(true);
    await expect(client.availablePhoneNumbers('ZZ').local.list({ limit: 1 })).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('buys, lists, updates and releases IncomingPhoneNumbers', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 't');
    const n = await client.incomingPhoneNumbers.create({ phoneNumber: '+14155550123', smsUrl: 'https://app.example.com/sms', friendlyName: 'Listings line' });
    expect(n.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(n).toMatchObject({ phoneNumber: '+14155550123', friendlyName: 'Listings line', smsUrl: 'https://app.example.com/sms', smsMethod: 'POST', accountSid: sid });
    expect(n.voiceUrl).toBe('');
    const byArea = await client.incomingPhoneNumbers.create({ areaCode: '212' });
    expect(byArea.phoneNumber).toMatch(/^\+1212\d{7}$/);
    expect(byArea.friendlyName).toMatch(/^\(212\)/);
    await expect(client.incomingPhoneNumbers.create({ phoneNumber: '+14155550123' })).rejects.toMatchObject({ status: 400, code: 21422 });
    await expect(client.incomingPhoneNumbers.create({ phoneNumber: 'nope' })).rejects.toMatchObject({ status: 400, code: 21421 });
    const list = await client.incomingPhoneNumbers.list();
    expect(list.map((x) => x.sid).sort()).toEqual([n.sid, byArea.sid].sort());
    expect((await client.incomingPhoneNumbers.list({ phoneNumber: '+14155550123' })).map((x) => x.sid)).toEqual([n.sid]);
    const updated = await client.incomingPhoneNumbers(n.sid).update({ smsUrl: 'https://app.example.com/sms2', smsMethod: 'GET' });
    expect(updated).toMatchObject({ smsUrl: 'https://app.example.com/sms2', smsMethod: 'GET' });
    await expect(client.incomingPhoneNumbers(n.sid).update({ smsMethod: 'PUT' as any })).rejects.toMatchObject({ status: 400 });
    const stored = await api('GET', `/__inspect/twilio/numbers?tenant=${sid}`);
    expect(stored.body.items.map((x: any) => x.phone_number).sort()).toEqual([byArea.phoneNumber, '+14155550123'].sort());
    expect(await client.incomingPhoneNumbers(byArea.sid).remove()).toBe(true);
    await expect(client.incomingPhoneNumbers(byArea.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });
});

describe('inbound SMS', () => {
  it('a person texts a number: signed webhook, TwiML replies become outbound-reply messages', async () => {
    const sid = newAccountSid();
    const token = 'inbound-token';
    const { client } = twilioClient(sim.url, sid, token);
    const smsUrl = `${receiver.base}/sms/reply`;
    await client.incomingPhoneNumbers.create({ phoneNumber: '+14155550200', smsUrl });
    const person = '+16505551234';
    const r = await api('POST', '/__inspect/twilio/inbound', { from: person, to: '+14155550200', body: 'Is 12 Oak St still available?', media: ['https://example.com/me.png'] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ direction: 'inbound', status: 'received', from: person, to: '+14155550200', num_media: '1', account_sid: sid });

    const [hook] = await receiver.until((all) => all.some((x) => formParams(x.body).MessageSid === r.body.sid));
    const got = receiver.received.find((x) => formParams(x.body).MessageSid === r.body.sid)!;
    const params = formParams(got.body);
    expect(params).toMatchObject({ From: person, To: '+14155550200', Body: 'Is 12 Oak St still available?', SmsStatus: 'received', NumMedia: '1', MediaUrl0: 'https://example.com/me.png', MediaContentType0: 'image/png', AccountSid: sid });
    expect(twilio.validateRequest(token, got.headers['x-twilio-signature'] as string, smsUrl, params)).toBe(true);
    expect(hook).toBeDefined();

    const replies = await api('GET', `/__inspect/twilio/messages?tenant=${sid}&to=${encodeURIComponent(person)}&status=delivered&wait=5000`);
    await new Promise((res) => setTimeout(res, 50));
    const all = (await api('GET', `/__inspect/twilio/messages?tenant=${sid}&to=${encodeURIComponent(person)}`)).body.items;
    expect(replies.body.items.length).toBeGreaterThanOrEqual(1);
    expect(all.map((m: any) => m.body).sort()).toEqual(['Photos:', 'Thanks! An agent will call you about 12 Oak St & more.']);
    for (const m of all) expect(m).toMatchObject({ direction: 'outbound-reply', from: '+14155550200', to: person });
    expect(all.find((m: any) => m.body === 'Photos:').media_urls).toEqual(['https://cdn.example.com/oak.jpg']);
    // the SDK sees them too
    const listed = await client.messages.list({ to: person });
    expect(listed).toHaveLength(2);
  });

  it('STOP opts the person out (21610 on later sends) and START opts back in', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 't');
    await client.incomingPhoneNumbers.create({ phoneNumber: '+14155550300', smsUrl: `${receiver.base}/sms/empty` });
    const person = '+16505550000';
    expect((await api('POST', `/__inspect/twilio/inbound?tenant=${sid}`, { from: person, to: '+14155550300', body: 'stop' })).status).toBe(201);
    await expect(client.messages.create({ to: person, from: '+14155550300', body: 'New listing!' })).rejects.toMatchObject({ status: 400, code: 21610 });
    // another sender of the account is not affected
    expect((await client.messages.create({ to: person, from: '+15005550006', body: 'other line' })).status).toBe('queued');
    await api('POST', '/__inspect/twilio/inbound', { from: person, to: '+14155550300', body: 'START' });
    const ok = await client.messages.create({ to: person, from: '+14155550300', body: 'Welcome back' });
    expect(ok.sid).toMatch(/^SM/);
    const hooks = await api('GET', `/__inspect/webhooks?tenant=${sid}&wait=2000`);
    const optOut = hooks.body.items.find((h: any) => formParams(h.body ?? '').Body === 'stop');
    expect(formParams(optOut.body).OptOutType).toBe('STOP');
  });

  it('broken TwiML sends nothing; unknown numbers and bad input get 4xx', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 't');
    await client.incomingPhoneNumbers.create({ phoneNumber: '+14155550400', smsUrl: `${receiver.base}/sms/broken` });
    const r = await api('POST', '/__inspect/twilio/inbound', { from: '+16505550001', to: '+14155550400', body: 'hello?' });
    expect(r.status).toBe(201);
    const delivered = await api('GET', `/__inspect/webhooks?tenant=${sid}&status=delivered&wait=5000`);
    expect(delivered.body.items).toHaveLength(1);
    await new Promise((res) => setTimeout(res, 100));
    const msgs = (await api('GET', `/__inspect/twilio/messages?tenant=${sid}`)).body.items;
    expect(msgs.map((m: any) => m.direction)).toEqual(['inbound']);
    expect((await api('POST', '/__inspect/twilio/inbound', { from: '+16505550001', to: '+19995550000', body: 'x' })).status).toBe(404);
    expect((await api('POST', '/__inspect/twilio/inbound', { to: '+14155550400', body: 'x' })).status).toBe(400);
  });
});
