import type { ResponseMeta, SimResponse } from './types.js';

export function json(status: number, body: unknown, meta?: ResponseMeta, headers?: Record<string, string>): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: status === 204 ? null : JSON.stringify(body),
    meta,
  };
}

export function empty(status: number, meta?: ResponseMeta, headers?: Record<string, string>): SimResponse {
  return { status, headers: { ...headers }, body: null, meta };
}

/**
 * Headers for stored content (an email's HTML, an attachment, an object's bytes) served on the
 * inbox's origin: it may never run script or load anything. PDFs keep a frame of their own
 * (Chromium refuses to show a PDF in a sandboxed document), still with nothing to load.
 */
export function storedContentHeaders(contentType: string): Record<string, string> {
  const pdf = /^application\/pdf\b/i.test(contentType);
  return {
    'content-security-policy': pdf ? "default-src 'none'; object-src 'self'" : "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
    'x-content-type-options': 'nosniff',
  };
}
