import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, newKeySid } from '../helpers/twilio.js';

/**
 * Verify v2 with twilio-python (Debian's 7.x, for /usr/bin/python3), both ways of pointing it at
 * the simulator: `client.verify.base_url = BASE + '/verify'`, and a TwilioHttpClient subclass.
 * tests/twilio/python/verify.py does what an application would; this file checks what the SDK
 * returned and what the simulator stored.
 */

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/verify.py', import.meta.url));
const MODES = ['base_url', 'http_client'] as const;
type Mode = (typeof MODES)[number];
type Json = any;

const PARSED_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

let sim: RunningServer;
const runs = {} as Record<Mode, { account: string; key: string; out: Json }>;

function runScript(env: Record<string, string>): Promise<Json> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      [SCRIPT],
      { env: { PATH: process.env.PATH, LANG: 'C.UTF-8', PYTHONIOENCODING: 'utf-8', BASE: sim.url, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`python exited with ${err.code ?? err.signal}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`python printed no JSON\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      },
    );
  });
}

beforeAll(async () => {
  sim = await startSim();
  await Promise.all(
    MODES.map(async (mode) => {
      const account = newAccountSid();
      const key = newKeySid();
      const out = await runScript({
        MODE: mode,
        ACCOUNT_SID: account,
        AUTH_TOKEN: randomBytes(16).toString('hex'),
        API_KEY_SID: key,
        API_KEY_SECRET: randomBytes(16).toString('hex'),
      });
      runs[mode] = { account, key, out };
    }),
  );
}, 60_000);

afterAll(async () => {
  await sim?.close();
});

function section(mode: Mode, name: string): Json {
  const s = runs[mode].out[name];
  expect(s, `scenario ${name} missing`).toBeDefined();
  expect(s.crashed, s.traceback).toBeUndefined();
  return s;
}

function expectRestError(r: Json, code: number, status: number): void {
  expect(r.raised, JSON.stringify(r)).toBe(true);
  expect({ type: r.type, code: r.code, status: r.status }).toEqual({ type: 'TwilioRestException', code, status });
}

async function stored(collection: string, tenant: string): Promise<Json[]> {
  const res = await fetch(`${sim.url}/__inspect/twilio/${collection}?tenant=${tenant}&limit=1000`);
  return (await res.json()).items;
}

describe.each(MODES)('twilio-python 7 Verify with %s', (mode) => {
  it('sends every Verify request to BASE/verify/v2', () => {
    const { out } = runs[mode];
    expect(out.twilio_version).toMatch(/^7\./);
    const verify = out.wire_urls.filter((u: string) => u.startsWith(`${sim.url}/verify/v2/`));
    const api = out.wire_urls.filter((u: string) => u.startsWith(`${sim.url}/2010-04-01/Accounts/`));
    expect(verify.length).toBeGreaterThan(25);
    expect(api).toHaveLength(1);
    expect(verify.length + api.length).toBe(out.wire_urls.length);
  });

  it('creates a service, sends an SMS code, rejects a wrong code and approves the right one', async () => {
    const s = section(mode, 'round_trip');
    const { account } = runs[mode];
    expect(s.service).toMatchObject({ account_sid: account, friendly_name: 'Py Homes', code_length: 7, lookup_enabled: true });
    expect(s.service.sid).toMatch(/^VA[0-9a-f]{32}$/);
    expect(s.service.url).toBe(`${sim.url}/verify/v2/Services/${s.service.sid}`);
    expect(s.service.date_created).toMatch(PARSED_DATE);
    expect(s.fetched).toEqual(s.service);
    expect(s.listed).toEqual([s.service.sid]);

    const v = s.verification;
    expect(v).toMatchObject({ service_sid: s.service.sid, account_sid: account, to: '+14155550201', channel: 'sms', status: 'pending', valid: false });
    expect(v.date_created).toMatch(PARSED_DATE);
    expect(v.send_code_attempts).toHaveLength(1);
    expect(s.code).toMatch(/^\d{7}$/);
    expect(s.by_sid).toEqual(v);
    expect(s.by_to).toEqual(v);
    expect(s.wrong).toMatchObject({ sid: v.sid, status: 'pending', valid: false });
    expect(s.right).toMatchObject({ sid: v.sid, status: 'approved', valid: true });
    expect(s.right.date_created).toMatch(PARSED_DATE);
    expectRestError(s.after, 20404, 404);
    expectRestError(s.check_again, 20404, 404);

    const sms = (await stored('messages', account)).filter((m: Json) => m.to === '+14155550201');
    expect(sms.map((m: Json) => m.body)).toEqual([`Your Py Homes verification code is: ${s.code}`]);
    const row = (await stored('verifications', account)).find((r: Json) => r.sid === v.sid);
    expect(row).toMatchObject({ status: 'approved', check_attempts: 1, code: s.code });
  });

  it('cancels, checks by VerificationSid and answers 60200, 60202, 60203 and 20404', () => {
    const s = section(mode, 'update_and_errors');
    expect(s.canceled).toMatchObject({ status: 'canceled', channel: 'call' });
    expect(s.by_sid).toMatchObject({ status: 'pending', valid: false });
    expectRestError(s.bad_channel, 60200, 400);
    expectRestError(s.bad_to, 60200, 400);
    expectRestError(s.max_checks, 60202, 429);
    expectRestError(s.max_sends, 60203, 429);
    expectRestError(s.unknown, 20404, 404);
  });

  it('authenticates Verify with an API key bound to the account', () => {
    const s = section(mode, 'api_key');
    expect(s.service).toMatchObject({ account_sid: runs[mode].account, friendly_name: 'Py Keyed' });
  });
});
