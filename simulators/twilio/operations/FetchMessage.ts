import type { TwilioContext } from '../context.js';
import { errors } from '../errors.js';
import { messageUri } from '../serializers.js';
import type { MessageRow } from '../store.js';

/** GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json */
export function FetchMessage(ctx: TwilioContext, account: string, sid: string): MessageRow {
  const row = ctx.store.getMessage.get(account, sid) as MessageRow | undefined;
  if (!row) throw errors.notFound(messageUri(account, sid));
  return row;
}
