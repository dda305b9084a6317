import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, newKeySid, twilioClient } from '../helpers/twilio.js';

type Json = any;

const LINE_TYPES = ['landline', 'mobile', 'fixedVoip', 'nonFixedVoip', 'personal', 'tollFree', 'premium', 'sharedCost', 'uan', 'voicemail', 'pager', 'unknown'];
const PACKAGES = [
  'caller_name',
  'sim_swap',
  'call_forwarding',
  'line_status',
  'line_type_intelligence',
  'identity_match',
  'reassigned_number',
  'sms_pumping_risk',
  'phone_number_quality_score',
  'pre_fill',
];

let sim: RunningServer;
const account = newAccountSid();
let lookup: ReturnType<typeof twilioClient>;

beforeAll(async () => {
  sim = await startSim();
  lookup = twilioClient(sim.url, account, 'lookup-token');
});
afterAll(async () => {
  await sim?.close();
});

const lastBody = () => lookup.httpClient.recorded.at(-1)!.body as Json;

async function raw(path: string) {
  const res = await fetch(sim.url + path, {
    headers: { authorization: 'Basic ' + Buffer.from(`${account}:lookup-token`).toString('base64') },
  });
  return { status: res.status, body: (await res.json()) as Json };
}

describe('twilio-node Lookup v2', () => {
  it('validates and formats a number, with every data package null unless requested', async () => {
    const p = await lookup.client.lookups.v2.phoneNumbers('+14155552671').fetch();
    expect(p).toMatchObject({
      callingCountryCode: '1',
      countryCode: 'US',
      phoneNumber: '+14155552671',
      nationalFormat: '(415) 555-2671',
      valid: true,
      validationErrors: null,
      callerName: null,
      lineTypeIntelligence: null,
    });
    expect(p.url).toBe(`${sim.url}/lookups/v2/PhoneNumbers/+14155552671`);
    expect(lookup.httpClient.recorded.at(-1)!.url).toBe(`${sim.url}/lookups/v2/PhoneNumbers/+14155552671`);
    const body = lastBody();
    expect(Object.keys(body)).toEqual([
      'calling_country_code', 'country_code', 'phone_number', 'national_format', 'valid', 'validation_errors',
      ...PACKAGES, 'url',
    ]);
    for (const k of PACKAGES) expect(body[k], k).toBeNull();
  });

  it('answers line_type_intelligence deterministically, by number type and for Twilio example numbers', async () => {
    const a = await lookup.client.lookups.v2.phoneNumbers('+14155552671').fetch({ fields: 'line_type_intelligence' });
    const b = await lookup.client.lookups.v2.phoneNumbers('+14155552671').fetch({ fields: 'line_type_intelligence' });
    expect(a.toJSON()).toEqual(b.toJSON());
    const lti = lastBody().line_type_intelligence;
    expect(Object.keys(lti).sort()).toEqual(['carrier_name', 'error_code', 'mobile_country_code', 'mobile_network_code', 'type']);
    expect(LINE_TYPES).toContain(lti.type);
    expect(lti.error_code).toBeNull();
    expect(lastBody().caller_name).toBeNull();

    const example = await lookup.client.lookups.v2.phoneNumbers('+14159929960').fetch({ fields: 'line_type_intelligence' });
    expect(lastBody().line_type_intelligence).toEqual({
      carrier_name: 'Twilio - SMS/MMS-SVR',
      error_code: null,
      mobile_country_code: '240',
      mobile_network_code: '38',
      type: 'nonFixedVoip',
    });
    expect(example.lineTypeIntelligence).not.toBeNull();

    await lookup.client.lookups.v2.phoneNumbers('+18005550100').fetch({ fields: 'line_type_intelligence' });
    expect(lastBody().line_type_intelligence.type).toBe('tollFree');
    await lookup.client.lookups.v2.phoneNumbers('+447772000001').fetch({ fields: 'line_type_intelligence' });
    expect(lastBody()).toMatchObject({ country_code: 'GB', calling_country_code: '44', national_format: '07772 000001' });
    expect(lastBody().line_type_intelligence).toMatchObject({ type: 'mobile', mobile_country_code: '234' });
    await lookup.client.lookups.v2.phoneNumbers('+15005550009').fetch({ fields: 'line_type_intelligence' });
    expect(lastBody().line_type_intelligence.type).toBe('landline');

    // Many numbers: a mix of types, each stable.
    const types = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const n = `+1415555${String(3000 + i).padStart(4, '0')}`;
      await lookup.client.lookups.v2.phoneNumbers(n).fetch({ fields: 'line_type_intelligence' });
      types.add(lastBody().line_type_intelligence.type);
    }
    expect(types.has('mobile')).toBe(true);
    expect(types.has('landline')).toBe(true);
  });

  it('answers caller_name from CNAM-like data seeded by the number', async () => {
    await lookup.client.lookups.v2.phoneNumbers('+14159929960').fetch({ fields: 'caller_name' });
    expect(lastBody().caller_name).toEqual({ caller_name: 'Sergio Suarez', caller_type: 'CONSUMER', error_code: null });
    expect(lastBody().line_type_intelligence).toBeNull();

    const seen: Json[] = [];
    for (let i = 0; i < 25; i++) {
      const n = `+1212555${String(1000 + i)}`;
      const p = await lookup.client.lookups.v2.phoneNumbers(n).fetch({ fields: 'caller_name,line_type_intelligence' });
      expect(p.lineTypeIntelligence).not.toBeNull();
      const c = lastBody().caller_name;
      expect(['CONSUMER', 'BUSINESS', 'UNDETERMINED']).toContain(c.caller_type);
      if (c.caller_type !== 'UNDETERMINED') expect(c.caller_name).toMatch(/\S+ \S+/);
      seen.push(c);
      await lookup.client.lookups.v2.phoneNumbers(n).fetch({ fields: 'caller_name' });
      expect(lastBody().caller_name).toEqual(c);
    }
    expect(seen.some((c) => c.caller_type === 'CONSUMER')).toBe(true);

    await lookup.client.lookups.v2.phoneNumbers('+447772000001').fetch({ fields: 'caller_name' });
    expect(lastBody().caller_name).toEqual({ caller_name: null, caller_type: null, error_code: 60600 });
  });

  it('answers 200 with valid:false and validation_errors for invalid numbers', async () => {
    const cases: [string, string][] = [
      ['+15551234567', 'INVALID_BUT_POSSIBLE'],
      ['+1415', 'TOO_SHORT'],
      ['+141599299600', 'TOO_LONG'],
      ['abc', 'NOT_A_NUMBER'],
      ['+999123456', 'INVALID_COUNTRY_CODE'],
    ];
    for (const [n, error] of cases) {
      const p = await lookup.client.lookups.v2.phoneNumbers(n).fetch({ fields: 'line_type_intelligence,caller_name' });
      expect(lookup.httpClient.recorded.at(-1)!.status).toBe(200);
      expect(p.valid, n).toBe(false);
      expect(p.validationErrors, n).toEqual([error]);
      expect(lastBody()).toMatchObject({
        calling_country_code: null,
        country_code: null,
        national_format: null,
        line_type_intelligence: null,
        caller_name: null,
      });
    }
    expect(lastBody().phone_number).toBe('+999123456');
    await lookup.client.lookups.v2.phoneNumbers('+141599299600').fetch();
    expect(lastBody()).toMatchObject({ phone_number: '+141599299600', url: `${sim.url}/lookups/v2/PhoneNumbers/+141599299600` });
  });

  it('accepts %2B in the path and national numbers with CountryCode (US by default)', async () => {
    const encoded = await raw('/lookups/v2/PhoneNumbers/%2B14155552671?Fields=line_type_intelligence');
    expect(encoded.status).toBe(200);
    expect(encoded.body).toMatchObject({ phone_number: '+14155552671', valid: true });
    const national = await lookup.client.lookups.v2.phoneNumbers('(415) 555-2671').fetch();
    expect(national.phoneNumber).toBe('+14155552671');
    const gb = await lookup.client.lookups.v2.phoneNumbers('07772000001').fetch({ countryCode: 'GB' });
    expect(gb).toMatchObject({ phoneNumber: '+447772000001', countryCode: 'GB', callingCountryCode: '44' });
  });

  it('answers Twilio errors for bad parameters and credentials', async () => {
    await expect(lookup.client.lookups.v2.phoneNumbers('+14155552671').fetch({ fields: 'line_type_intelligence,bogus' })).rejects.toMatchObject({
      status: 400,
      code: 60200,
      message: 'Invalid parameter: Fields',
    });
    await expect(lookup.client.lookups.v2.phoneNumbers('+14155552671').fetch({ countryCode: 'ZZ' })).rejects.toMatchObject({ status: 400, code: 60200 });
    const wrong = twilioClient(sim.url, account, 'not-the-token');
    await expect(wrong.client.lookups.v2.phoneNumbers('+14155552671').fetch()).rejects.toMatchObject({ status: 401, code: 20003 });
    const stranger = twilioClient(sim.url, newKeySid(), 'secret', account);
    await expect(stranger.client.lookups.v2.phoneNumbers('+14155552671').fetch()).rejects.toMatchObject({ status: 401, code: 20003 });
    const post = await lookup.client.request({ method: 'post', uri: 'https://lookups.twilio.com/v2/PhoneNumbers/+14155552671' });
    expect(post.statusCode).toBe(405);

    const journal = (await (await fetch(`${sim.url}/__inspect/requests?tenant=${account}&status=200&limit=1`)).json()).items;
    expect(journal[0]).toMatchObject({ provider: 'twilio', operation: 'FetchPhoneNumber', tenant: account });
  });
});
