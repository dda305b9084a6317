import { first, type FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { voiceErrors } from '../../errors-voice.js';
import type { CallRow } from '../../store-voice.js';
import { CallStateError } from '../../voice-lifecycle.js';
import { checkTwiml, httpUrl, method } from './CreateCall.js';
import { FetchCall } from './FetchCall.js';

/**
 * POST /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json: Status=canceled (a queued or ringing
 * call), Status=completed (hang up), or new instructions (Url / Twiml) for a call in progress.
 */
export async function UpdateCall(ctx: TwilioContext, account: string, sid: string, form: FormValues): Promise<CallRow> {
  const call = FetchCall(ctx, account, sid);
  const status = first(form, 'Status');
  if (status !== undefined && status !== 'canceled' && status !== 'completed') throw voiceErrors.invalidStatus(status);
  const url = first(form, 'Url') || undefined;
  const twiml = first(form, 'Twiml') || undefined;
  if (url && !twiml && !httpUrl(url)) throw voiceErrors.invalidUrl(url);
  if (twiml) checkTwiml(twiml);
  const callbackMethod = first(form, 'StatusCallbackMethod') !== undefined ? method(form, 'StatusCallbackMethod') : undefined;
  const callMethod = method(form, 'Method');
  const statusCallback = first(form, 'StatusCallback');
  if (statusCallback && !httpUrl(statusCallback)) throw voiceErrors.invalidUrl(statusCallback);
  if ((url || twiml) && !status && call.status !== 'in-progress') throw voiceErrors.notInProgress();

  if (statusCallback !== undefined || callbackMethod !== undefined) {
    await ctx.db.write(() =>
      ctx.voice.updateCall(sid, {
        ...(statusCallback !== undefined ? { status_callback: statusCallback || null } : {}),
        ...(callbackMethod !== undefined ? { status_callback_method: callbackMethod } : {}),
        date_updated: ctx.clock.now(),
      }),
    );
  }
  if (status) await ctx.calls.hangup(sid, status);
  else if (url || twiml) {
    try {
      await ctx.calls.redirect(sid, twiml ? { twiml } : { url: url!, method: callMethod });
    } catch (e) {
      if (e instanceof CallStateError) throw voiceErrors.notInProgress();
      throw e;
    }
  }
  return FetchCall(ctx, account, sid);
}
