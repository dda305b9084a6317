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
