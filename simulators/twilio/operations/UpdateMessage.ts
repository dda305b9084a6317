import { first, type FormValues } from '../../../src/core/index.js';
import type { TwilioContext } from '../context.js';
import { errors } from '../errors.js';
import { messageUri } from '../serializers.js';
import type { MessageRow } from '../store.js';

/**
 * POST /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json
 * Body="" redacts the body; Status=canceled cancels a scheduled message.
 */
export async function UpdateMessage(ctx: TwilioContext, account: string, sid: string, form: FormValues): Promise<MessageRow> {
  const body = first(form, 'Body');
  const status = first(form, 'Status');
  if (body !== undefined && body !== '') throw errors.redactRequiresEmptyBody();
  if (status !== undefined && status !== 'canceled') throw errors.invalidStatusUpdate(status);
  const now = ctx.clock.now();
  const row = await ctx.db.write(() => {
    const cur = ctx.store.getMessage.get(account, sid) as MessageRow | undefined;
    if (!cur) throw errors.notFound(messageUri(account, sid));
    if (status === 'canceled') {
      if (cur.status !== 'scheduled') throw errors.cannotCancel();
      ctx.store.updateMessageStatus.run('canceled', now, account, sid);
      ctx.store.planMessage.run(null, null, sid);
    }
    if (body === '') ctx.store.updateMessageBody.run('', now, account, sid);
    return ctx.store.getMessage.get(account, sid) as MessageRow;
  });
  ctx.bus.emit({
    provider: 'twilio',
    type: 'twilio.message.updated',
    tenant: account,
    id: sid,
    summary: status === 'canceled' ? 'canceled' : 'redacted',
    time: new Date(now).toISOString(),
  });
  return row;
}
