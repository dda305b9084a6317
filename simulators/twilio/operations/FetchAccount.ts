import type { TwilioContext } from '../context.js';
import { errors } from '../errors.js';
import type { AccountRow } from '../store.js';

/** GET /2010-04-01/Accounts/{Sid}.json */
export function FetchAccount(ctx: TwilioContext, sid: string): AccountRow {
  const row = ctx.accounts.get(sid);
  if (!row) throw errors.notFound(`/2010-04-01/Accounts/${sid}.json`);
  return row;
}
