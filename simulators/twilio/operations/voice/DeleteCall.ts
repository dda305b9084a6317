import type { TwilioContext } from '../../context.js';
import { errors } from '../../errors.js';
import { callUri } from '../../serializers-voice.js';

/** DELETE /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json (its recordings stay, as on Twilio) */
export async function DeleteCall(ctx: TwilioContext, account: string, sid: string): Promise<void> {
  await ctx.db.write(() => {
    if (ctx.voice.deleteCall.run(account, sid).changes === 0) throw errors.notFound(callUri(account, sid));
  });
  ctx.bus.emit({ provider: 'twilio', type: 'twilio.call.deleted', tenant: account, id: sid, summary: 'deleted', time: new Date(ctx.clock.now()).toISOString() });
}
