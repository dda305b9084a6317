import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, newKeySid } from '../helpers/twilio.js';

/**
 * twilio-python (Debian's 7.x, for /usr/bin/python3) against the simulator, both ways a user
 * points it at a base URL: `client.api.base_url = BASE`, and a TwilioHttpClient subclass that
 * rewrites https://{product}.twilio.com. tests/twilio/python/messages.py does what an
 * application would and prints what the SDK returned; this file checks that and what the
 * simulator stored (/__inspect).
 */

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/messages.py', import.meta.url));
const MODES = ['base_url', 'http_client'] as const;
type Mode = (typeof MODES)[number];

const FROM = '+15005550006';
const FROM_2 = '+15017122661';
const TO = '+15558675310';
const TO_F = '+15558675320';
const TO_G = '+15558675321';
const TO_PAGE = '+15558675330';
const RICH_BODY = 'Hello world + friends & family: 100% = ½ price? #1 ünïcödé 日本語 🎉👍🏽\nline two';

const SID = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);
const PARSED_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

// The script's JSON is loosely typed on purpose: the assertions below are its schema.
type Json = any;

interface Accounts {
  ACCOUNT_SID: string;
  AUTH_TOKEN: string;
  OTHER_SID: string;
  OTHER_TOKEN: string;
  PAGING_SID: string;
  PAGING_TOKEN: string;
  API_KEY_SID: string;
  API_KEY_SECRET: string;
}

interface Run {
  acc: Accounts;
  out: Json;
}

let sim: RunningServer;
const runs = {} as Record<Mode, Run>;

