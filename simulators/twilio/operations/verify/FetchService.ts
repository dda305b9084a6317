import type { TwilioContext } from '../../context.js';
import { verifyErrors } from '../../errors-verify.js';
import type { VerifyServiceRow } from '../../store-verify.js';

/** The service, or Twilio's 20404 naming `path` (relative to /v2). */
export function requireService(ctx: TwilioContext, account: string, sid: string, path: string): VerifyServiceRow {
  const row = ctx.verify.getService.get(account, sid) as VerifyServiceRow | undefined;
  if (!row) throw verifyErrors.notFound(path);
  return row;
}

/** GET /verify/v2/Services/{Sid} */
export function FetchService(ctx: TwilioContext, account: string, sid: string): VerifyServiceRow {
  return requireService(ctx, account, sid, `/Services/${sid}`);
}
