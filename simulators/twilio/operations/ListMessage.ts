import { first, type FormValues } from '../../../src/core/index.js';
import type { TwilioContext } from '../context.js';
import { errors } from '../errors.js';
import { normalizeNumber } from '../phone.js';
import { nextToken, previousToken, readPaging } from '../paging.js';
import type { MessageFilter, MessageRow } from '../store.js';

export interface MessagePage {
  rows: MessageRow[];
  page: number;
  pageSize: number;
  nextToken: string | null;
  previousToken: string | null;
  filters: [string, string][];
}

const DAY = 86_400_000;

/**
 * A date filter value: a day (`YYYY-MM-DD`, or midnight `YYYY-MM-DDT00:00:00Z`, which is how the
 * SDKs serialize a date) covers the whole day; any other date-time covers that second.
 */
function parseDate(name: string, v: string): { start: number; end: number } {
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

/** GET /2010-04-01/Accounts/{AccountSid}/Messages.json, newest first, keyset-paged. */
export function ListMessage(ctx: TwilioContext, account: string, q: FormValues): MessagePage {
  const f: MessageFilter = { account };
  const filters: [string, string][] = [];
  const to = first(q, 'To');
  if (to !== undefined) (f.to = normalizeNumber(to)), filters.push(['To', to]);
  const from = first(q, 'From');
  if (from !== undefined) (f.from = normalizeNumber(from)), filters.push(['From', from]);
  const on = first(q, 'DateSent');
  if (on !== undefined) {
    const d = parseDate('DateSent', on);
    f.sentAfter = d.start;
    f.sentBefore = d.end;
    filters.push(['DateSent', on]);
  }
  const before = first(q, 'DateSent<');
  if (before !== undefined) {
    f.sentBefore = Math.min(f.sentBefore ?? Infinity, parseDate('DateSent<', before).end);
    filters.push(['DateSent<', before]);
  }
  const after = first(q, 'DateSent>');
  if (after !== undefined) {
    f.sentAfter = Math.max(f.sentAfter ?? -Infinity, parseDate('DateSent>', after).start);
    filters.push(['DateSent>', after]);
  }
  const p = readPaging(q);
  let rows: MessageRow[];
  if (p.token?.dir === 'after') rows = ctx.store.listMessages(f, { limit: p.pageSize, beforeSeq: p.token.seq });
  else if (p.token?.dir === 'before') rows = ctx.store.listMessages(f, { limit: p.pageSize, afterSeqAsc: p.token.seq });
  else rows = ctx.store.listMessages(f, { limit: p.pageSize, offset: p.page * p.pageSize });

  const last = rows[rows.length - 1];
  const firstRow = rows[0];
  return {
    rows,
    page: p.page,
    pageSize: p.pageSize,
    nextToken: last && rows.length === p.pageSize && ctx.store.hasOlder(f, last.seq) ? nextToken(last.seq) : null,
    previousToken: firstRow && p.page > 0 && ctx.store.hasNewer(f, firstRow.seq) ? previousToken(firstRow.seq) : null,
    filters,
  };
}
