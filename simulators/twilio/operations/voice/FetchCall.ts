import type { TwilioContext } from '../../context.js';
import { errors } from '../../errors.js';
import { callUri } from '../../serializers-voice.js';
import type { CallRow } from '../../store-voice.js';

/** GET /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json */
export function FetchCall(ctx: TwilioContext, account: string, sid: string): CallRow {
  const row = ctx.voice.getCall.get(account, sid) as CallRow | undefined;
  if (!row) throw errors.notFound(callUri(account, sid));
  return row;
}
