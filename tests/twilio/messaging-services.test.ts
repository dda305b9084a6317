import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { formParams, startReceiver } from '../helpers/receiver.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';

let sim: RunningServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  sim = await startSim({ timing: 'immediate' });
  receiver = await startReceiver(() => ({ status: 200, type: 'text/xml', body: '<Response><Message>Got it</Message></Response>' }));
});
afterAll(async () => {
  await sim?.close();
  await receiver?.close();
});

async function inspect(path: string): Promise<any> {
  return (await fetch(sim.url + path)).json();
}

describe('Messaging Services (messaging.twilio.com/v1)', () => {
  it('create, fetch, list, update, delete with v1 shapes and absolute URLs', async () => {
    const sid = newAccountSid();
    const { client, httpClient } = twilioClient(sim.url, sid, 't');
    const svc = await client.messaging.v1.services.create({ friendlyName: 'Open houses', statusCallback: 'https://app.example.com/status' });
    expect(svc.sid).toMatch(/^MG[0-9a-f]{32}$/);
    expect(svc).toMatchObject({ accountSid: sid, friendlyName: 'Open houses', statusCallback: 'https://app.example.com/status', stickySender: true, inboundMethod: 'POST', validityPeriod: 36000 });
    expect(svc.url).toBe(`${sim.url}/messaging/v1/Services/${svc.sid}`);
    expect(svc.links.phone_numbers).toBe(`${sim.url}/messaging/v1/Services/${svc.sid}/PhoneNumbers`);
    const raw = httpClient.recorded.at(-1)!.body as any;
    expect(raw.date_created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const fetched = await client.messaging.v1.services(svc.sid).fetch();
    expect(fetched.friendlyName).toBe('Open houses');
    const other = await client.messaging.v1.services.create({ friendlyName: 'Second' });
    expect((await client.messaging.v1.services.list()).map((s) => s.sid)).toEqual([other.sid, svc.sid]);
    const paged = await client.messaging.v1.services.list({ pageSize: 1 });
    expect(paged).toHaveLength(2);
    const updated = await client.messaging.v1.services(svc.sid).update({ friendlyName: 'Renamed', stickySender: false });
    expect(updated).toMatchObject({ friendlyName: 'Renamed', stickySender: false });
    expect(await client.messaging.v1.services(other.sid).remove()).toBe(true);
    await expect(client.messaging.v1.services(other.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(client.messaging.v1.services.create({ friendlyName: '' })).rejects.toMatchObject({ status: 400, code: 20001 });
  });

  it('a message through a service takes a sender from its pool and the service status callback', async () => {
    const sid = newAccountSid();
    const token = 'svc-token';
    const { client } = twilioClient(sim.url, sid, token);
    const callback = `${receiver.base}/svc/status`;
    const svc = await client.messaging.v1.services.create({ friendlyName: 'Alerts', statusCallback: callback });
    await expect(client.messages.create({ to: '+16505550100', messagingServiceSid: svc.sid, body: 'x' })).rejects.toMatchObject({ status: 400, code: 21704 });
    await expect(client.messages.create({ to: '+16505550100', messagingServiceSid: 'MG' + '0'.repeat(32), body: 'x' })).rejects.toMatchObject({ status: 400, code: 21701 });
    const n1 = await client.incomingPhoneNumbers.create({ phoneNumber: '+14155550701' });
    const n2 = await client.incomingPhoneNumbers.create({ phoneNumber: '+14155550702' });
    const p1 = await client.messaging.v1.services(svc.sid).phoneNumbers.create({ phoneNumberSid: n1.sid });
    expect(p1).toMatchObject({ sid: n1.sid, phoneNumber: '+14155550701', serviceSid: svc.sid, countryCode: 'US' });
    await client.messaging.v1.services(svc.sid).phoneNumbers.create({ phoneNumberSid: n2.sid });
    await expect(client.messaging.v1.services(svc.sid).phoneNumbers.create({ phoneNumberSid: n2.sid })).rejects.toMatchObject({ code: 21710 });
    expect((await client.messaging.v1.services(svc.sid).phoneNumbers.list()).map((p) => p.phoneNumber).sort()).toEqual(['+14155550701', '+14155550702']);

    const m = await client.messages.create({ to: '+16505550100', messagingServiceSid: svc.sid, body: 'Open house Sunday 2pm' });
    expect(m).toMatchObject({ status: 'accepted', from: null, numSegments: '0' });
    await receiver.until((all) => all.some((r) => formParams(r.body).MessageSid === m.sid && formParams(r.body).MessageStatus === 'delivered'));
    const hooks = receiver.received.filter((r) => formParams(r.body).MessageSid === m.sid);
    expect(hooks.map((r) => formParams(r.body).MessageStatus)).toEqual(['queued', 'sending', 'sent', 'delivered']);
    for (const h of hooks) {
      expect(formParams(h.body).MessagingServiceSid).toBe(svc.sid);
      expect(twilio.validateRequest(token, h.headers['x-twilio-signature'] as string, callback, formParams(h.body))).toBe(true);
    }
    const done = await client.messages(m.sid).fetch();
    expect(['+14155550701', '+14155550702']).toContain(done.from);
    expect(done.numSegments).toBe('1');
    // sticky sender: the same recipient gets the same pool number again
    const again = await client.messages.create({ to: '+16505550100', messagingServiceSid: svc.sid, body: 'Reminder' });
    await receiver.until((all) => all.some((r) => formParams(r.body).MessageSid === again.sid && formParams(r.body).MessageStatus === 'delivered'));
    expect((await client.messages(again.sid).fetch()).from).toBe(done.from);
    const stored = await inspect(`/__inspect/twilio/messages?tenant=${sid}&to=%2B16505550100`);
    expect(stored.items.every((x: any) => x.messaging_service_sid === svc.sid && x.from === done.from)).toBe(true);

    expect(await client.messaging.v1.services(svc.sid).phoneNumbers(n1.sid).remove()).toBe(true);
    await expect(client.messaging.v1.services(svc.sid).phoneNumbers(n1.sid).fetch()).rejects.toMatchObject({ status: 404 });
  });

  it('inbound SMS to a pool number goes to the service inbound URL', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 't');
    const inboundUrl = `${receiver.base}/svc/inbound`;
    const svc = await client.messaging.v1.services.create({ friendlyName: 'Inbox', inboundRequestUrl: inboundUrl });
    const n = await client.incomingPhoneNumbers.create({ phoneNumber: '+14155550801', smsUrl: `${receiver.base}/number/own` });
    await client.messaging.v1.services(svc.sid).phoneNumbers.create({ phoneNumberSid: n.sid });
    const r = await fetch(`${sim.url}/__inspect/twilio/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+16505550200', to: '+14155550801', body: 'Interested in the condo' }),
    });
    const inbound = await r.json();
    const [hook] = (await receiver.until((all) => all.some((x) => formParams(x.body).MessageSid === inbound.sid))).filter(
      (x) => formParams(x.body).MessageSid === inbound.sid,
    );
    expect(hook.path).toBe('/svc/inbound');
    expect(formParams(hook.body).MessagingServiceSid).toBe(svc.sid);
    const replies = await inspect(`/__inspect/twilio/messages?tenant=${sid}&to=%2B16505550200&wait=5000`);
    expect(replies.items[0]).toMatchObject({ body: 'Got it', direction: 'outbound-reply', from: '+14155550801' });
  });
});
