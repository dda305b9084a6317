import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startReceiver } from '../helpers/receiver.js';
import { failure, newApiKey, sendgrid, tenantOfKey, verifyEventWebhook } from '../helpers/sendgrid.js';
import { startSim } from '../helpers/server.js';

let sim: RunningServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  sim = await startSim({ timing: 'immediate' });
  receiver = await startReceiver();
});
afterAll(async () => {
  await sim?.close();
  await receiver?.close();
});

async function inspect(path: string): Promise<any[]> {
  return ((await (await fetch(`${sim.url}/__inspect/${path}`)).json()) as { items: any[] }).items;
}

async function putJson(path: string, body: unknown, method = 'PUT'): Promise<Response> {
  return fetch(`${sim.url}/__inspect/${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** A tenant with its own receiver path, an Event Webhook for every event, and signing on. */
async function setup(opts: { sign?: boolean; timing?: string } = {}) {
  const key = newApiKey();
  const sg = sendgrid(sim.url, key);
  const path = `/hook-${Math.random().toString(36).slice(2)}`;
  const flags = {
    processed: true,
    delivered: true,
    deferred: true,
    bounce: true,
    dropped: true,
    open: true,
    click: true,
    unsubscribe: true,
    group_unsubscribe: true,
    group_resubscribe: true,
    spam_report: true,
  };
  if (opts.timing) expect((await putJson(`settings?tenant=${tenantOfKey(key)}`, { timing: opts.timing })).status).toBe(200);
  const [res, hook] = await sg.client.request({ method: 'POST', url: '/v3/user/webhooks/event/settings', body: { enabled: true, url: receiver.base + path, ...flags } });
  expect(res.statusCode).toBe(201);
  let publicKey = '';
  if (opts.sign !== false) {
    const [, signed] = await sg.client.request({ method: 'PATCH', url: `/v3/user/webhooks/event/settings/signed/${hook.id}`, body: { enabled: true } });
    publicKey = signed.public_key;
  }
  const batches = () => receiver.received.filter((r) => r.path === path);
  const events = () => batches().flatMap((r) => JSON.parse(r.body) as any[]);
  const waitFor = (pred: (evs: any[]) => boolean) => receiver.until(() => pred(events()));
  return { key, tenant: tenantOfKey(key), ...sg, hook, publicKey, path, batches, events, waitFor };
}

describe('Event Webhook settings', () => {
  it('creates, lists, fetches, updates and deletes webhooks with SendGrid shapes', async () => {
    const { client } = sendgrid(sim.url, newApiKey());
    const [, legacy0] = await client.request({ method: 'GET', url: '/v3/user/webhooks/event/settings' });
    expect(legacy0).toMatchObject({ enabled: false, url: '', delivered: false, id: null });

    const [c, created] = await client.request({
      method: 'POST',
      url: '/v3/user/webhooks/event/settings',
      body: { enabled: true, url: 'https://app.example/events', delivered: true, bounce: true, friendly_name: 'main' },
    });
    expect(c.statusCode).toBe(201);
    expect(created).toEqual({
      enabled: true,
      url: 'https://app.example/events',
      account_status_change: false,
      group_resubscribe: false,
      delivered: true,
      group_unsubscribe: false,
      spam_report: false,
      bounce: true,
      deferred: false,
      unsubscribe: false,
      processed: false,
      open: false,
      click: false,
      dropped: false,
      friendly_name: 'main',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      created_date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updated_date: expect.stringMatching(/Z$/),
      oauth_client_id: null,
      oauth_token_url: null,
    });
    const dup = await failure(client.request({ method: 'POST', url: '/v3/user/webhooks/event/settings', body: { url: 'https://app.example/events' } }));
    expect(dup).toMatchObject({ status: 400, body: { errors: [{ message: "Webhook at 'https://app.example/events' already exists. Please provide a unique URL.", field: 'url' }] } });
    const badUrl = await failure(client.request({ method: 'POST', url: '/v3/user/webhooks/event/settings', body: { url: 'not a url' } }));
    expect(badUrl).toMatchObject({ status: 400, body: { errors: [{ message: "'not a url' is not a valid url", field: 'url', help: null }] } });

    const [, all] = await client.request({ method: 'GET', url: '/v3/user/webhooks/event/settings/all' });
    expect(all).toMatchObject({ max_allowed: 5, webhooks: [{ id: created.id, public_key: '' }] });
    const [, one] = await client.request({ method: 'GET', url: `/v3/user/webhooks/event/settings/${created.id}` });
    expect(one).toMatchObject({ id: created.id, delivered: true, public_key: '' });
    expect(one.created_date).toBeUndefined();
    const [, patched] = await client.request({ method: 'PATCH', url: `/v3/user/webhooks/event/settings/${created.id}`, body: { open: true } });
    expect(patched).toMatchObject({ open: true, delivered: true, url: 'https://app.example/events' });

    const [, legacy] = await client.request({ method: 'GET', url: '/v3/user/webhooks/event/settings' });
    expect(legacy).toMatchObject({ id: created.id, open: true });
    const [, legacyPatched] = await client.request({ method: 'PATCH', url: '/v3/user/webhooks/event/settings', body: { enabled: true, url: 'https://app.example/v2', processed: true } });
    expect(legacyPatched).toMatchObject({ id: created.id, url: 'https://app.example/v2', processed: true, open: false, delivered: false });

    const [, signedOff] = await client.request({ method: 'GET', url: '/v3/user/webhooks/event/settings/signed' });
    expect(signedOff).toEqual({ public_key: '' });
    const [, signedOn] = await client.request({ method: 'PATCH', url: '/v3/user/webhooks/event/settings/signed', body: { enabled: true } });
    expect(Buffer.from(signedOn.public_key, 'base64')[0]).toBe(0x30);
    const [, byId] = await client.request({ method: 'GET', url: `/v3/user/webhooks/event/settings/signed/${created.id}` });
    expect(byId).toEqual({ id: created.id, public_key: signedOn.public_key });
    const [, off] = await client.request({ method: 'PATCH', url: `/v3/user/webhooks/event/settings/signed/${created.id}`, body: { enabled: false } });
    expect(off).toEqual({ id: created.id, public_key: '' });

    const [d] = await client.request({ method: 'DELETE', url: `/v3/user/webhooks/event/settings/${created.id}` });
    expect(d.statusCode).toBe(204);
    const gone = await failure(client.request({ method: 'GET', url: `/v3/user/webhooks/event/settings/${created.id}` }));
    expect(gone).toMatchObject({ status: 404, body: { errors: [{ message: 'Webhook not found' }] } });
  });

  it('sends a signed test batch the app verifies with @sendgrid/eventwebhook', async () => {
    const t = await setup();
    const [r] = await t.client.request({ method: 'POST', url: '/v3/user/webhooks/event/test', body: { id: t.hook.id, url: receiver.base + t.path } });
    expect(r.statusCode).toBe(204);
    await t.waitFor((e) => e.length >= 11);
    const [batch] = t.batches();
    expect(batch.headers['content-type']).toBe('application/json');
    expect(batch.headers['user-agent']).toBe('SendGrid Event API');
    expect(verifyEventWebhook(t.publicKey, batch)).toBe(true);
    expect(verifyEventWebhook(t.publicKey, { ...batch, body: JSON.stringify(JSON.parse(batch.body), null, 1) })).toBe(false);
    expect(t.events().map((e) => e.event)).toContain('processed');
  });
});

describe('delivery and engagement events', () => {
  it('posts processed and delivered for every recipient, with SendGrid fields, signed', async () => {
    const t = await setup();
    const [res] = await t.mail.send({
      to: ['ann@example.com', 'bob@example.com'],
      from: 'agent@realty.example',
      subject: 'Hi',
      text: 'Hello',
      categories: ['welcome'],
      customArgs: { lead: '42' },
    });
    const xid = res.headers['x-message-id'] as string;
    await t.waitFor((e) => e.filter((x) => x.event === 'delivered').length === 2);
    for (const b of t.batches()) expect(verifyEventWebhook(t.publicKey, b)).toBe(true);
    const ann = t.events().filter((e) => e.email === 'ann@example.com');
    expect(ann.map((e) => e.event)).toEqual(['processed', 'delivered']);
    expect(ann[1]).toMatchObject({
      email: 'ann@example.com',
      event: 'delivered',
      category: 'welcome',
      lead: '42',
      'smtp-id': expect.stringContaining(xid),
      sg_message_id: expect.stringMatching(new RegExp(`^${xid}\\.`)),
      sg_event_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      response: expect.stringMatching(/^250/),
    });
    expect(typeof ann[0].timestamp).toBe('number');
    expect((await inspect(`sendgrid/messages?status=delivered&tenant=${t.tenant}`)).map((x) => x.recipient).sort()).toEqual(['ann@example.com', 'bob@example.com']);
    expect(await inspect(`sendgrid/messages?status=bounce&tenant=${t.tenant}`)).toEqual([]);
    const [m] = await inspect(`sendgrid/messages?to=ann@example.com&tenant=${t.tenant}`);
    expect(m.status).toBe('delivered');
    expect(m.events.map((e: any) => e.event)).toEqual(['processed', 'delivered']);
    expect(m.msg_id).toBe(ann[0].sg_message_id);
    const evs = await inspect(`sendgrid/events?tenant=${t.tenant}&msg_id=${encodeURIComponent(m.msg_id)}`);
    expect(evs.map((e) => e.event)).toEqual(['delivered', 'processed']);
    const deliveries = (await (await fetch(`${sim.url}/__inspect/webhooks?tenant=${t.tenant}`)).json()) as { items: any[] };
    expect(deliveries.items.every((d) => d.status === 'delivered' && d.kind === 'sendgrid.events')).toBe(true);
  });

  it('follows outcome rules: bounce, blocked, deferred, invalid, engagement; suppressions and later drops', async () => {
    const t = await setup();
    const rules = [
      { email: 'bounce@*', status: 'bounce' },
      { email: '*@blocked.example', status: 'blocked' },
      { email: 'slow@example.com', status: 'deferred' },
      { email: 'nobody@example.com', status: 'invalid' },
      { email: 'fan@example.com', status: 'delivered', engagement: ['open', 'click', 'spamreport'] },
      { email: 'leaver@example.com', status: 'delivered', engagement: ['unsubscribe'] },
    ];
    const put = await putJson(`sendgrid/outcomes?tenant=${t.tenant}`, { rules });
    expect(put.status).toBe(200);
    const listed = (await (await fetch(`${sim.url}/__inspect/sendgrid/outcomes?tenant=${t.tenant}`)).json()) as { rules: any[] };
    expect(listed.rules).toHaveLength(6);
    const to = ['bounce@example.com', 'x@blocked.example', 'slow@example.com', 'nobody@example.com', 'fan@example.com', 'leaver@example.com'];
    await t.mail.sendMultiple({ to, from: 'a@example.com', subject: 's', text: 't', html: '<p><a href="https://app.example/listing/7">see</a></p>' });
    await t.waitFor((e) => e.some((x) => x.event === 'spamreport') && e.some((x) => x.event === 'unsubscribe') && e.filter((x) => x.event === 'delivered').length === 3);
    const of = (email: string) => t.events().filter((e) => e.email === email).map((e) => e.event);
    expect(of('bounce@example.com')).toEqual(['processed', 'bounce']);
    expect(of('x@blocked.example')).toEqual(['processed', 'bounce']);
    expect(of('slow@example.com')).toEqual(['processed', 'deferred', 'delivered']);
    expect(of('nobody@example.com')).toEqual(['processed', 'dropped']);
    expect(of('fan@example.com')).toEqual(['processed', 'delivered', 'open', 'click', 'spamreport']);
    expect(of('leaver@example.com')).toEqual(['processed', 'delivered', 'unsubscribe']);
    const bounce = t.events().find((e) => e.event === 'bounce' && e.email === 'bounce@example.com');
    expect(bounce).toMatchObject({ type: 'bounce', status: '5.1.1', reason: expect.stringContaining('550') });
    expect(t.events().find((e) => e.event === 'bounce' && e.email === 'x@blocked.example')).toMatchObject({ type: 'blocked' });
    const click = t.events().find((e) => e.event === 'click');
    expect(click).toMatchObject({ url: 'https://app.example/listing/7', useragent: expect.any(String), ip: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/) });

    const c = t.client;
    const [, bounces] = await c.request({ method: 'GET', url: '/v3/suppression/bounces' });
    expect(bounces).toEqual([{ created: expect.any(Number), email: 'bounce@example.com', reason: expect.any(String), status: '5.1.1' }]);
    const [, blocks] = await c.request({ method: 'GET', url: '/v3/suppression/blocks' });
    expect(blocks).toMatchObject([{ email: 'x@blocked.example', status: '5.7.1' }]);
    const [, spam] = await c.request({ method: 'GET', url: '/v3/suppression/spam_reports' });
    expect(spam).toMatchObject([{ email: 'fan@example.com', ip: expect.any(String) }]);
    const [, invalid] = await c.request({ method: 'GET', url: '/v3/suppression/invalid_emails' });
    expect(invalid).toMatchObject([{ email: 'nobody@example.com', reason: expect.any(String) }]);
    const [, unsubs] = await c.request({ method: 'GET', url: '/v3/suppression/unsubscribes' });
    expect(unsubs).toEqual([{ created: expect.any(Number), email: 'leaver@example.com' }]);
    const [, one] = await c.request({ method: 'GET', url: '/v3/suppression/bounces/bounce@example.com' });
    expect(one).toHaveLength(1);
    const now = Math.floor(Date.now() / 1000);
    const [, none] = await c.request({ method: 'GET', url: '/v3/suppression/bounces', qs: { start_time: now + 3600 } });
    expect(none).toEqual([]);

    // Later sends to suppressed addresses are dropped with SendGrid's reasons.
    await receiver.until(() => true);
    const before = t.events().length;
    await t.mail.sendMultiple({ to: ['bounce@example.com', 'fan@example.com', 'leaver@example.com'], from: 'a@example.com', subject: 's2', text: 't' });
    await t.waitFor((e) => e.slice(before).filter((x) => x.event === 'dropped').length === 3);
    const drops = Object.fromEntries(t.events().slice(before).filter((e) => e.event === 'dropped').map((e) => [e.email, e.reason]));
    expect(drops).toEqual({ 'bounce@example.com': 'Bounced Address', 'fan@example.com': 'Spam Reporting Address', 'leaver@example.com': 'Unsubscribed Address' });

    // Deleting the suppression lets mail through again (the rule still bounces it).
    const [del] = await c.request({ method: 'DELETE', url: '/v3/suppression/bounces/bounce@example.com' });
    expect(del.statusCode).toBe(204);
    const [delAll] = await c.request({ method: 'DELETE', url: '/v3/suppression/spam_reports', body: { delete_all: true } });
    expect(delAll.statusCode).toBe(204);
    const [delSome] = await c.request({ method: 'DELETE', url: '/v3/suppression/blocks', body: { emails: ['x@blocked.example'] } });
    expect(delSome.statusCode).toBe(204);
    expect((await c.request({ method: 'GET', url: '/v3/suppression/blocks' }))[1]).toEqual([]);
    expect((await c.request({ method: 'GET', url: '/v3/suppression/spam_reports' }))[1]).toEqual([]);
    const bad = await failure(c.request({ method: 'DELETE', url: '/v3/suppression/bounces', body: {} }));
    expect(bad.status).toBe(400);
  });

  it('global and group suppressions drop later sends; group unsubscribes carry asm_group_id', async () => {
    const t = await setup({ sign: false });
    const c = t.client;
    const [g, group] = await c.request({ method: 'POST', url: '/v3/asm/groups', body: { name: 'Newsletters', description: 'Weekly news', is_default: false } });
    expect(g.statusCode).toBe(201);
    expect(group).toEqual({ id: expect.any(Number), name: 'Newsletters', description: 'Weekly news', is_default: false });
    const [, gs] = await c.request({ method: 'POST', url: `/v3/asm/groups/${group.id}/suppressions`, body: { recipient_emails: ['g@example.com'] } });
    expect(gs).toEqual({ recipient_emails: ['g@example.com'] });
    const [, glob] = await c.request({ method: 'POST', url: '/v3/asm/suppressions/global', body: { recipient_emails: ['global@example.com'] } });
    expect(glob).toEqual({ recipient_emails: ['global@example.com'] });
    expect((await c.request({ method: 'GET', url: '/v3/asm/suppressions/global/global@example.com' }))[1]).toEqual({ recipient_email: 'global@example.com' });
    expect((await c.request({ method: 'GET', url: '/v3/asm/suppressions/global/other@example.com' }))[1]).toEqual({});
    expect((await c.request({ method: 'GET', url: `/v3/asm/groups/${group.id}/suppressions` }))[1]).toEqual(['g@example.com']);
    expect((await c.request({ method: 'GET', url: `/v3/asm/groups/${group.id}` }))[1]).toMatchObject({ id: group.id, unsubscribes: 1 });

    await putJson(`sendgrid/outcomes?tenant=${t.tenant}`, { rules: [{ email: 'reader@example.com', status: 'delivered', engagement: ['unsubscribe'] }] });
    await t.mail.sendMultiple({ to: ['g@example.com', 'global@example.com', 'reader@example.com'], from: 'a@example.com', subject: 'news', text: 't', asm: { groupId: group.id } });
    await t.waitFor((e) => e.filter((x) => x.event === 'dropped').length === 2 && e.some((x) => x.event === 'group_unsubscribe'));
    const drops = t.events().filter((e) => e.event === 'dropped');
    expect(drops.every((d) => d.reason === 'Unsubscribed Address' && d.asm_group_id === group.id)).toBe(true);
    expect(t.events().find((e) => e.event === 'group_unsubscribe')).toMatchObject({ email: 'reader@example.com', asm_group_id: group.id });
    expect((await c.request({ method: 'GET', url: `/v3/asm/groups/${group.id}/suppressions` }))[1]).toEqual(['g@example.com', 'reader@example.com']);
    expect(t.batches().every((b) => b.headers['x-twilio-email-event-webhook-signature'] === undefined)).toBe(true);

    const [dg] = await c.request({ method: 'DELETE', url: `/v3/asm/groups/${group.id}/suppressions/g@example.com` });
    expect(dg.statusCode).toBe(204);
    const [dglob] = await c.request({ method: 'DELETE', url: '/v3/asm/suppressions/global/global@example.com' });
    expect(dglob.statusCode).toBe(204);
    const [, list] = await c.request({ method: 'GET', url: '/v3/asm/groups' });
    expect(list).toEqual([{ id: group.id, name: 'Newsletters', description: 'Weekly news', is_default: false, unsubscribes: 1, last_email_sent_at: null }]);
    const [u, upd] = await c.request({ method: 'PATCH', url: `/v3/asm/groups/${group.id}`, body: { name: 'News' } });
    expect(u.statusCode).toBe(201);
    expect(upd).toMatchObject({ name: 'News' });
    const [dgr] = await c.request({ method: 'DELETE', url: `/v3/asm/groups/${group.id}` });
    expect(dgr.statusCode).toBe(204);
    expect((await failure(c.request({ method: 'GET', url: `/v3/asm/groups/${group.id}` }))).status).toBe(404);
  });
});

describe('mail settings the lifecycle honours', () => {
  it('bypass_list_management delivers to suppressed addresses; disabled tracking hides opens and clicks', async () => {
    const t = await setup({ sign: false });
    await t.client.request({ method: 'POST', url: '/v3/asm/suppressions/global', body: { recipient_emails: ['vip@example.com', 'plain@example.com'] } });
    await putJson(`sendgrid/outcomes?tenant=${t.tenant}`, { rules: [{ email: 'untracked@example.com', status: 'delivered', engagement: ['open', 'click'] }] });
    await t.mail.send({ to: 'vip@example.com', from: 'a@example.com', subject: 'Reset your password', text: 't', mailSettings: { bypassListManagement: { enable: true } } });
    await t.mail.send({ to: 'plain@example.com', from: 'a@example.com', subject: 'News', text: 't' });
    await t.mail.send({
      to: 'untracked@example.com',
      from: 'a@example.com',
      subject: 's',
      html: '<a href="https://x.example/">x</a>',
      trackingSettings: { openTracking: { enable: false }, clickTracking: { enable: false } },
    });
    await t.waitFor((e) => e.filter((x) => x.event === 'delivered' || x.event === 'dropped').length === 3);
    const of = (email: string) => t.events().filter((e) => e.email === email).map((e) => e.event);
    expect(of('vip@example.com')).toEqual(['processed', 'delivered']);
    expect(of('plain@example.com')).toEqual(['processed', 'dropped']);
    await new Promise((r) => setTimeout(r, 100));
    expect(of('untracked@example.com')).toEqual(['processed', 'delivered']);
  });
});

describe('manual timing and scheduled sends', () => {
  it('steps a message by hand, optionally naming the next event', async () => {
    const t = await setup({ timing: 'manual' });
    await t.mail.send({ to: 'manual@example.com', from: 'a@example.com', subject: 's', text: 't', html: '<a href="https://x.example/a">a</a>' });
    const [m] = await inspect(`sendgrid/messages?tenant=${t.tenant}`);
    expect(m.status).toBe('processed');
    expect(m.events).toEqual([]);
    const advance = async (body: unknown) => (await (await putJson(`sendgrid/messages/${encodeURIComponent(m.msg_id)}/advance`, body, 'POST')).json()) as any;
    expect((await advance({})).events.map((e: any) => e.event)).toEqual(['processed']);
    expect((await advance({})).status).toBe('delivered');
    const clicked = await advance({ event: 'click' });
    expect(clicked.events.map((e: any) => e.event)).toEqual(['processed', 'delivered', 'open', 'click']);
    expect(clicked.events[3].url).toBe('https://x.example/a');
    await t.waitFor((e) => e.length === 4);
    expect((await putJson('sendgrid/messages/nope/advance', {}, 'POST')).status).toBe(404);
    expect((await putJson(`sendgrid/messages/${encodeURIComponent(m.msg_id)}/advance`, { event: 'exploded' }, 'POST')).status).toBe(400);

    await t.mail.send({ to: 'later@example.com', from: 'a@example.com', subject: 's', text: 't' });
    const [l] = await inspect(`sendgrid/messages?tenant=${t.tenant}&to=later@example.com`);
    const r = (await (await putJson(`sendgrid/messages/${encodeURIComponent(l.msg_id)}/advance`, { event: 'bounce' }, 'POST')).json()) as any;
    expect(r.status).toBe('bounce');
    expect(r.events.map((e: any) => e.event)).toEqual(['processed', 'bounce']);
  });

  it('scheduled sends wait for send_at; canceled batches never produce events', async () => {
    const t = await setup();
    const [, b] = await t.client.request({ method: 'POST', url: '/v3/mail/batch' });
    const sendAt = Math.floor(Date.now() / 1000) + 3600;
    await t.mail.send({ to: 'future@example.com', from: 'a@example.com', subject: 's', text: 't', sendAt, batchId: b.batch_id });
    await t.client.request({ method: 'POST', url: '/v3/user/scheduled_sends', body: { batch_id: b.batch_id, status: 'cancel' } });
    await t.mail.send({ to: 'soon@example.com', from: 'a@example.com', subject: 's', text: 't', sendAt: Math.floor(Date.now() / 1000) + 2 });
    const [soon] = await inspect(`sendgrid/messages?tenant=${t.tenant}&to=soon@example.com`);
    expect(soon.status).toBe('scheduled');
    expect(soon.next_event_at).not.toBeNull();
    await t.waitFor((e) => e.some((x) => x.email === 'soon@example.com' && x.event === 'delivered'));
    expect(t.events().find((e) => e.email === 'soon@example.com' && e.event === 'processed').timestamp).toBeGreaterThanOrEqual(sendAt - 3600 + 1);
    const [future] = await inspect(`sendgrid/messages?tenant=${t.tenant}&to=future@example.com`);
    expect(future.status).toBe('canceled');
    expect(future.events).toEqual([]);
    expect(t.events().some((e) => e.email === 'future@example.com')).toBe(false);
  }, 15_000);
});

describe('engagement rates', () => {
  it('opens and clicks at the configured rates, identically for the same seed', async () => {
    const runs: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const s = await startSim({ timing: 'immediate', 'sendgrid.openRate': 0.5, 'sendgrid.clickRate': 1, 'sendgrid.seed': 'demo' });
      try {
        const { mail } = sendgrid(s.url, 'SG.fixed.key-for-seeded-demo');
        const to = Array.from({ length: 20 }, (_, j) => `r${j}@example.com`);
        await mail.sendMultiple({ to, from: 'a@example.com', subject: 's', text: 't', html: '<a href="https://demo.example/">go</a>' });
        let events: any[] = [];
        for (let k = 0; k < 50; k++) {
          events = ((await (await fetch(`${s.url}/__inspect/sendgrid/events?limit=1000`)).json()) as { items: any[] }).items;
          if (events.filter((e) => e.event === 'delivered').length === 20) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await new Promise((r) => setTimeout(r, 100));
        events = ((await (await fetch(`${s.url}/__inspect/sendgrid/events?limit=1000`)).json()) as { items: any[] }).items;
        runs.push(events.filter((e) => e.event === 'open' || e.event === 'click').map((e) => `${e.email} ${e.event} ${e.useragent}`).sort());
      } finally {
        await s.close();
      }
    }
    const opens = runs[0].filter((x) => x.includes(' open '));
    expect(opens.length).toBeGreaterThan(3);
    expect(opens.length).toBeLessThan(17);
    expect(runs[0].filter((x) => x.includes(' click ')).length).toBe(opens.length);
    expect(runs[1]).toEqual(runs[0]);
  });
});
