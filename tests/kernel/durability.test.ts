import { afterEach, describe, expect, it } from 'vitest';
import { exited, spawnServer, tempDir, type Child } from '../helpers/process.js';
import { formParams, startReceiver } from '../helpers/receiver.js';
import { newAccountSid, twilioClient } from '../helpers/twilio.js';

const children: Child[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
});

async function start(dir: string, env: Record<string, string> = {}): Promise<Child> {
  const c = await spawnServer(['--data', dir], env);
  children.push(c);
  return c;
}

describe('state on disk', () => {
  it('survives a graceful restart, including the account token', async () => {
    const dir = tempDir();
    const sid = newAccountSid();
    let srv = await start(dir);
    const m = await twilioClient(srv.url, sid, 'tok').client.messages.create({ to: '+15551110000', from: '+15005550006', body: 'kept' });
    srv.proc.kill('SIGTERM');
    expect(await exited(srv.proc)).toBe(0);

    srv = await start(dir);
    const again = await twilioClient(srv.url, sid, 'tok').client.messages(m.sid).fetch();
    expect(again.body).toBe('kept');
    await expect(twilioClient(srv.url, sid, 'another').client.messages.list()).rejects.toMatchObject({ status: 401, code: 20003 });
    const journal = await (await fetch(`${srv.url}/__inspect/requests?provider=twilio&tenant=${sid}`)).json();
    expect(journal.items.some((r: any) => r.operation === 'CreateMessage' && r.status === 201)).toBe(true);
  });

  it('a kill -9 under write load loses nothing that was acknowledged', async () => {
    const dir = tempDir();
    const sid = newAccountSid();
    let srv = await start(dir);
    const { client } = twilioClient(srv.url, sid, 'tok');
    const acked: string[] = [];
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const m = await client.messages.create({ to: '+15552220000', from: '+15005550006', body: `w${w} #${i}` });
          acked.push(m.sid);
        } catch {
          return; // the server died under us: this request was never acknowledged
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    while (acked.length < 300) await new Promise((r) => setTimeout(r, 5));
    srv.proc.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await exited(srv.proc);
    expect(acked.length).toBeGreaterThanOrEqual(300);

    srv = await start(dir);
    const after = await twilioClient(srv.url, sid, 'tok').client.messages.list({ pageSize: 1000 });
    const stored = new Set(after.map((m) => m.sid));
    const lost = acked.filter((s) => !stored.has(s));
    expect(lost).toEqual([]);
  });
});

describe('lifecycles and webhooks across a crash', () => {
  it('a kill -9 mid-lifecycle resumes the steps and delivers every status callback', async () => {
    const dir = tempDir();
    const sid = newAccountSid();
    const receiver = await startReceiver();
    try {
      let srv = await start(dir, { STEP_DELAY_MS: '400', WEBHOOK_BACKOFF_MS: '50' });
      const { client } = twilioClient(srv.url, sid, 'tok');
      const cb = `${receiver.base}/status`;
      const sids: string[] = [];
      for (let i = 0; i < 5; i++) {
        sids.push((await client.messages.create({ to: '+15557770000', from: '+15005550006', body: `m${i}`, statusCallback: cb })).sid);
      }
      srv.proc.kill('SIGKILL');
      await exited(srv.proc);
      srv = await start(dir, { STEP_DELAY_MS: '50', WEBHOOK_BACKOFF_MS: '50' });
      await receiver.until(
        (all) => sids.every((s) => all.some((r) => formParams(r.body).MessageSid === s && formParams(r.body).MessageStatus === 'delivered')),
        15_000,
      );
      for (const s of sids) {
        const seen = receiver.received.filter((r) => formParams(r.body).MessageSid === s).map((r) => formParams(r.body).MessageStatus);
        expect(seen.filter((x, i) => seen.indexOf(x) === i)).toEqual(['sending', 'sent', 'delivered']);
      }
      const list = await twilioClient(srv.url, sid, 'tok').client.messages.list();
      expect(list.map((m) => m.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered']);
    } finally {
      await receiver.close();
    }
  });
});
