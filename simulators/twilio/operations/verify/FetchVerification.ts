import type { TwilioContext } from '../../context.js';
import { verifyErrors } from '../../errors-verify.js';
import { normalizeNumber } from '../../phone.js';
import { effectiveStatus, type AttemptRow, type VerificationRow } from '../../store-verify.js';
import { requireService } from './FetchService.js';

const VE_SID = /^VE[0-9a-fA-F]{32}$/;

/**
 * The pending verification named by its SID or by its `To` (number or email), or undefined.
 * Twilio forgets a verification once approved, canceled, expired or out of check attempts.
 */
export function findPending(ctx: TwilioContext, account: string, service: string, sidOrTo: string, now: number): VerificationRow | undefined {
  const row = (
    VE_SID.test(sidOrTo)
      ? ctx.verify.getVerification.get(account, service, sidOrTo)
      : ctx.verify.latestForTo.get(account, service, sidOrTo.includes('@') ? sidOrTo : normalizeNumber(sidOrTo))
  ) as VerificationRow | undefined;
  return row && effectiveStatus(row, now) === 'pending' ? row : undefined;
}

/** GET /verify/v2/Services/{ServiceSid}/Verifications/{Sid} (Sid may be the To) */
export function FetchVerification(
  ctx: TwilioContext,
  account: string,
  serviceSid: string,
  sid: string,
): { verification: VerificationRow; attempts: AttemptRow[] } {
  const path = `/Services/${serviceSid}/Verifications/${sid}`;
  requireService(ctx, account, serviceSid, path);
  const v = findPending(ctx, account, serviceSid, sid, ctx.clock.now(account));
  if (!v) throw verifyErrors.notFound(path);
  return { verification: v, attempts: ctx.verify.attemptsOf.all(v.sid) as AttemptRow[] };
}
