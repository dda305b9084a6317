import { type FormValues } from '../../../src/core/index.js';
import type { TwilioContext } from '../context.js';
import { errors } from '../errors.js';
import { readPaging } from '../paging.js';
import type { MediaRow, MessageRow } from '../store.js';

const mediaUri = (account: string, message: string, sid?: string) =>
  `/2010-04-01/Accounts/${account}/Messages/${message}/Media${sid ? '/' + sid : ''}.json`;

function requireMessage(ctx: TwilioContext, account: string, message: string, path: string): void {
  const m = ctx.store.getMessage.get(account, message) as MessageRow | undefined;
  if (!m) throw errors.notFound(path);
}

/** GET .../Messages/{MessageSid}/Media.json */
export function ListMedia(ctx: TwilioContext, account: string, message: string, q: FormValues) {
  requireMessage(ctx, account, message, mediaUri(account, message));
  const p = readPaging(q);
  const rows = ctx.store.listMedia.all(account, message, p.pageSize + 1, p.page * p.pageSize) as MediaRow[];
  const more = rows.length > p.pageSize;
  return { rows: rows.slice(0, p.pageSize), page: p.page, pageSize: p.pageSize, more };
}

/** GET .../Messages/{MessageSid}/Media/{Sid}.json */
export function FetchMedia(ctx: TwilioContext, account: string, message: string, sid: string): MediaRow {
  const row = ctx.store.getMedia.get(account, message, sid) as MediaRow | undefined;
  if (!row) throw errors.notFound(mediaUri(account, message, sid));
  return row;
}

/** DELETE .../Messages/{MessageSid}/Media/{Sid}.json */
export async function DeleteMedia(ctx: TwilioContext, account: string, message: string, sid: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.write(() => {
    if (ctx.store.deleteMedia.run(account, message, sid).changes === 0) {
      throw errors.notFound(mediaUri(account, message, sid));
    }
    const left = ctx.store.countMediaOfMessage.get(account, message) as number;
    ctx.store.setNumMedia.run(left, now, account, message);
  });
  ctx.bus.emit({
    provider: 'twilio',
    type: 'twilio.media.deleted',
    tenant: account,
    id: sid,
    summary: `media of ${message} deleted`,
    time: new Date(now).toISOString(),
  });
}
