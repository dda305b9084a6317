import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { failure, newApiKey, sendgrid } from '../helpers/sendgrid.js';
import { startSim } from '../helpers/server.js';

const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#';
const MAX_BODY = 64 * 1024;

let sim: RunningServer;
beforeAll(async () => {
  sim = await startSim({ maxBodyBytes: MAX_BODY });
});
afterAll(async () => {
  await sim?.close();
});

async function inspect(query: string): Promise<any[]> {
  const res = await fetch(`${sim.url}/__inspect/sendgrid/messages?${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: any[] }).items;
}

const tenantOf = async (key: string) => {
  const { mail } = sendgrid(sim.url, key);
  await mail.send({ to: 'probe@example.com', from: 'probe@example.com', subject: 'probe', text: 'probe' });
  return (await inspect('to=probe@example.com&limit=1'))[0].tenant as string;
};

const base = { from: 'sender@example.com', subject: 'Hello', text: 'Hi there' };

describe('POST /v3/mail/send with @sendgrid/mail', () => {
  it('accepts a message: 202, empty body, X-Message-Id, rate-limit headers, and stores it', async () => {
    const key = newApiKey();
    const { mail } = sendgrid(sim.url, key);
    const [res, body] = await mail.send({
      to: { email: 'ann@example.com', name: 'Ann Example' },
      from: { email: 'agent@realty.example', name: 'Demo Realty' },
      replyTo: 'desk@realty.example',
      subject: 'Your viewing — café ✓',
      text: 'See you at 10:30',
      html: '<p>See you at <b>10:30</b></p>',
      categories: ['viewing', 'reminder'],
      customArgs: { lead: '42' },
      headers: { 'X-Campaign': 'spring' },
    });
    expect(res.statusCode).toBe(202);
    expect(body).toBe('');
    expect(res.headers['content-length']).toBe('0');
    const xid = res.headers['x-message-id'] as string;
    expect(xid).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(res.headers['x-ratelimit-limit']).toBe('10000');
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeLessThan(10000);
    expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);

    const [m] = await inspect('to=ann@example.com');
    expect(m).toMatchObject({
      x_message_id: xid,
      recipient: 'ann@example.com',
      recipient_type: 'to',
      to: [{ email: 'ann@example.com', name: 'Ann Example' }],
      cc: [],
      bcc: [],
      from: { email: 'agent@realty.example', name: 'Demo Realty' },
      reply_to: { email: 'desk@realty.example' },
      subject: 'Your viewing — café ✓',
      text: 'See you at 10:30',
      html: '<p>See you at <b>10:30</b></p>',
      categories: ['viewing', 'reminder'],
      custom_args: { lead: '42' },
      headers: { 'X-Campaign': 'spring' },
      attachments: [],
      template_id: null,
      send_at: null,
      batch_id: null,
      status: 'processed',
    });
    expect(m.msg_id.startsWith(xid + '.')).toBe(true);
    expect(m.tenant).toMatch(/^sg_[0-9a-f]{16}$/);
    expect(JSON.stringify(await inspect(''))).not.toContain(key);
  });

  it('expands each personalization into one message per recipient (to, cc and bcc kept)', async () => {
    const { mail } = sendgrid(sim.url, newApiKey());
    const [res] = await mail.send({
      ...base,
      to: ['p1@example.com', 'p2@example.com'],
      cc: 'p3@example.com',
      bcc: ['p4@example.com'],
      subject: 'Team',
    });
    const xid = res.headers['x-message-id'] as string;
    const items = await inspect(`since=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}&subject=Team`);
    const mine = items.filter((i) => i.x_message_id === xid);
    expect(mine.map((i) => [i.recipient, i.recipient_type]).sort()).toEqual([
      ['p1@example.com', 'to'],
      ['p2@example.com', 'to'],
      ['p3@example.com', 'cc'],
      ['p4@example.com', 'bcc'],
    ]);
    expect(new Set(mine.map((i) => i.msg_id)).size).toBe(4);
    for (const i of mine) {
      expect(i.to).toEqual([{ email: 'p1@example.com' }, { email: 'p2@example.com' }]);
      expect(i.cc).toEqual([{ email: 'p3@example.com' }]);
      expect(i.bcc).toEqual([{ email: 'p4@example.com' }]);
    }
    expect((await inspect(`since=${mine[mine.length - 1].msg_id}`)).map((i) => i.x_message_id)).toEqual([xid, xid, xid]);
    expect((await inspect(`since=${xid}`))).toEqual([]);
  });

  it('sendMultiple: one personalization per recipient, with per-personalization subjects and substitutions', async () => {
    const { mail } = sendgrid(sim.url, newApiKey());
    const [res] = await mail.send({
      from: 'sender@example.com',
      subject: 'Hi {{name}}',
      text: 'Hello {{name}}, your agent is :agent',
      html: '<p>Hello {{name}}</p>',
      // the SDK wraps substitution keys: {name: 'Zoe'} goes out as {"{{name}}": "Zoe"}
      personalizations: [
        { to: 'z1@example.com', substitutions: { name: 'Zoe' } },
        { to: 'z2@example.com', subject: 'Custom {{name}}', substitutions: { name: 'Zed' } },
      ],
      sections: { ':agent': 'Sam (section)' },
    } as never);
    expect(res.statusCode).toBe(202);
    const [z1] = await inspect('to=z1@example.com');
    const [z2] = await inspect('to=z2@example.com');
    expect(z1).toMatchObject({ subject: 'Hi Zoe', text: 'Hello Zoe, your agent is Sam (section)', html: '<p>Hello Zoe</p>' });
    expect(z2).toMatchObject({ subject: 'Custom Zed', text: 'Hello Zed, your agent is Sam (section)' });

    await mail.sendMultiple({ ...base, to: ['m1@example.com', 'm2@example.com'], subject: 'multi' });
    const [m1] = await inspect('to=m1@example.com');
    expect(m1.to).toEqual([{ email: 'm1@example.com' }]);
    expect(m1.x_message_id).toBe((await inspect('to=m2@example.com'))[0].x_message_id);
  });

  it('keeps legacy substitution wrappers as the SDK sends them', async () => {
    const { mail } = sendgrid(sim.url, newApiKey());
    await mail.send({ ...base, to: 'wrap@example.com', subject: 'Hi {{name}}', text: 'Dear {{name}}', substitutions: { name: 'Wanda' } });
    expect(await inspect('to=wrap@example.com')).toMatchObject([{ subject: 'Hi Wanda', text: 'Dear Wanda' }]);
  });

  it('stores attachments (bytes, size, type) and serves html, text, raw and the attachment', async () => {
    const { mail } = sendgrid(sim.url, newApiKey());
    const pdf = Buffer.from('%PDF-1.4 fake pdf bytes \x00\x01\x02');
    await mail.send({
      ...base,
      to: 'att@example.com',
      html: '<h1>Plan</h1>',
      attachments: [
        { content: pdf.toString('base64'), filename: 'plan.pdf', type: 'application/pdf' },
        { content: Buffer.from('img').toString('base64'), filename: 'logo.png', type: 'image/png', disposition: 'inline', contentId: 'logo' },
      ],
    });
    const [m] = await inspect('to=att@example.com');
    expect(m.attachments).toEqual([
      { filename: 'plan.pdf', type: 'application/pdf', disposition: 'attachment', content_id: null, size: pdf.length, url: expect.any(String) },
      { filename: 'logo.png', type: 'image/png', disposition: 'inline', content_id: 'logo', size: 3, url: expect.any(String) },
    ]);
    const prefix = `${sim.config.publicUrl}/__inspect/sendgrid/messages/${encodeURIComponent(m.msg_id)}`;
    expect(m.attachments[0].url).toBe(`${prefix}/attachments/0`);
    const dl = await fetch(m.attachments[0].url);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('application/pdf');
    expect(dl.headers.get('content-disposition')).toContain('plan.pdf');
    expect(Buffer.from(await dl.arrayBuffer())).toEqual(pdf);

    const html = await fetch(`${prefix}/html`);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toBe('<h1>Plan</h1>');
    expect(await (await fetch(`${prefix}/text`)).text()).toBe('Hi there');
    const raw = await (await fetch(`${prefix}/raw`)).text();
    expect(raw).toContain('Subject: Hello');
    expect(raw).toContain('To: att@example.com');
    expect(raw).toContain('filename="plan.pdf"');
    expect(raw).toContain(pdf.toString('base64'));
    expect((await fetch(`${prefix}/attachments/9`)).status).toBe(404);
    expect((await fetch(`${sim.url}/__inspect/sendgrid/messages/nope/html`)).status).toBe(404);
  });

  it('sandbox mode answers 200 and stores nothing', async () => {
    const { mail } = sendgrid(sim.url, newApiKey());
    const [res, body] = await mail.send({ ...base, to: 'sandbox@example.com', mailSettings: { sandboxMode: { enable: true } } });
    expect(res.statusCode).toBe(200);
    expect(body).toBe('');
    expect(res.headers['x-message-id']).toBeUndefined();
    expect(await inspect('to=sandbox@example.com')).toEqual([]);
    // sandbox still validates
    const f = await failure(mail.send({ to: 'sandbox@example.com', from: 'sender@example.com', text: 'x', mailSettings: { sandboxMode: { enable: true } } }));
    expect(f.status).toBe(400);
  });

  it('filters by from, subject, category, template_id and tenant', async () => {
    const key = newApiKey();
    const { mail } = sendgrid(sim.url, key);
    await mail.send({ ...base, to: 'filter@example.com', from: 'filters@example.com', subject: 'Filter me please', categories: ['filtercat'] });
    const tenant = (await inspect('from=filters@example.com'))[0].tenant;
    expect(await inspect('subject=me%20please')).toHaveLength(1);
    expect(await inspect('category=filtercat')).toHaveLength(1);
    expect(await inspect(`category=filtercat&tenant=${tenant}`)).toHaveLength(1);
    expect(await inspect('category=filtercat&tenant=sg_0000000000000000')).toEqual([]);
    expect(await inspect('template_id=d-00000000000000000000000000000000')).toEqual([]);
  });

  it('long-polls with wait until the message arrives', async () => {
    const { mail } = sendgrid(sim.url, newApiKey());
    const mark = new Date().toISOString();
    const waiting = inspect(`to=late@example.com&since=${encodeURIComponent(mark)}&wait=5000`);
    await new Promise((r) => setTimeout(r, 30));
    await mail.send({ ...base, to: 'late@example.com', text: 'Your code is 123456' });
    const items = await waiting;
    expect(/\d{6}/.exec(items[0].text)![0]).toBe('123456');
  });

  it('keeps tenants apart', async () => {
    const a = newApiKey();
    const b = newApiKey();
    const ta = await tenantOf(a);
    const tb = await tenantOf(b);
    expect(ta).not.toBe(tb);
    await sendgrid(sim.url, a).mail.send({ ...base, to: 'iso@example.com', subject: 'for a' });
    await sendgrid(sim.url, b).mail.send({ ...base, to: 'iso@example.com', subject: 'for b' });
    expect((await inspect(`to=iso@example.com&tenant=${ta}`)).map((m) => m.subject)).toEqual(['for a']);
    expect((await inspect(`to=iso@example.com&tenant=${tb}`)).map((m) => m.subject)).toEqual(['for b']);
    const tenants = ((await (await fetch(`${sim.url}/__inspect/tenants`)).json()) as { items: { provider: string; tenant: string }[] }).items;
    expect(tenants).toContainEqual(expect.objectContaining({ provider: 'sendgrid', tenant: ta }));

    const r = await fetch(`${sim.url}/__inspect/reset?tenant=${ta}&provider=sendgrid`, { method: 'POST' });
    expect(r.status).toBe(200);
    expect(await inspect(`tenant=${ta}`)).toEqual([]);
    expect(await inspect(`to=iso@example.com&tenant=${tb}`)).toHaveLength(1);
  });
});

describe('authentication, limits and malformed requests', () => {
  const valid = JSON.stringify({ personalizations: [{ to: [{ email: 'raw@example.com' }] }], from: { email: 'a@example.com' }, subject: 's', content: [{ type: 'text/plain', value: 'v' }] });
  const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${sim.url}/v3/mail/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
    });

  it('401 without a key, and for a key that is not SendGrid-shaped', async () => {
    const none = await post(valid);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ errors: [{ message: 'authorization required', field: null, help: null }] });
    expect(none.headers.get('x-ratelimit-limit')).toBe('10000');
    const f = await failure(sendgrid(sim.url, 'not-a-sendgrid-key').mail.send({ ...base, to: 'x@example.com' }));
    expect(f).toMatchObject({
      status: 401,
      body: { errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }] },
    });
  });

  it('413 past the body limit, 415 for invalid UTF-8, 400 for malformed JSON', async () => {
    const auth = { authorization: `Bearer ${newApiKey()}` };
    const big = await post(JSON.stringify({ ...JSON.parse(valid), content: [{ type: 'text/plain', value: 'x'.repeat(MAX_BODY) }] }), auth);
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ errors: [{ message: 'content too large', field: null, help: null }] });
    const bad = await post(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), auth);
    expect(bad.status).toBe(415);
    expect(await bad.json()).toEqual({ errors: [{ message: 'Invalid UTF8 in request', field: null, help: null }] });
    for (const body of ['{"personalizations": [', 'not json', '', '[1,2]', '"text"']) {
      const r = await post(body, auth);
      expect(r.status, body).toBe(400);
      expect(await r.json()).toEqual({ errors: [{ message: 'Bad Request', field: null, help: null }] });
    }
    expect((await post(valid, auth)).status).toBe(202);
  });

  it('405 for another method on a SendGrid path, 404 for an unknown path', async () => {
    const auth = { authorization: `Bearer ${newApiKey()}` };
    const r = await fetch(`${sim.url}/v3/mail/send`, { headers: auth });
    expect(r.status).toBe(405);
    expect(await r.json()).toEqual({ errors: [{ message: 'method not allowed', field: null, help: null }] });
    const n = await fetch(`${sim.url}/v3/nothing/here`, { headers: auth });
    expect(n.status).toBe(404);
    expect(await n.json()).toEqual({ errors: [{ message: 'resource not found', field: null, help: null }] });
  });

  it('429 past the configured rate limit, with X-RateLimit headers', async () => {
    const limited = await startSim({ 'sendgrid.rateLimit': 3 });
    try {
      const { mail } = sendgrid(limited.url, newApiKey());
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const [res] = await mail.send({ ...base, to: `rl${i}@example.com` });
        remaining.push(res.headers['x-ratelimit-remaining'] as string);
      }
      expect(remaining).toEqual(['2', '1', '0']);
      const f = await failure(mail.send({ ...base, to: 'rl@example.com' }));
      expect(f.status).toBe(429);
      expect(f.body).toEqual({ errors: [{ message: 'too many requests', field: null, help: null }] });
      expect(f.headers['x-ratelimit-limit']).toBe('3');
      expect(f.headers['x-ratelimit-remaining']).toBe('0');
      // another key has its own budget
      expect((await sendgrid(limited.url, newApiKey()).mail.send({ ...base, to: 'other@example.com' }))[0].statusCode).toBe(202);
    } finally {
      await limited.close();
    }
  });

  it('declared keys are strict', async () => {
    const declared = newApiKey();
    const strict = await startSim({ 'sendgrid.api_keys': [declared] });
    try {
      expect((await sendgrid(strict.url, declared).mail.send({ ...base, to: 'ok@example.com' }))[0].statusCode).toBe(202);
      const f = await failure(sendgrid(strict.url, newApiKey()).mail.send({ ...base, to: 'no@example.com' }));
      expect(f).toMatchObject({ status: 401, body: { errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked' }] } });
    } finally {
      await strict.close();
    }
  });
});

describe('validation: SendGrid messages, fields and help links', () => {
  const key = newApiKey();
  const ok = () => ({
    personalizations: [{ to: [{ email: 'v@example.com' }] }],
    from: { email: 'from@example.com' },
    subject: 'Subject',
    content: [{ type: 'text/plain', value: 'Text' }],
  });
  async function rejects(body: unknown, message: string, field: string | null, help: string | null) {
    const { client } = sendgrid(sim.url, key);
    const f = await failure(client.request({ method: 'POST', url: '/v3/mail/send', body: body as object }));
    expect(f.status).toBe(400);
    expect(f.body).toEqual({ errors: [{ message, field, help: help === null ? null : HELP + help }] });
  }
  const withP = (p: object) => ({ ...ok(), personalizations: [p] });
  const tos = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i}@example.com` }));

  it('personalizations', async () => {
    const msg = 'The personalizations field is required and must have at least one personalization.';
    await rejects({ ...ok(), personalizations: undefined }, msg, 'personalizations', '-Personalizations-Errors');
    await rejects({ ...ok(), personalizations: [] }, msg, 'personalizations', '-Personalizations-Errors');
    await rejects(
      { ...ok(), personalizations: Array.from({ length: 1001 }, (_, i) => ({ to: [{ email: `p${i}@example.com` }] })) },
      'The personalization block is limited to 1000 personalizations per API request. You have provided 1001 personalizations. Please consider splitting this into multiple requests and resending your request.',
      'personalizations',
      'message.personalizations',
    );
    await rejects(
      { ...ok(), personalizations: [{ to: tos(600) }, { to: tos(401, 's') }] },
      'There is a limit of 1000 total recipients (to + cc + bcc) per request.',
      'personalizations',
      'message.personalizations',
    );
    const toMsg = 'The to array is required for all personalization objects, and must have at least one email object with a valid email address.';
    await rejects(withP({ cc: [{ email: 'c@example.com' }] }), toMsg, 'personalizations.0.to', 'message.personalizations.to');
    await rejects({ ...ok(), personalizations: [{ to: [{ email: 'a@example.com' }] }, { to: [] }] }, toMsg, 'personalizations.1.to', 'message.personalizations.to');
  });

  it('recipients: valid, unique, at most 320 characters', async () => {
    await rejects(withP({ to: [{ email: 'not-an-address' }] }), 'Does not contain a valid address.', 'personalizations.0.to.0.email', 'message.personalizations.to');
    await rejects(
      withP({ to: [{ email: 'a@example.com' }], cc: [{ email: 'b@example' }] }),
      'Does not contain a valid address.',
      'personalizations.0.cc.0.email',
      'message.personalizations.cc',
    );
    await rejects(
      withP({ to: [{ email: 'a@example.com' }], bcc: [{ email: 'x'.repeat(310) + '@example.com' }] }),
      'The BCC email exceeds the maximum total length of 320 characters',
      'personalizations.0.bcc.0.email',
      'message.personalizations.bcc',
    );
    await rejects(
      withP({ to: [{ name: 'No Email' }] }),
      'Each "to" object must at least have an email address and may also contain a name. e.g. {"email": "example@example.com"} or {"email": "example@example.com", "name": "Example Recipient"}',
      'personalizations.0.to.0.email',
      'message.personalizations.to',
    );
    await rejects(
      withP({ to: [{ email: 'dup@example.com' }], cc: [{ email: 'other@example.com' }], bcc: [{ email: 'DUP@example.com' }] }),
      'Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [DUP@example.com] in the personalizations.0.bcc field.',
      'personalizations.0',
      'message.recipient-errors',
    );
  });

  it('from', async () => {
    await rejects(
      { ...ok(), from: undefined },
      'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.  e.g. {"email" : "example@example.com"}  or {"email" : "example@example.com", "name" : "Example Recipient"}.',
      'from.email',
      'message.from',
    );
    await rejects({ ...ok(), from: { email: 'nope' } }, 'The from email does not contain a valid address.', 'from.email', 'message.from');
    await rejects({ ...ok(), from: { email: 'f'.repeat(320) + '@x.io' } }, 'The From email exceeds the maximum total length of 320 characters', 'from.email', 'message.from');
  });

  it('subject: required unless every personalization has one', async () => {
    const msg = 'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.';
    await rejects({ ...ok(), subject: undefined }, msg, 'subject', 'message.subject');
    await rejects(
      { ...ok(), subject: undefined, personalizations: [{ to: [{ email: 'a@example.com' }], subject: 'one' }, { to: [{ email: 'b@example.com' }] }] },
      msg,
      'subject',
      'message.subject',
    );
    await rejects({ ...ok(), subject: '' }, 'The subject of your email must be a string at least one character in length.', 'subject', 'message.subject');
    const { client } = sendgrid(sim.url, key);
    const [res] = await client.request({ method: 'POST', url: '/v3/mail/send', body: { ...ok(), subject: undefined, personalizations: [{ to: [{ email: 'subj@example.com' }], subject: 'Per personalization' }] } });
    expect(res.statusCode).toBe(202);
  });

  it('content', async () => {
    const msg =
      'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.';
    await rejects({ ...ok(), content: undefined }, msg, 'content', 'message.content');
    await rejects({ ...ok(), content: [] }, msg, 'content', 'message.content');
    await rejects(
      { ...ok(), content: [{ type: 'text/html', value: '<p>x</p>' }, { type: 'text/plain', value: 'x' }] },
      'Following RFC 1341, section 7.2, if either text/html or text/plain are to be sent in your email: text/plain needs to be first, followed by text/html, followed by any other content.',
      'content',
      'message.content.value',
    );
    await rejects({ ...ok(), content: [{ type: 'text/plain', value: '' }] }, 'The content value must be a string at least one character in length.', 'content.0.value', 'message.content.value');
    await rejects({ ...ok(), content: [{ value: 'x' }] }, 'A content type is required, this tells email clients how to display the email.', 'content.0.type', 'message.content.type');
    await rejects(
      { ...ok(), content: [{ type: 'text/plain', value: 'a' }, { type: 'text/plain', value: 'b' }] },
      'If present, text/plain and text/html may only be provided once.',
      'content',
      null,
    );
  });

  it('attachments', async () => {
    const att = (a: object) => ({ ...ok(), attachments: [{ content: 'dGVzdA==', filename: 'a.txt', type: 'text/plain' }, a] });
    await rejects(att({ content: 'NOT_BASE64!', filename: 'b.txt' }), 'The attachment content must be base64 encoded.', 'attachments.1.content', 'message.attachments.content');
    await rejects(att({ content: '', filename: 'b.txt' }), 'The attachment content must be a string at least one character in length.', 'attachments.1.content', 'message.attachments.content');
    await rejects(att({ content: 'dGVzdA==' }), 'The attachment filename is required.', 'attachments.1.filename', 'message.attachments.filename');
    await rejects(att({ content: 'dGVzdA==', filename: 'a\r\nb.txt' }), 'The filename of your attachment cannot contain CRLF characters.', 'attachments.1.filename', 'message.attachments.filename');
    await rejects(
      att({ content: 'dGVzdA==', filename: 'b.txt', disposition: 'download' }),
      'The disposition of your attachment can be either "inline" or "attachment". You provided download.',
      'attachments.1.disposition',
      'message.attachments.disposition',
    );
    await rejects(att({ content: 'dGVzdA==', filename: 'b.txt', type: 'text/plain; charset=x' }), "The type cannot contain ';', or CRLF characters.", 'attachments.1.type', 'message.attachments.type');
  });

  it('categories', async () => {
    await rejects(
      { ...ok(), categories: Array.from({ length: 11 }, (_, i) => `c${i}`) },
      'There is a limit of 10 categories for each email that is sent. You provided 11 categories.',
      'categories',
      'message.categories',
    );
    await rejects({ ...ok(), categories: ['a', 1] }, 'Categories must be an array of strings.', 'categories', 'message.categories');
    await rejects({ ...ok(), categories: ['a', 'a'] }, 'The categories must be a unique list, and you have included a more than once.', 'categories', 'message.categories');
    await rejects({ ...ok(), categories: ['é'] }, 'Categories can not contain non-ASCII characters.', 'categories', 'message.categories');
    const long = 'x'.repeat(256);
    await rejects({ ...ok(), categories: [long] }, `Each category must not be longer than 255 characters. ${long} exceeds this limit`, 'categories', 'message.categories');
  });

  it('custom_args', async () => {
    await rejects({ ...ok(), custom_args: { n: 1 } }, 'All values of custom arguments object must be strings', 'custom_args', 'message.custom_args');
    await rejects(
      withP({ to: [{ email: 'a@example.com' }], custom_args: { n: true } }),
      'All values of custom arguments object must be strings',
      'personalizations.0.custom_args',
      'message.personalizations.custom_args',
    );
    await rejects(
      { ...ok(), custom_args: { a: 'x'.repeat(6000) }, personalizations: [{ to: [{ email: 'a@example.com' }], custom_args: { b: 'y'.repeat(5000) } }] },
      'The combined size of both global and personalization custom arguments may not exceed 10,000 bytes per personalization.',
      'personalizations.0.custom_args',
      'message.personalizations.custom_args',
    );
  });

  it('send_at, batch_id, asm, headers', async () => {
    const sendAtMsg = 'The send_at parameter is expecting a Unix timestamp as an integer. We will send immediately if you include a send_at timestamp that is in the past.';
    await rejects({ ...ok(), send_at: '1700000000' }, sendAtMsg, 'send_at', 'message.send_at');
    await rejects({ ...ok(), send_at: 1700000000.5 }, sendAtMsg, 'send_at', 'message.send_at');
    await rejects(withP({ to: [{ email: 'a@example.com' }], send_at: 'soon' }), sendAtMsg, 'personalizations.0.send_at', 'message.personalizations.send_at');
    await rejects(
      { ...ok(), send_at: Math.floor(Date.now() / 1000) + 73 * 3600 },
      'Scheduling more than 72 hours in advance is forbidden.',
      'send_at',
      'message.send_at',
    );
    await rejects({ ...ok(), batch_id: 42 }, 'The batch_id must be a string.', 'batch_id', 'message.batch_id');
    await rejects({ ...ok(), asm: { group_id: '12' } }, 'The ASM group ID must be an integer.', 'asm.group_id', 'message.asm.group_id');
    await rejects({ ...ok(), headers: { 'X-Num': 1 } }, 'The header values must be strings.', 'headers', 'message.headers');
    for (const reserved of ['Subject', 'x-sg-id', 'Content-Type', 'BCC']) {
      await rejects({ ...ok(), headers: { [reserved]: 'v' } }, 'Header can not be one of the reserved keys.', 'headers', 'message.headers');
    }
    await rejects(
      withP({ to: [{ email: 'a@example.com' }], headers: { From: 'x' } }),
      'Header cannot be one of the reserved keys.',
      'personalizations.0.headers',
      'message.personalizations.headers',
    );
  });

  it('settings must be booleans', async () => {
    await rejects(
      { ...ok(), mail_settings: { sandbox_mode: { enable: 'true' } } },
      'The sandbox mode enable param should be a boolean value.',
      'mail_settings.sandbox_mode.enable',
      'message.mail_settings.sandbox_mode.enable',
    );
    await rejects(
      { ...ok(), mail_settings: { bypass_list_management: { enable: 1 } } },
      'The bypass list management enable param should be a boolean value.',
      'mail_settings.bypass_list_management.enable',
      'message.mail_settings.bypass_list_management.enable',
    );
    await rejects(
      { ...ok(), tracking_settings: { click_tracking: { enable: 'yes' } } },
      'The click tracking enable param should be a boolean value.',
      'tracking_settings.click_tracking.enable',
      'message.tracking_settings.click_tracking.enable',
    );
    await rejects(
      { ...ok(), tracking_settings: { open_tracking: { substitution_tag: '%open%' }, ganalytics: { enable: 'no' } } },
      'The Google Analytics enable param must be a boolean value.',
      'tracking_settings.ganalytics.enable',
      'message.tracking_settings.ganalytics.enable',
    );
  });

  it('lists every problem it finds', async () => {
    const { client } = sendgrid(sim.url, key);
    const f = await failure(client.request({ method: 'POST', url: '/v3/mail/send', body: { personalizations: [{ to: [{ email: 'a@example.com' }] }], content: [{ type: 'text/plain', value: 'x' }] } }));
    expect(f.body.errors.map((e: { field: string }) => e.field)).toEqual(['from.email', 'subject']);
  });

  it('the SDK itself refuses a message without recipients', async () => {
    const { mail } = sendgrid(sim.url, key);
    await expect(mail.send({ from: 'a@example.com', subject: 's', text: 't' } as never)).rejects.toThrow(/to|recipient/i);
  });
});
