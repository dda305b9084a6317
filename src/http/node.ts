import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BodyAbortedError, BodyTooLargeError, type BodySource, type SimRequest, type SimResponse } from '../core/index.js';

class NodeBody implements BodySource {
  constructor(private readonly req: IncomingMessage) {}

  bytes(limit: number): Promise<Buffer> {
    const req = this.req;
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length']);
      if (declared > limit) {
        req.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          cleanup();
          req.resume();
          reject(new BodyTooLargeError(limit));
          return;
        }
        chunks.push(c);
      };
      const onEnd = () => {
        cleanup();
        resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
      };
      const onError = () => {
        cleanup();
        reject(new BodyAbortedError());
      };
      const cleanup = () => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onError);
        req.off('aborted', onError);
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
      req.on('aborted', onError);
    });
  }

  stream(): AsyncIterable<Uint8Array> {
    return this.req;
  }
}

/** Adapts a Node request without copying: headers are already lower-cased. */
export function fromNode(req: IncomingMessage): SimRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers: req.headers,
    body: new NodeBody(req),
  };
}

export async function writeNode(res: ServerResponse, r: SimResponse): Promise<void> {
  const body = r.body;
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) {
    if (body !== null && r.headers['content-length'] === undefined) {
      r.headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    }
    res.writeHead(r.status, r.headers);
    res.end(body ?? undefined);
    return;
  }
  res.writeHead(r.status, r.headers);
  await pipeline(Readable.from(body), res);
}
