import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import twilio from 'twilio';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { formParams, startReceiver } from '../helpers/receiver.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid } from '../helpers/twilio.js';

/**
 * A Voice call round trip with twilio-python (Debian's 7.x, for /usr/bin/python3):
 * tests/twilio/python/calls.py creates, advances, fetches, lists, updates and deletes calls and
 * reads the recordings and transcriptions; this file checks what the SDK returned, what the
 * simulator stored, and the signed status callbacks the app received.
 */

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/calls.py', import.meta.url));
const PARSED_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;
type Json = any;

let sim: RunningServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const ACCOUNT = newAccountSid();
const TOKEN = randomBytes(16).toString('hex');
let out: Json;

beforeAll(async () => {
  sim = await startSim({ timing: 'manual' });
  receiver = await startReceiver(() => ({ status: 200 }));
  out = await new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      [SCRIPT],
      {
        env: { PATH: process.env.PATH, LANG: 'C.UTF-8', PYTHONIOENCODING: 'utf-8', BASE: sim.url, ACCOUNT_SID: ACCOUNT, AUTH_TOKEN: TOKEN, CALLBACK: `${receiver.base}/status` },
        timeout: 30_000,
      },
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
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await receiver?.close();
});

it('twilio-python 7 runs a call round trip: create, advance, fetch, list, recordings, transcriptions, cancel, delete', async () => {
  const sid = out.created.sid;
  expect(sid).toMatch(/^CA[0-9a-f]{32}$/);
  expect(out.created).toMatchObject({ account_sid: ACCOUNT, to: '+15558675310', from: '+15005550006', status: 'queued', direction: 'outbound-api', duration: null, start_time: null, price: null, queue_time: '0', api_version: '2010-04-01' });
  expect(out.created.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Calls/${sid}.json`);
  const sent = new URLSearchParams(out.create_wire.body);
  expect(sent.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
  expect(sent.get('Record')).toBe('True');

  expect(out.advanced.status).toBe('completed');
  expect(out.fetched).toMatchObject({ sid, status: 'completed' });
  expect(Number(out.fetched.duration)).toBeGreaterThan(0);
  expect(out.fetched.start_time).toMatch(PARSED_DATE);
  expect(out.fetched.end_time).toMatch(PARSED_DATE);
  expect(out.listed).toEqual([sid]);

  expect(out.recordings).toHaveLength(2);
  expect(out.recordings.map((r: Json) => r.source).sort()).toEqual(['OutboundAPI', 'RecordVerb']);
  for (const r of out.recordings) {
    expect(r.call_sid).toBe(sid);
    expect(r.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Recordings/${r.sid}.json`);
  }
  expect(out.transcriptions).toHaveLength(1);
  expect(out.transcriptions[0].recording_sid).toBe(out.recordings.find((r: Json) => r.source === 'RecordVerb').sid);
  expect(out.transcriptions[0].text.length).toBeGreaterThan(40);

  expect(out.canceled.status).toBe('canceled');
  expect(out.deleted).toBe(true);
  expect(out.fetch_deleted).toEqual({ raised: true, code: 20404, status: 404 });
  expect(out.no_url).toEqual({ raised: true, code: 21205, status: 400 });

  // What the simulator stored.
  const stored = (await (await fetch(`${sim.url}/__inspect/twilio/calls?tenant=${ACCOUNT}`)).json()).items;
  expect(stored.map((c: Json) => c.sid)).toEqual([sid]);
  expect(stored[0].timeline.filter((t: Json) => t.status).map((t: Json) => t.status)).toEqual(['queued', 'ringing', 'in-progress', 'completed']);
  expect(stored[0].recordings.find((r: Json) => r.source === 'RecordVerb').transcriptions[0].transcription_text).toBe(out.transcriptions[0].text);

  // The signed status callbacks the app received.
  const hooks = await receiver.until((all) => all.some((r) => formParams(r.body).CallSid === sid && formParams(r.body).CallStatus === 'completed'));
  const mine = hooks.filter((r) => formParams(r.body).CallSid === sid);
  expect(mine.map((r) => formParams(r.body).CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
  for (const r of mine) {
    expect(twilio.validateRequest(TOKEN, r.headers['x-twilio-signature'] as string, `${receiver.base}/status`, formParams(r.body))).toBe(true);
  }
});
