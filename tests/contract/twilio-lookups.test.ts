import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';
import { ContractValidator, formatFailures, type Exchange } from './openapi.js';

describe('Twilio Lookup v2 against openapi/twilio-lookups.yaml', () => {
  const account = newAccountSid();
  const validator = new ContractValidator('twilio-lookups.yaml');
  let sim: RunningServer;
  let good: ReturnType<typeof twilioClient>;
  let bad: ReturnType<typeof twilioClient>;
  const recorded = (): Exchange[] => [...good.httpClient.recorded, ...bad.httpClient.recorded];

  beforeAll(async () => {
    sim = await startSim();
    good = twilioClient(sim.url, account, 'contract-lookup-token');
    bad = twilioClient(sim.url, account, 'not-the-token');
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('looks up valid and invalid numbers with every combination of the implemented packages', async () => {
    const numbers = ['+14159929960', '+14155552671', '+18005550100', '+447772000001', '+33612345678', '+15005550006', '+15005550009', '+15551234567', '+1415', 'abc'];
    for (let i = 0; i < 30; i++) numbers.push(`+1310555${String(2000 + i)}`);
    for (const n of numbers) {
      for (const fields of [undefined, 'line_type_intelligence', 'caller_name', 'caller_name,line_type_intelligence,sim_swap,validation']) {
        await good.client.lookups.v2.phoneNumbers(n).fetch(fields ? { fields } : {});
      }
    }
    await good.client.lookups.v2.phoneNumbers('020 7946 0018').fetch({ countryCode: 'GB', fields: 'line_type_intelligence' });
    await expect(good.client.lookups.v2.phoneNumbers('+14155552671').fetch({ fields: 'carrier' })).rejects.toMatchObject({ status: 400, code: 60200 });
    await expect(bad.client.lookups.v2.phoneNumbers('+14155552671').fetch()).rejects.toMatchObject({ status: 401, code: 20003 });
    const r = await good.client.request({ method: 'delete', uri: 'https://lookups.twilio.com/v2/PhoneNumbers/+14155552671' });
    expect(r.statusCode).toBe(405);
    good.httpClient.recorded.at(-1)!.method = 'DELETE';
  });

  it('every recorded response matches openapi/twilio-lookups.yaml, and every documented response was produced', () => {
    const verdicts = recorded().map((x) => validator.check(x));
    const failures = formatFailures(verdicts);
    if (failures) console.error(`responses not matching openapi/twilio-lookups.yaml:\n\n${failures}`);
    expect(failures).toBe('');
    expect(verdicts.length).toBeGreaterThanOrEqual(160);
    const seen = new Set(recorded().map((x) => `${validator.operationId(x.method, x.url) ?? x.method} ${x.status}`));
    expect([...seen].sort()).toEqual(['DELETE 405', 'FetchPhoneNumber 200', 'FetchPhoneNumber 400', 'FetchPhoneNumber 401']);
  });
});
