import { first, type FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { verifyErrors } from '../../errors-verify.js';
import type { AttemptRow, VerificationRow } from '../../store-verify.js';
import { requireService } from './FetchService.js';
import { findPending } from './FetchVerification.js';

/** POST /verify/v2/Services/{ServiceSid}/Verifications/{Sid} with Status=canceled or approved */
export async function UpdateVerification(
  ctx: TwilioContext,
  account: string,
  serviceSid: string,
  sid: string,
  form: FormValues,
): Promise<{ verification: VerificationRow; attempts: AttemptRow[] }> {
  const path = `/Services/${serviceSid}/Verifications/${sid}`;
  requireService(ctx, account, serviceSid, path);
  const status = first(form, 'Status');
  if (status === undefined || status === '') throw verifyErrors.missing('Status');
  if (status !== 'canceled' && status !== 'approved') throw verifyErrors.invalid('Status');
  const now = ctx.clock.now(account);
  const result = await ctx.db.write(() => {
    const cur = findPending(ctx, account, serviceSid, sid, now);
    if (!cur) throw verifyErrors.notFound(path);
    const v: VerificationRow = { ...cur, status, date_updated: now };
    ctx.verify.updateVerification.run(v);
    return { verification: v, attempts: ctx.verify.attemptsOf.all(v.sid) as AttemptRow[] };
  });
  ctx.bus.emit({
    provider: 'twilio',
    type: 'twilio.verification.updated',
    tenant: account,
    id: result.verification.sid,
    summary: status,
    time: new Date(now).toISOString(),
  });
  return result;
}
