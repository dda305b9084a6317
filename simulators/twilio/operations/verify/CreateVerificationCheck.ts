import { first, type FormValues } from '../../../../src/core/index.js';
import type { TwilioContext } from '../../context.js';
import { verifyErrors } from '../../errors-verify.js';
import type { VerificationRow } from '../../store-verify.js';
import { requireService } from './FetchService.js';
import { findPending } from './FetchVerification.js';

/** Wrong codes a verification takes; the next check is refused with 60202. */
export const MAX_CHECKS = 5;

/**
 * POST /verify/v2/Services/{ServiceSid}/VerificationCheck with Code and To or VerificationSid.
 * The right code approves the verification; a wrong one leaves it pending (200 both ways).
 */
export async function CreateVerificationCheck(
  ctx: TwilioContext,
  account: string,
  serviceSid: string,
  form: FormValues,
): Promise<VerificationRow> {
  const path = `/Services/${serviceSid}/VerificationCheck`;
  requireService(ctx, account, serviceSid, path);
  const code = first(form, 'Code');
  if (code === undefined || code === '') throw verifyErrors.missing('Code');
  const verificationSid = first(form, 'VerificationSid') || undefined;
  const to = first(form, 'To') || undefined;
  if (verificationSid === undefined && to === undefined) throw verifyErrors.missing('To');
  if (verificationSid !== undefined && !/^VE[0-9a-fA-F]{32}$/.test(verificationSid)) throw verifyErrors.invalid('VerificationSid');
  const now = ctx.clock.now(account);
  // Outcomes that change state and still answer an error are returned, not thrown, so they commit.
  const outcome = await ctx.db.write((): { v: VerificationRow } | { exhausted: VerificationRow } => {
    const cur = findPending(ctx, account, serviceSid, verificationSid ?? to!, now);
    if (!cur) throw verifyErrors.notFound(path);
    if (cur.check_attempts >= MAX_CHECKS) {
      const v = { ...cur, status: 'max_attempts_reached', date_updated: now };
      ctx.verify.updateVerification.run(v);
      return { exhausted: v };
    }
    const v: VerificationRow =
      code === cur.code
        ? { ...cur, status: 'approved', date_updated: now }
        : { ...cur, check_attempts: cur.check_attempts + 1, date_updated: now };
    ctx.verify.updateVerification.run(v);
    return { v };
  });
  const v = 'v' in outcome ? outcome.v : outcome.exhausted;
  ctx.bus.emit({
    provider: 'twilio',
    type: 'twilio.verification.updated',
    tenant: account,
    id: v.sid,
    summary: 'v' in outcome ? `check: ${v.status}` : 'check: max_attempts_reached',
    time: new Date(now).toISOString(),
  });
  if ('exhausted' in outcome) throw verifyErrors.maxCheckAttempts();
  return v;
}
