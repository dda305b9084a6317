import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { startSim } from '../helpers/server.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';

let sim: RunningServer;
beforeAll(async () => {
  sim = await startSim({ timing: 'immediate' });
});
afterAll(async () => {
  await sim?.close();
});

interface SseEvent {
  id: string;
  event: string;
  data: any;
}

/** Reads Server-Sent Events from the stream until `count` arrived. */
async function readEvents(url: string, count: number, headers: Record<string, string> = {}): Promise<SseEvent[]> {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ctrl.signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const out: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buf = '';
  const timer = setTimeout(() => ctrl.abort(), 5000);
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) !== -1) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const fields: Record<string, string> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const c = line.indexOf(':');
          if (c > 0) fields[line.slice(0, c)] = line.slice(c + 1).trimStart();
        }
        if (fields.data) out.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
        if (out.length >= count) return out;
      }
    }
  } catch (e) {
    if ((e as Error).name !== 'AbortError') throw e;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  return out;
}

describe('/__inspect/events', () => {
  it('streams every event live, filtered by tenant, and resumes from Last-Event-ID', async () => {
    const sid = newAccountSid();
    const { client } = twilioClient(sim.url, sid, 't');
    // The inspect API loads on its first request: load it now, so the stream below is open before the message is sent.
    expect((await fetch(`${sim.url}/__inspect/events?tenant=${sid}`)).status).toBe(200);
    const stream = readEvents(`${sim.url}/__inspect/events?tenant=${sid}&provider=twilio`, 4);
    await new Promise((r) => setTimeout(r, 50));
    // another tenant's traffic never shows up in this stream
    await twilioClient(sim.url, newAccountSid(), 't').client.messages.create({ to: '+15551110001', from: '+15005550006', body: 'other' });
    const m = await client.messages.create({ to: '+15551110000', from: '+15005550006', body: 'live' });
    const got = await stream;
    expect(got.map((e) => e.event)).toEqual(['twilio.message.created', 'twilio.message.updated', 'twilio.message.updated', 'twilio.message.updated']);
    expect(got.every((e) => e.data.tenant === sid && e.data.resource === m.sid)).toBe(true);
    expect(got.map((e) => e.data.summary).slice(1)).toEqual(['sending', 'sent', 'delivered']);
    const ids = got.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    const resumed = await readEvents(`${sim.url}/__inspect/events?tenant=${sid}`, 3, { 'last-event-id': String(ids[0]) });
    expect(resumed.map((e) => Number(e.id))).toEqual(ids.slice(1));

    const json = await (await fetch(`${sim.url}/__inspect/events?tenant=${sid}&type=twilio.message.*`)).json();
    expect(json.items.map((e: any) => e.id)).toEqual([...ids].reverse());
    const since = await (await fetch(`${sim.url}/__inspect/events?tenant=${sid}&since=${ids[2]}`)).json();
    expect(since.items.map((e: any) => e.id)).toEqual([ids[3]]);
    expect((await fetch(`${sim.url}/__inspect/events?since=xyz`)).status).toBe(400);
  });
});
