import { header, type Headers } from '../../src/core/index.js';
import { errors } from './errors.js';
import type { TwilioContext } from './context.js';

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const KEY_SID = /^SK[0-9a-fA-F]{32}$/;

/**
 * HTTP Basic with AccountSid:AuthToken, or SKxxx:secret with the AccountSid in the path (or, on
 * paths without one, a key already bound to its account).
 * Unknown accounts are met on first use: the first token seen becomes theirs (trust on first
 * use); a later request with another token is refused with 20003, as Twilio would.
 * Resolves to the authenticated AccountSid.
 */
export async function authenticate(ctx: TwilioContext, headers: Headers, pathAccount: string | undefined): Promise<string> {
  const auth = header(headers, 'authorization');
  if (!auth) throw errors.noCredentials();
  const cached = ctx.authCache.get(auth);
  if (cached !== undefined && (!pathAccount || cached.key === undefined || cached.account === pathAccount)) {
    return cached.account;
  }
  const m = /^Basic\s+(\S+)\s*$/i.exec(auth);
  if (!m) throw errors.noCredentials();
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw errors.invalidUsername();
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  if (!pass) throw errors.invalidUsername();

  let account: string;
  let key: string | undefined;
  if (ACCOUNT_SID.test(user)) {
    account = user;
    const token = await ctx.accounts.tokenFor(account, pass);
    if (token !== pass) throw errors.invalidPassword();
  } else if (KEY_SID.test(user) && !pathAccount) {
    // Products without the AccountSid in the path (Verify, Lookup): only a key already bound works.
    const known = ctx.accounts.knownKey(user);
    if (!known) throw errors.invalidUsername();
    if (known.secret !== pass) throw errors.invalidPassword();
    account = known.account;
    key = user;
  } else if (KEY_SID.test(user)) {
    if (!pathAccount || !ACCOUNT_SID.test(pathAccount)) throw errors.invalidUsername();
    const bound = await ctx.accounts.keyFor(user, pass, pathAccount);
    if (bound.secret !== pass || bound.account !== pathAccount) throw errors.invalidPassword();
    account = pathAccount;
    key = user;
  } else {
    throw errors.invalidUsername();
  }
  if (ctx.authCache.size > 10000) ctx.authCache.clear();
  ctx.authCache.set(auth, { account, key });
  return account;
}
