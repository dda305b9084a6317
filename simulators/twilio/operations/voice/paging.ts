import type { FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { errors } from '../../errors.js';
import { nextToken, previousToken, readPaging } from '../../paging.js';
import type { VoiceTable, Where } from '../../store-voice.js';

export interface VoicePage<T> {
  rows: T[];
  page: number;
  pageSize: number;
  nextToken: string | null;
  previousToken: string | null;
  filters: [string, string][];
}

/** One keyset-paged page of a Voice table, newest first (the Messages paging). */
export function pageOf<T extends { seq: number }>(ctx: TwilioContext, table: VoiceTable, w: Where, q: FormValues, filters: [string, string][]): VoicePage<T> {
  const p = readPaging(q);
  let rows: T[];
  if (p.token?.dir === 'after') rows = ctx.voice.list<T>(table, w, { limit: p.pageSize, beforeSeq: p.token.seq });
  else if (p.token?.dir === 'before') rows = ctx.voice.list<T>(table, w, { limit: p.pageSize, afterSeqAsc: p.token.seq });
  else rows = ctx.voice.list<T>(table, w, { limit: p.pageSize, offset: p.page * p.pageSize });
  const last = rows[rows.length - 1];
  const firstRow = rows[0];
  return {
    rows,
    page: p.page,
    pageSize: p.pageSize,
    nextToken: last && rows.length === p.pageSize && ctx.voice.has(table, w, '<', last.seq) ? nextToken(last.seq) : null,
    previousToken: firstRow && p.page > 0 && ctx.voice.has(table, w, '>', firstRow.seq) ? previousToken(firstRow.seq) : null,
    filters,
  };
}

const DAY = 86_400_000;

/** A date filter: a day (or its midnight as the SDKs send it) covers the day, a date-time its second. */
export function parseDate(name: string, v: string): { start: number; end: number } {
  const day = /^(\d{4}-\d{2}-\d{2})(?:T00:00:00(?:\.0+)?(?:Z|[+-]00:?00)?)?$/.exec(v);
  if (day) {
    const t = Date.parse(day[1] + 'T00:00:00Z');
    if (Number.isFinite(t)) return { start: t, end: t + DAY - 1 };
  } else {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return { start: t, end: t + 999 };
  }
  throw errors.invalidParam(`Invalid ${name}: ${v} is not a valid date`);
}

/** Adds `Name`, `Name<` and `Name>` date filters on `column` to a WHERE clause. */
export function dateFilters(q: FormValues, name: string, column: string, w: Where, filters: [string, string][]): void {
  const on = q.get(name)?.[0];
  if (on !== undefined) {
    const d = parseDate(name, on);
    w.sql.push(`${column} BETWEEN ? AND ?`);
    w.args.push(d.start, d.end);
    filters.push([name, on]);
  }
  const before = q.get(`${name}<`)?.[0];
  if (before !== undefined) {
    w.sql.push(`${column} <= ?`);
    w.args.push(parseDate(`${name}<`, before).end);
    filters.push([`${name}<`, before]);
  }
  const after = q.get(`${name}>`)?.[0];
  if (after !== undefined) {
    w.sql.push(`${column} >= ?`);
    w.args.push(parseDate(`${name}>`, after).start);
    filters.push([`${name}>`, after]);
  }
}
