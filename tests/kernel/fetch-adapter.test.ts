import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromFetch, toFetchResponse } from '../../src/core/fetch.js';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';

let sim: RunningServer;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.close();
});

describe('the core contract adapts Fetch Requests too', () => {
  it('a Fetch Request handled in-process lands in the same store the SDK reads', async () => {
    const sid = newAccountSid();
    const req = new Request(`http://twilio.local/2010-04-01/Accounts/${sid}/Messages.json?x=1`, {
      method: 'POST',
      headers: {
        authorization: 'Basic ' + Buffer.from(`${sid}:tok`).toString('base64'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: '+15554440000', From: '+15005550006', Body: 'in process' }).toString(),
    });
    const res = toFetchResponse(await sim.simulators.twilio.handle(fromFetch(req)));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const created = await res.json();
    expect(created.body).toBe('in process');
    const fetched = await twilioClient(sim.url, sid, 'tok').client.messages(created.sid).fetch();
    expect(fetched.to).toBe('+15554440000');
  });
});
