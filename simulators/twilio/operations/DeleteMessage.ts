import type { TwilioContext } from '../context.js';
import { errors } from '../errors.js';
import { messageUri } from '../serializers.js';

/** DELETE /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json (with its media) */
export async function DeleteMessage(ctx: TwilioContext, account: string, sid: string): Promise<void> {
  await ctx.db.write(() => {
    if (ctx.store.deleteMessage.run(account, sid).changes === 0) throw errors.notFound(messageUri(account, sid));
    ctx.store.deleteMediaOfMessage.run(account, sid);
  });
  ctx.bus.emit({
    provider: 'twilio',
    type: 'twilio.message.deleted',
    tenant: account,
    id: sid,
    summary: 'deleted',
    time: new Date(ctx.clock.now()).toISOString(),
  });
}
