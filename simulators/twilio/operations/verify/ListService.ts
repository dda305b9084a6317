import type { FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { nextToken, previousToken, readPaging } from '../../paging.js';
import type { VerifyServiceRow } from '../../store-verify.js';

export interface ServicePage {
  rows: VerifyServiceRow[];
  page: number;
  pageSize: number;
  nextToken: string | null;
  previousToken: string | null;
}

/** GET /verify/v2/Services, oldest first, keyset-paged. */
export function ListService(ctx: TwilioContext, account: string, q: FormValues): ServicePage {
  const p = readPaging(q);
  let rows: VerifyServiceRow[];
  if (p.token?.dir === 'after') rows = ctx.verify.listServices(account, { limit: p.pageSize, afterSeq: p.token.seq });
  else if (p.token?.dir === 'before') rows = ctx.verify.listServices(account, { limit: p.pageSize, beforeSeqDesc: p.token.seq });
  else rows = ctx.verify.listServices(account, { limit: p.pageSize, offset: p.page * p.pageSize });
  const last = rows[rows.length - 1];
  const firstRow = rows[0];
  return {
    rows,
    page: p.page,
    pageSize: p.pageSize,
    nextToken: last && rows.length === p.pageSize && ctx.verify.hasService(account, '>', last.seq) ? nextToken(last.seq) : null,
    previousToken: firstRow && p.page > 0 && ctx.verify.hasService(account, '<', firstRow.seq) ? previousToken(firstRow.seq) : null,
  };
}
