import { BodyTooLargeError, type BodySource, type SimRequest, type SimResponse } from './index.js';

/** Adapts a Fetch API Request (in-process mode) to the Simulator contract. */
export function fromFetch(request: Request): SimRequest {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((v, k) => (headers[k] = v));
  const body: BodySource = {
    async bytes(limit: number) {
      const buf = Buffer.from(await request.arrayBuffer());
      if (buf.length > limit) throw new BodyTooLargeError(limit);
      return buf;
    },
    stream() {
      return (request.body ?? (async function* () {})()) as AsyncIterable<Uint8Array>;
    },
  };
  return { method: request.method, path: url.pathname, query: url.search.slice(1), headers, body };
}

export function toFetchResponse(r: SimResponse): Response {
  // An injected connection reset surfaces as fetch's network error.
  if (r.reset) throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
  const headers = new Headers();
  for (const [k, v] of Object.entries(r.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else headers.set(k, v);
  }
  let body: BodyInit | null = null;
  if (typeof r.body === 'string' || r.body instanceof Uint8Array) body = r.body as BodyInit;
  else if (r.body) {
    const it = r.body[Symbol.asyncIterator]();
    body = new ReadableStream<Uint8Array>({
      async pull(c) {
        const { value, done } = await it.next();
        if (done) c.close();
        else c.enqueue(value);
      },
    });
  }
  return new Response(body, { status: r.status, headers });
}
