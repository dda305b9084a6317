import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { tempDir } from '../helpers/process.js';
import { startReceiver } from '../helpers/receiver.js';
import { failure, newApiKey, sendgrid, tenantOfKey } from '../helpers/sendgrid.js';
import { startSim } from '../helpers/server.js';

let sim: RunningServer;
beforeAll(async () => {
  sim = await startSim({
    timing: 'immediate',
    'sendgrid.outcomes': [{ email: '*@bounces.example', status: 'bounce' }, { email: 'reader@*', status: 'delivered', engagement: ['open', 'click'] }],
  });
});
afterAll(async () => {
  await sim?.close();
});

async function eventsOf(tenant: string, until: (e: any[]) => boolean): Promise<any[]> {
  for (let i = 0; i < 200; i++) {
    const items = ((await (await fetch(`${sim.url}/__inspect/sendgrid/events?tenant=${tenant}&limit=1000`)).json()) as { items: any[] }).items;
    if (until(items)) return items;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('events did not arrive');
}

describe('Email Activity and stats', () => {
  it('filters messages with the query language and reports their events', async () => {
    const key = newApiKey();
    const { client, mail } = sendgrid(sim.url, key);
    const tenant = tenantOfKey(key);
    const before = new Date(Date.now() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await mail.send({ to: 'reader@example.com', from: 'news@example.com', subject: 'Weekly digest', html: '<a href="https://news.example/1">read</a>', categories: ['digest'] });
    await mail.send({ to: 'gone@bounces.example', from: 'news@example.com', subject: 'Weekly digest', text: 'x' });
    await mail.send({ to: 'other@example.com', from: 'billing@example.com', subject: 'Invoice', text: 'x' });
    await eventsOf(tenant, (e) => e.filter((x) => x.event === 'processed').length === 3 && e.some((x) => x.event === 'click') && e.some((x) => x.event === 'bounce'));
    const after = new Date(Date.now() + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

    const q = async (query: string, limit?: number) => {
      const [res, body] = await client.request({ method: 'GET', url: '/v3/messages', qs: limit ? { query, limit } : { query } });
      expect(res.statusCode).toBe(200);
      return (body.messages as any[]).map((m) => m.to_email);
    };
    expect(await q('from_email="news@example.com"')).toEqual(['gone@bounces.example', 'reader@example.com']);
    expect(await q('from_email="news@example.com" AND status="delivered"')).toEqual(['reader@example.com']);
    expect(await q('status="not_delivered" OR subject="Invoice"')).toEqual(['other@example.com', 'gone@bounces.example']);
    expect(await q(`last_event_time BETWEEN TIMESTAMP "${before}" AND TIMESTAMP "${after}"`, 2)).toHaveLength(2);
    expect(await q('last_event_time BETWEEN TIMESTAMP "2001-01-01T00:00:00Z" AND TIMESTAMP "2001-01-02T00:00:00Z"')).toEqual([]);
    expect(await q('to_email IN ("reader@example.com", "other@example.com") AND NOT (subject LIKE "%Invoice%")')).toEqual(['reader@example.com']);

    const [, list] = await client.request({ method: 'GET', url: '/v3/messages', qs: { query: 'to_email="reader@example.com"' } });
    expect(list.messages[0]).toMatchObject({ from_email: 'news@example.com', subject: 'Weekly digest', status: 'delivered', opens_count: 1, clicks_count: 1 });
    const [, one] = await client.request({ method: 'GET', url: `/v3/messages/${list.messages[0].msg_id}` });
    expect(one.events.map((e: any) => e.event_name)).toEqual(['processed', 'delivered', 'opened', 'clicked']);
    expect(one.categories).toEqual(['digest']);
    const bad = await failure(client.request({ method: 'GET', url: '/v3/messages', qs: { query: 'to_email = ' } }));
    expect(bad).toMatchObject({ status: 400, body: { errors: [{ message: 'invalid query', field: 'query' }] } });

    const today = new Date().toISOString().slice(0, 10);
    const [, stats] = await client.request({ method: 'GET', url: '/v3/stats', qs: { start_date: today, end_date: today } });
    expect(stats).toEqual([
      {
        date: today,
        stats: [
          {
            metrics: {
              blocks: 0,
              bounce_drops: 0,
              bounces: 1,
              clicks: 1,
              deferred: 0,
              delivered: 2,
              invalid_emails: 0,
              opens: 1,
              processed: 3,
              requests: 3,
              spam_report_drops: 0,
              spam_reports: 0,
              unique_clicks: 1,
              unique_opens: 1,
              unsubscribe_drops: 0,
              unsubscribes: 0,
            },
          },
        ],
      },
    ]);
    const [, weeks] = await client.request({ method: 'GET', url: '/v3/stats', qs: { start_date: '2020-01-01', end_date: '2020-01-31', aggregated_by: 'week' } });
    expect(weeks.map((w: any) => w.date)).toEqual(['2020-01-01', '2020-01-06', '2020-01-13', '2020-01-20', '2020-01-27']);
    expect((await failure(client.request({ method: 'GET', url: '/v3/stats', qs: { start_date: '2020-02-30' } }))).status).toBe(400);
  });

  it('applies fixture outcome rules to every tenant and posts only the enabled event types', async () => {
    const receiver = await startReceiver();
    try {
      const key = newApiKey();
      const { client, mail } = sendgrid(sim.url, key);
      await client.request({ method: 'POST', url: '/v3/user/webhooks/event/settings', body: { enabled: true, url: `${receiver.base}/only-bounces`, bounce: true } });
      await client.request({ method: 'POST', url: '/v3/user/webhooks/event/settings', body: { enabled: false, url: `${receiver.base}/disabled`, bounce: true, processed: true } });
      await mail.send({ to: 'x@bounces.example', from: 'a@example.com', subject: 's', text: 't' });
      await mail.send({ to: 'fine@example.com', from: 'a@example.com', subject: 's', text: 't' });
      await eventsOf(tenantOfKey(key), (e) => e.filter((x) => x.event === 'delivered' || x.event === 'bounce').length === 2);
      await receiver.until((r) => r.length >= 1);
      await new Promise((r) => setTimeout(r, 100));
      expect(receiver.received.map((r) => r.path)).toEqual(['/only-bounces']);
      expect(JSON.parse(receiver.received[0].body)).toMatchObject([{ event: 'bounce', email: 'x@bounces.example', type: 'bounce' }]);
      expect(receiver.received[0].headers['x-twilio-email-event-webhook-signature']).toBeUndefined();
    } finally {
      await receiver.close();
    }
  });
});

describe('persisted lifecycle', () => {
  it('resumes planned events after a restart', async () => {
    const dir = tempDir();
    const key = newApiKey();
    const first = await startSim({ inMemory: false, dataDir: dir, timing: 'realistic', stepDelayMs: 2500 });
    let msgId: string;
    try {
      await sendgrid(first.url, key).mail.send({ to: 'restart@example.com', from: 'a@example.com', subject: 's', text: 't' });
      const [m] = ((await (await fetch(`${first.url}/__inspect/sendgrid/messages`)).json()) as { items: any[] }).items;
      msgId = m.msg_id;
      expect(m.events).toEqual([]);
      expect(m.next_event_at).not.toBeNull();
    } finally {
      await first.close();
    }
    const second = await startSim({ inMemory: false, dataDir: dir, timing: 'realistic', stepDelayMs: 20 });
    try {
      let m: any;
      for (let i = 0; i < 200; i++) {
        [m] = ((await (await fetch(`${second.url}/__inspect/sendgrid/messages`)).json()) as { items: any[] }).items;
        if (m.status === 'delivered') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(m.msg_id).toBe(msgId);
      expect(m.events.map((e: any) => e.event)).toEqual(['processed', 'delivered']);
    } finally {
      await second.close();
    }
  }, 20_000);
});
