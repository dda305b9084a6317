import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * An app-side webhook receiver on 127.0.0.1:0: records every request and answers with what
 * `respond` returns (200 and an empty body by default).
 */
export async function startReceiver(
  respond: (r: Received) => { status: number; body?: string; type?: string } = () => ({ status: 200 }),
) {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const addr = server.address() as AddressInfo;
      const r: Received = {
        method: req.method!,
        path: req.url!,
        url: `http://127.0.0.1:${addr.port}${req.url}`,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      const out = respond(r);
      res.writeHead(out.status, { 'content-type': out.type ?? 'text/plain' });
      res.end(out.body ?? '');
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    /** Resolves once `predicate` holds for the received requests (or rejects after ms). */
    async until(predicate: (all: Received[]) => boolean, ms = 10_000): Promise<Received[]> {
      const deadline = Date.now() + ms;
      while (!predicate(received)) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`receiver: condition not met; got ${received.length} requests`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function formParams(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}
