import { first, type FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { errors } from '../../errors.js';
import { normalizeNumber } from '../../phone.js';
import type { CallRow, Where } from '../../store-voice.js';
import { CALL_STATUSES } from '../../voice-lifecycle.js';
import { dateFilters, pageOf, type VoicePage } from './paging.js';

const number = (v: string) => (/^(client|sip):/i.test(v) ? v : normalizeNumber(v));

/** GET /2010-04-01/Accounts/{AccountSid}/Calls.json, newest first, keyset-paged. */
export function ListCall(ctx: TwilioContext, account: string, q: FormValues): VoicePage<CallRow> {
  const w: Where = { sql: ['account_sid = ?'], args: [account] };
  const filters: [string, string][] = [];
  const to = first(q, 'To');
  if (to !== undefined) (w.sql.push('to_number = ?'), w.args.push(number(to)), filters.push(['To', to]));
  const from = first(q, 'From');
  if (from !== undefined) (w.sql.push('from_number = ?'), w.args.push(number(from)), filters.push(['From', from]));
  const parent = first(q, 'ParentCallSid');
  if (parent !== undefined) (w.sql.push('parent_call_sid = ?'), w.args.push(parent), filters.push(['ParentCallSid', parent]));
  const status = first(q, 'Status');
  if (status !== undefined) {
    if (!CALL_STATUSES.includes(status)) throw errors.invalidParam(`Invalid Status: ${status}`);
    w.sql.push('status = ?'), w.args.push(status), filters.push(['Status', status]);
  }
  dateFilters(q, 'StartTime', 'COALESCE(start_time, date_created)', w, filters);
  dateFilters(q, 'EndTime', 'end_time', w, filters);
  return pageOf<CallRow>(ctx, 'twilio_calls', w, q, filters);
}
