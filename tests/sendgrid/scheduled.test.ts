import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { failure, newApiKey, sendgrid } from '../helpers/sendgrid.js';
import { startSim } from '../helpers/server.js';

let sim: RunningServer;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.close();
});

async function inspect(query: string): Promise<any[]> {
  return ((await (await fetch(`${sim.url}/__inspect/sendgrid/messages?${query}`)).json()) as { items: any[] }).items;
}

describe('batches and scheduled sends', () => {
  it('creates a batch, schedules a send in it, pauses, cancels and resumes it', async () => {
    const { client, mail } = sendgrid(sim.url, newApiKey());
    const [res, created] = await client.request({ method: 'POST', url: '/v3/mail/batch' });
    expect(res.statusCode).toBe(201);
    const batchId = created.batch_id as string;
    expect(batchId).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const [got, fetched] = await client.request({ method: 'GET', url: `/v3/mail/batch/${batchId}` });
    expect(got.statusCode).toBe(200);
    expect(fetched).toEqual({ batch_id: batchId });

    const sendAt = Math.floor(Date.now() / 1000) + 3600;
    await mail.send({ to: 'later@example.com', from: 'a@example.com', subject: 'Later', text: 'x', sendAt, batchId });
    expect(await inspect('to=later@example.com')).toMatchObject([{ send_at: sendAt, batch_id: batchId, status: 'scheduled' }]);
    expect(await inspect(`batch_id=${batchId}`)).toHaveLength(1);

    const [c, paused] = await client.request({ method: 'POST', url: '/v3/user/scheduled_sends', body: { batch_id: batchId, status: 'pause' } });
    expect(c.statusCode).toBe(201);
    expect(paused).toEqual({ batch_id: batchId, status: 'pause' });
    expect((await inspect('to=later@example.com'))[0].status).toBe('paused');
    const dupe = await failure(client.request({ method: 'POST', url: '/v3/user/scheduled_sends', body: { batch_id: batchId, status: 'cancel' } }));
    expect(dupe.status).toBe(400);

    const [, list] = await client.request({ method: 'GET', url: '/v3/user/scheduled_sends' });
    expect(list).toEqual([{ batch_id: batchId, status: 'pause' }]);
    const [, one] = await client.request({ method: 'GET', url: `/v3/user/scheduled_sends/${batchId}` });
    expect(one).toEqual([{ batch_id: batchId, status: 'pause' }]);

    const [u] = await client.request({ method: 'PATCH', url: `/v3/user/scheduled_sends/${batchId}`, body: { status: 'cancel' } });
    expect(u.statusCode).toBe(204);
    expect((await inspect('to=later@example.com'))[0].status).toBe('canceled');

    const [d] = await client.request({ method: 'DELETE', url: `/v3/user/scheduled_sends/${batchId}` });
    expect(d.statusCode).toBe(204);
    expect((await inspect('to=later@example.com'))[0].status).toBe('scheduled');
    const [, none] = await client.request({ method: 'GET', url: `/v3/user/scheduled_sends/${batchId}` });
    expect(none).toEqual([]);
    expect((await failure(client.request({ method: 'DELETE', url: `/v3/user/scheduled_sends/${batchId}` }))).status).toBe(404);
    expect((await failure(client.request({ method: 'PATCH', url: `/v3/user/scheduled_sends/${batchId}`, body: { status: 'pause' } }))).status).toBe(404);
  });

  it('rejects unknown batches and bad statuses', async () => {
    const { client } = sendgrid(sim.url, newApiKey());
    const unknown = await failure(client.request({ method: 'GET', url: '/v3/mail/batch/nope' }));
    expect(unknown).toMatchObject({ status: 400, body: { errors: [{ message: 'invalid batch id', field: null, help: null }] } });
    const [, b] = await client.request({ method: 'POST', url: '/v3/mail/batch' });
    const bad = await failure(client.request({ method: 'POST', url: '/v3/user/scheduled_sends', body: { batch_id: b.batch_id, status: 'stop' } }));
    expect(bad).toMatchObject({ status: 400, body: { errors: [{ field: 'status' }] } });
    expect((await failure(client.request({ method: 'POST', url: '/v3/user/scheduled_sends', body: { batch_id: 'nope', status: 'pause' } }))).status).toBe(400);
    // batches are per API key
    const other = sendgrid(sim.url, newApiKey());
    expect((await failure(other.client.request({ method: 'GET', url: `/v3/mail/batch/${b.batch_id}` }))).status).toBe(400);
  });

  it('send_at in the past sends immediately', async () => {
    const { mail } = sendgrid(sim.url, newApiKey());
    await mail.send({ to: 'past@example.com', from: 'a@example.com', subject: 's', text: 't', sendAt: Math.floor(Date.now() / 1000) - 60 });
    expect((await inspect('to=past@example.com'))[0].status).toBe('processed');
  });
});
