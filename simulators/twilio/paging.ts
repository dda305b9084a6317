import { first, type FormValues } from '../../src/core/index.js';
import { errors } from './errors.js';

export interface PageRequest {
  pageSize: number;
  page: number;
  /** 'PA' + base36 seq: the page after that row; 'PB' + seq: the page before it. */
  token: { dir: 'after' | 'before'; seq: number } | null;
}

/** Reads PageSize (1..1000, default 50), Page and PageToken as Twilio does. */
export function readPaging(q: FormValues): PageRequest {
  const sizeRaw = first(q, 'PageSize');
  let pageSize = 50;
  if (sizeRaw !== undefined) {
    pageSize = Number(sizeRaw);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw errors.invalidPageSize();
  }
  const pageRaw = first(q, 'Page');
  let page = 0;
  if (pageRaw !== undefined) {
    page = Number(pageRaw);
    if (!Number.isInteger(page) || page < 0) throw errors.invalidParam('Invalid Page: must be a non-negative integer');
  }
  const tokenRaw = first(q, 'PageToken');
  let token: PageRequest['token'] = null;
  if (tokenRaw) {
    const m = /^P([AB])([0-9a-z]+)$/.exec(tokenRaw);
    if (!m) throw errors.invalidPageToken();
    token = { dir: m[1] === 'A' ? 'after' : 'before', seq: parseInt(m[2], 36) };
  }
  return { pageSize, page, token };
}

export const nextToken = (seq: number) => 'PA' + seq.toString(36);
export const previousToken = (seq: number) => 'PB' + seq.toString(36);

/** The tokens of page `page` of a list paged by offset, when `more` rows follow it. */
export function pageTokens(page: number, more: boolean): { nextToken: string | null; previousToken: string | null } {
  return { nextToken: more ? nextToken(page + 1) : null, previousToken: page > 0 ? previousToken(page - 1) : null };
}
