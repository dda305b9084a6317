import { execFile } from 'node:child_process';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { ROOT } from '../helpers/process.js';
import { formParams, startReceiver } from '../helpers/receiver.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid } from '../helpers/twilio.js';

let sim: RunningServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  sim = await startSim({ timing: 'immediate' });
  receiver = await startReceiver(() => ({
    status: 200,
    type: 'text/xml',
    body: '<Response><Message>Yes! Want a tour on Saturday?</Message><Message>Reply STOP to opt out.</Message></Response>',
  }));
});
afterAll(async () => {
  await sim?.close();
  await receiver?.close();
});

describe('twilio-python: inbound SMS round trip and message lifecycle', () => {
  it('buys a number, receives a signed inbound webhook, sees the TwiML replies, honours STOP, follows a lifecycle', async () => {
    const sid = newAccountSid();
    const token = 'python-inbound-token';
    const smsUrl = `${receiver.base}/py/sms`;
    const env = { ...process.env, BASE: sim.url, ACCOUNT_SID: sid, AUTH_TOKEN: token, NUMBER: '+14155550909', PERSON: '+16505550909', SMS_URL: smsUrl, STATUS_URL: `${receiver.base}/py/status` };
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('/usr/bin/python3', [`${ROOT}tests/twilio/python/inbound.py`], { env, timeout: 20_000 }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
      ),
    );
    const r = JSON.parse(stdout);
    expect(r.number).toMatchObject({ phone_number: '+14155550909', sms_url: smsUrl });
    expect(r.number.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(r.inbound).toMatchObject({ direction: 'inbound', status: 'received' });
    expect(r.fetched_inbound).toBe('Is 12 Oak St still available? Ünïcode + spaces');
    expect(r.replies.map((m: any) => m.body).sort()).toEqual(['Reply STOP to opt out.', 'Yes! Want a tour on Saturday?']);
    for (const m of r.replies) expect(m).toMatchObject({ from: '+14155550909', direction: 'outbound-reply', status: 'delivered' });
    expect(r.after_stop).toEqual({ code: 21610, status: 400 });
    expect(r.after_start).toBe('queued');

    expect(r.lifecycle).toMatchObject({ first: 'queued', last: 'delivered', date_sent: true });
    await receiver.until((all) => all.some((x) => formParams(x.body).MessageSid === r.lifecycle.sid && formParams(x.body).MessageStatus === 'delivered'));
    const callbacks = receiver.received.filter((x) => formParams(x.body).MessageSid === r.lifecycle.sid);
    expect(callbacks.map((x) => formParams(x.body).MessageStatus)).toEqual(['sending', 'sent', 'delivered']);
    for (const c of callbacks) {
      expect(twilio.validateRequest(token, c.headers['x-twilio-signature'] as string, `${receiver.base}/py/status`, formParams(c.body))).toBe(true);
    }

    // every inbound webhook the app received is signed with the account's token
    const hooks = receiver.received.filter((x) => formParams(x.body).AccountSid === sid && formParams(x.body).SmsStatus === 'received');
    expect(hooks.map((x) => formParams(x.body).Body)).toEqual(['Is 12 Oak St still available? Ünïcode + spaces', 'STOP', 'START']);
    for (const h of hooks) expect(twilio.validateRequest(token, h.headers['x-twilio-signature'] as string, smsUrl, formParams(h.body))).toBe(true);
    // and the simulator stored the whole conversation
    const stored = await (await fetch(`${sim.url}/__inspect/twilio/messages?tenant=${sid}`)).json();
    expect(stored.items.filter((m: any) => m.direction === 'inbound')).toHaveLength(3);
  });
});