function runScript(mode: Mode, acc: Accounts): Promise<Json> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      [SCRIPT],
      {
        env: { PATH: process.env.PATH, LANG: 'C.UTF-8', PYTHONIOENCODING: 'utf-8', BASE: sim.url, MODE: mode, ...acc },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 30_000,
      },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${mode}: python exited with ${err.code ?? err.signal}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`${mode}: python printed no JSON\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      },
    );
  });
}

async function getJson(path: string): Promise<Json> {
  const res = await fetch(`${sim.url}${path}`);
  expect(res.status, path).toBe(200);
  return res.json();
}

/** Messages the simulator stored for one AccountSid, newest first. */
async function stored(tenant: string, params: Record<string, string> = {}): Promise<Json[]> {
  const qs = new URLSearchParams({ tenant, limit: '1000', ...params });
  return (await getJson(`/__inspect/twilio/messages?${qs}`)).items;
}

const token = () => randomBytes(16).toString('hex');

beforeAll(async () => {
  sim = await startSim({ timing: 'manual' }); // statuses stay as created, so they can be asserted exactly
  await Promise.all(
    MODES.map(async (mode) => {
      const acc: Accounts = {
        ACCOUNT_SID: newAccountSid(),
        AUTH_TOKEN: token(),
        OTHER_SID: newAccountSid(),
        OTHER_TOKEN: token(),
        PAGING_SID: newAccountSid(),
        PAGING_TOKEN: token(),
        API_KEY_SID: newKeySid(),
        API_KEY_SECRET: token(),
      };
      runs[mode] = { acc, out: await runScript(mode, acc) };
    }),
  );
}, 60_000);

afterAll(async () => {
  await sim?.close();
});

/** A scenario's output, failing with the Python traceback if it crashed. */
function section(mode: Mode, name: string): Json {
  const s = runs[mode].out[name];
  expect(s, `scenario ${name} missing`).toBeDefined();
  expect(s.crashed, s.traceback).toBeUndefined();
  return s;
}

/** fetch/create/update/delete raise TwilioRestException with Twilio's code and status. */
function expectRestError(r: Json, code: number, status: number): void {
  expect(r.raised, JSON.stringify(r)).toBe(true);
  expect({ type: r.type, code: r.code, status: r.status }).toEqual({ type: 'TwilioRestException', code, status });
}

/** list() and page() raise TwilioException('Unable to fetch page', response) in twilio-python 7. */
function expectPageError(r: Json, code: number, status: number): void {
  expect(r.raised, JSON.stringify(r)).toBe(true);
  expect({ type: r.type, message: r.message, code: r.code, status: r.status }).toEqual({
    type: 'TwilioException',
    message: 'Unable to fetch page',
    code,
    status,
  });
}

describe.each(MODES)('twilio-python 7 with %s', (mode) => {
  const acc = () => runs[mode].acc;

  it('sends every request to the simulator, through the rewritten base URL', () => {
    const out = runs[mode].out;
    expect(out.twilio_version).toMatch(/^7\./);
    expect(out.wire_urls.length).toBeGreaterThan(50);
    const api = out.wire_urls.filter((u: string) => u.startsWith(`${sim.url}/2010-04-01/Accounts/`));
    const verify = out.wire_urls.filter((u: string) => u.startsWith(`${sim.url}/verify/v2/`));
    expect(api.length + verify.length).toBe(out.wire_urls.length);
    expect(verify).toHaveLength(mode === 'http_client' ? 1 : 0);
  });


  it('creates a message whose body round-trips exactly (spaces as +, True booleans, unicode, emoji)', async () => {
    const s = section(mode, 'create');
    const { ACCOUNT_SID: A } = acc();
    expect(s.sent_body).toBe(RICH_BODY);

    const [post] = s.wire;
    expect(post.method).toBe('POST');
    expect(post.url).toBe(`${sim.url}/2010-04-01/Accounts/${A}/Messages.json`);
    expect(post.status).toBe(201);
    expect(post.body).toContain('Body=Hello+world+%2B+friends+%26+family%3A+100%25+%3D+');
    expect(post.body).toContain('ProvideFeedback=True');
    expect(post.body).toContain(`To=${encodeURIComponent(TO)}`);

    for (const m of [s.created, s.fetched]) {
      expect(m).toMatchObject({
        account_sid: A,
        api_version: '2010-04-01',
        to: TO,
        from: FROM,
        body: RICH_BODY,
        status: 'queued',
        direction: 'outbound-api',
        num_media: '0',
        num_segments: '2',
        messaging_service_sid: null,
        error_code: null,
        price: null,
        price_unit: 'USD',
        date_sent: null,
      });
      expect(m.sid).toMatch(SID('SM'));
      expect(m.uri).toBe(`/2010-04-01/Accounts/${A}/Messages/${m.sid}.json`);
      expect(m.subresource_uris.media).toBe(`/2010-04-01/Accounts/${A}/Messages/${m.sid}/Media.json`);
      expect(m.date_created).toMatch(PARSED_DATE);
    }
    expect(s.fetched.sid).toBe(s.created.sid);

    const [row] = (await stored(A)).filter((r: Json) => r.sid === s.created.sid);
    expect(row).toMatchObject({ account_sid: A, to: TO, from: FROM, body: RICH_BODY, status: 'queued', num_media: '0' });
  });

  it('creates an MMS with two MediaUrl values and lists its media', async () => {
    const s = section(mode, 'media');
    const { ACCOUNT_SID: A } = acc();
    expect(s.wire[0].body).toContain(
      'MediaUrl=https%3A%2F%2Fdemo.twilio.com%2Fowl.png&MediaUrl=https%3A%2F%2Fexample.com%2Fphotos%2Fcat.jpg',
    );
    const sid = s.created.sid;
    expect(sid).toMatch(SID('MM'));
    expect(s.created).toMatchObject({ num_media: '2', body: 'two pictures', account_sid: A });
    expect(s.fetched).toMatchObject({ sid, num_media: '2' });

    expect(s.media).toHaveLength(2);
    for (const md of s.media) {
      expect(md.sid).toMatch(SID('ME'));
      expect(md).toMatchObject({ account_sid: A, parent_sid: sid });
      expect(md.uri).toBe(`/2010-04-01/Accounts/${A}/Messages/${sid}/Media/${md.sid}.json`);
    }
    expect(s.media.map((m: Json) => m.content_type).sort()).toEqual(['image/jpeg', 'image/png']);
    expect(new Set(s.media.map((m: Json) => m.sid)).size).toBe(2);
    expect(s.media_fetched).toEqual(s.media[0]);

    const [row] = (await stored(A)).filter((r: Json) => r.sid === sid);
    expect(row).toMatchObject({ num_media: '2', body: 'two pictures' });
    expect(row.media_urls).toEqual(s.media_urls);
  });

  it('lists with To, From and DateSent</> filters', async () => {
    const s = section(mode, 'filters');
    const { ACCOUNT_SID: A } = acc();
    const [e1, e2, eg] = s.early.map((m: Json) => m.sid);
    const [l1, l2, lg] = s.late.map((m: Json) => m.sid);
    expect(Date.parse(s.late_start)).toBeGreaterThan(Date.parse(s.early_end));

    expect(s.to_f).toEqual([l2, l1, e2, e1]);
    expect(s.to_g).toEqual([lg, eg]);
    expect(s.from_2).toEqual([l2, l1, eg]);
    expect(s.to_f_from_2).toEqual([l2, l1]);
    expect(s.to_f_before).toEqual([e2, e1]);
    expect(s.to_f_after).toEqual([l2, l1]);
    expect(s.between).toEqual([l2, l1, e2, e1]);
    expect(s.after_tomorrow).toEqual([]);
    expect(s.before_2001).toEqual([]);
    expect(s.unknown_to).toEqual([]);

    const sentBefore = s.early_end.replace('+00:00', 'Z');
    const query = new URL(s.to_f_before_wire[0].url).searchParams;
    expect(query.get('DateSent<')).toBe(sentBefore);
    expect(query.get('To')).toBe(TO_F);

    expect((await stored(A, { to: TO_F })).map((r: Json) => r.sid)).toEqual([l2, l1, e2, e1]);
    expect((await stored(A, { from: FROM_2 })).map((r: Json) => r.sid)).toEqual([l2, l1, eg]);
  });

  it("redacts a body with update(body='')", async () => {
    const s = section(mode, 'redact');
    const { ACCOUNT_SID: A } = acc();
    expect(s.created.body).toBe('your code is 123456');
    expect(s.updated).toMatchObject({ sid: s.created.sid, body: '' });
    expect(s.fetched).toMatchObject({ sid: s.created.sid, body: '', to: TO });
    const [row] = (await stored(A)).filter((r: Json) => r.sid === s.created.sid);
    expect(row.body).toBe('');
  });

  it('deletes a message and its media; later reads raise 20404', async () => {
    const s = section(mode, 'delete');
    const { ACCOUNT_SID: A } = acc();
    expect(s.created.sid).toMatch(SID('MM'));
    expect(s.media_sid).toMatch(SID('ME'));
    expect(s.delete_result).toBe(true);
    expectRestError(s.fetch_after, 20404, 404);
    expect(s.fetch_after.method).toBe('GET');
    expectRestError(s.delete_again, 20404, 404);
    expectPageError(s.media_after, 20404, 404);
    expectRestError(s.media_fetch_after, 20404, 404);
    expect((await stored(A)).filter((r: Json) => r.sid === s.created.sid)).toEqual([]);
  });

  it('raises TwilioRestException with Twilio codes for invalid sends, and stores none of them', async () => {
    const s = section(mode, 'errors');
    const { ACCOUNT_SID: A } = acc();
    expectRestError(s.to_none, 21604, 400);
    expectRestError(s.to_empty, 21604, 400);
    expectRestError(s.to_invalid, 21211, 400);
    expect(s.to_invalid.method).toBe('POST');
    expectRestError(s.body_1601, 21617, 400);
    expect(s.body_1600.raised).toBe(false);
    expect(s.body_1600.value.body).toBe('b'.repeat(1600));

    const magicTo: Record<string, number> = {
      '+15005550001': 21211,
      '+15005550002': 21612,
      '+15005550003': 21408,
      '+15005550004': 21610,
      '+15005550009': 21614,
    };
    const magicFrom: Record<string, number> = { '+15005550001': 21212, '+15005550007': 21606, '+15005550008': 21611 };
    for (const [n, code] of Object.entries(magicTo)) expectRestError(s.magic_to[n], code, 400);
    for (const [n, code] of Object.entries(magicFrom)) expectRestError(s.magic_from[n], code, 400);

    for (const n of Object.keys(magicTo)) expect(await stored(A, { to: n }), n).toEqual([]);
    for (const n of Object.keys(magicFrom)) expect(await stored(A, { from: n }), n).toEqual([]);
    const rows = await stored(A);
    expect(rows.filter((r: Json) => r.body.startsWith('a'.repeat(100)))).toEqual([]);
    expect(rows.filter((r: Json) => r.body === 'b'.repeat(1600)).map((r: Json) => r.sid)).toEqual([s.body_1600.value.sid]);
  });

  it('refuses a different auth token once the account has one (20003, 401)', async () => {
    const s = section(mode, 'auth');
    const { ACCOUNT_SID: A } = acc();
    expectPageError(s.wrong_list, 20003, 401);
    expectRestError(s.wrong_create, 20003, 401);
    expectRestError(s.wrong_fetch_account, 20003, 401);
    expect(s.right_after).toHaveLength(1);
    expect((await stored(A)).filter((r: Json) => r.body === 'with a wrong token')).toEqual([]);

    const refused = (await getJson('/__inspect/requests?status=401&limit=1000')).items.filter(
      (r: Json) => r.path.startsWith(`/2010-04-01/Accounts/${A}`),
    );
    // This scenario's three, the API key with a wrong secret, and the other account's credentials.
    expect(refused.map((r: Json) => `${r.method} ${r.path}`).sort()).toEqual(
      [
        `GET /2010-04-01/Accounts/${A}.json`,
        `GET /2010-04-01/Accounts/${A}/Messages.json`,
        `GET /2010-04-01/Accounts/${A}/Messages.json`,
        `GET /2010-04-01/Accounts/${A}/Messages.json`,
        `POST /2010-04-01/Accounts/${A}/Messages.json`,
      ].sort(),
    );
    for (const r of refused) expect(r).toMatchObject({ provider: 'twilio', status: 401 });
  });

  it('fetches the account', () => {
    const s = section(mode, 'account');
    const { ACCOUNT_SID: A } = acc();
    for (const a of [s.accounts_sid, s.account]) {
      expect(a).toMatchObject({ sid: A, status: 'active', type: 'Full', owner_account_sid: A, uri: `/2010-04-01/Accounts/${A}.json` });
      expect(typeof a.friendly_name).toBe('string');
    }
  });

  it('authenticates with an API key and the AccountSid in the path', async () => {
    const s = section(mode, 'api_key');
    const { ACCOUNT_SID: A, OTHER_SID: B } = acc();
    expect(s.created).toMatchObject({ account_sid: A, body: 'sent with an API key', status: 'queued' });
    expect(s.fetched).toMatchObject({ sid: s.created.sid, account_sid: A });
    expect(s.listed_by_token).toContain(s.created.sid);
    expect(s.account).toMatchObject({ sid: A, status: 'active' });
    expectPageError(s.wrong_secret, 20003, 401);
    expectPageError(s.other_account, 20003, 401);

    expect((await stored(A)).map((r: Json) => r.sid)).toContain(s.created.sid);
    expect((await stored(B)).map((r: Json) => r.sid)).not.toContain(s.created.sid);
  });

  it('walks pages with list(limit, page_size), newest first and without duplicates', async () => {
    const s = section(mode, 'paging');
    const { PAGING_SID: P } = acc();
    const newestFirst = [...s.sent].reverse();
    expect(s.sent).toHaveLength(25);

    expect(s.all.sids).toEqual(newestFirst);
    expect(new Set(s.all.sids).size).toBe(25);
    expect(s.all.requests).toHaveLength(3);
    expect(new URL(s.all.requests[0]).searchParams.get('PageSize')).toBe('10');
    for (const u of s.all.requests.slice(1)) expect(new URL(u).searchParams.get('PageToken')).toBeTruthy();

    expect(s.limit_23.sids).toEqual(newestFirst.slice(0, 23));
    expect(s.limit_23.requests).toHaveLength(3);
    expect(s.limit_7.sids).toEqual(newestFirst.slice(0, 7));
    expect(s.limit_7.requests).toHaveLength(1);
    expect(new URL(s.limit_7.requests[0]).searchParams.get('PageSize')).toBe('7');

    expect(s.filtered.sids).toEqual(newestFirst);
    expect(s.filtered.requests).toHaveLength(7);
    for (const u of s.filtered.requests) expect(new URL(u).searchParams.get('To')).toBe(TO_PAGE);

    expect(s.pages.p1).toEqual(newestFirst.slice(0, 10));
    expect(s.pages.p2).toEqual(newestFirst.slice(10, 20));
    expect(s.pages.p3).toEqual(newestFirst.slice(20));
    expect(s.pages.p3_next_url).toBeNull();
    expect(s.pages.p1_previous_url).toBeNull();
    expect(s.pages.back).toEqual(s.pages.p1);

    expect(s.mid_walk.sids).toEqual(newestFirst);
    expect(s.mid_walk.after).toEqual([s.mid_walk.newcomer]);

    const rows = await stored(P);
    expect(rows.map((r: Json) => r.sid)).toEqual([s.mid_walk.newcomer, ...newestFirst]);
    expect(new Set(rows.map((r: Json) => r.account_sid))).toEqual(new Set([P]));
  });

  it('keeps two AccountSids apart in list, fetch, update, delete and /__inspect', async () => {
    const s = section(mode, 'isolation');
    const { ACCOUNT_SID: A, OTHER_SID: B } = acc();
    const out = runs[mode].out;
    const deleted = new Set<string>(out.deleted);
    const mine = [...out.created[A]].reverse().filter((sid: string) => !deleted.has(sid));
    const theirs = [...out.created[B]].reverse();
    expect(theirs).toHaveLength(13);

    expect(s.mine).toEqual(mine);
    expect(s.theirs).toEqual(theirs);
    expect(s.theirs_accounts).toEqual([B]);
    expect(s.mine.filter((sid: string) => theirs.includes(sid))).toEqual([]);
    expectRestError(s.other_fetches_mine, 20404, 404);
    expectRestError(s.i_fetch_theirs, 20404, 404);
    expectRestError(s.other_deletes_mine, 20404, 404);
    expectRestError(s.other_redacts_mine, 20404, 404);
    expectPageError(s.other_creds_on_my_path, 20003, 401);
    expect(s.mine_still_there).toMatchObject({ sid: out.created[A][0], body: RICH_BODY });

    const rowsA = await stored(A);
    const rowsB = await stored(B);
    expect(rowsA.map((r: Json) => r.sid)).toEqual(mine);
    expect(rowsB.map((r: Json) => r.sid)).toEqual(theirs);
    expect(new Set(rowsA.map((r: Json) => r.account_sid))).toEqual(new Set([A]));
    expect(new Set(rowsB.map((r: Json) => r.account_sid))).toEqual(new Set([B]));
  });
});

it('twilio-python 7 with http_client rewrites other products to BASE/{product}/... despite region and edge', async () => {
  const mode: Mode = 'http_client';
  const s = section(mode, 'other_product');
  const path = `/verify/v2/Services/VA${'0'.repeat(32)}`;
  expect(s.wire.map((w: Json) => w.url)).toEqual([`${sim.url}${path}`]);
  expectRestError(s.fetch, 20404, 404);
  const seen = (await getJson('/__inspect/requests?limit=1000')).items.filter((r: Json) => r.path === path);
  expect(seen).toHaveLength(1);
  expect(seen[0]).toMatchObject({ method: 'GET', provider: 'twilio', status: 404, tenant: runs[mode].acc.ACCOUNT_SID });
});
