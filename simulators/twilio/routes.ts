import { empty, json, parseForm, type FormValues, type RouteDef, type SimRequest, type SimResponse } from '../../src/core/index.js';
import { BodyTooLargeError } from '../../src/core/index.js';
import type { TwilioContext } from './context.js';
import { errors } from './errors.js';
import { CreateMessage } from './operations/CreateMessage.js';
import { DeleteMessage } from './operations/DeleteMessage.js';
import { FetchAccount } from './operations/FetchAccount.js';
import { FetchMessage } from './operations/FetchMessage.js';
import { ListMessage } from './operations/ListMessage.js';
import { DeleteMedia, FetchMedia, ListMedia } from './operations/media.js';
import { UpdateMessage } from './operations/UpdateMessage.js';
import { pageTokens } from './paging.js';
import { lookupsRoutes } from './routes-lookups.js';
import { numbersRoutes } from './routes-numbers.js';
import { messagingRoutes } from './routes-messaging.js';
import { verifyRoutes } from './routes-verify.js';
import { voiceRoutes } from './routes-voice.js';
import { listResponse, serializeAccount, serializeMedia, serializeMessage } from './serializers.js';

export interface Call {
  req: SimRequest;
  account: string;
  params: Record<string, string>;
  query: FormValues;
  /** The urlencoded body, read on demand. */
  form(): Promise<FormValues>;
}

export type Handler = (ctx: TwilioContext, call: Call) => Promise<SimResponse> | SimResponse;

const ACC = '/2010-04-01/Accounts/:AccountSid';

export const routes: RouteDef<Handler>[] = [
  {
    method: 'GET',
    pattern: '/2010-04-01/Accounts/:Sid.json',
    operation: 'FetchAccount',
    handler: (ctx, c) => json(200, serializeAccount(FetchAccount(ctx, c.account))),
  },
  {
    method: 'POST',
    pattern: `${ACC}/Messages.json`,
    operation: 'CreateMessage',
    handler: async (ctx, c) => {
      const { message } = await CreateMessage(ctx, c.account, await c.form());
      return json(201, serializeMessage(message));
    },
  },
  {
    method: 'GET',
    pattern: `${ACC}/Messages.json`,
    operation: 'ListMessage',
    handler: (ctx, c) => listResponse('messages', `/2010-04-01/Accounts/${c.account}/Messages.json`, ListMessage(ctx, c.account, c.query), serializeMessage),
  },
  {
    method: 'GET',
    pattern: `${ACC}/Messages/:Sid.json`,
    operation: 'FetchMessage',
    handler: (ctx, c) => json(200, serializeMessage(FetchMessage(ctx, c.account, c.params.Sid))),
  },
  {
    method: 'POST',
    pattern: `${ACC}/Messages/:Sid.json`,
    operation: 'UpdateMessage',
    handler: async (ctx, c) => json(200, serializeMessage(await UpdateMessage(ctx, c.account, c.params.Sid, await c.form()))),
  },
  {
    method: 'DELETE',
    pattern: `${ACC}/Messages/:Sid.json`,
    operation: 'DeleteMessage',
    handler: async (ctx, c) => {
      await DeleteMessage(ctx, c.account, c.params.Sid);
      return empty(204);
    },
  },
  {
    method: 'GET',
    pattern: `${ACC}/Messages/:MessageSid/Media.json`,
    operation: 'ListMedia',
    handler: (ctx, c) => {
      const p = ListMedia(ctx, c.account, c.params.MessageSid, c.query);
      const path = `/2010-04-01/Accounts/${c.account}/Messages/${c.params.MessageSid}/Media.json`;
      return listResponse('media_list', path, { ...p, filters: [], ...pageTokens(p.page, p.more) }, serializeMedia);
    },
  },
  {
    method: 'GET',
    pattern: `${ACC}/Messages/:MessageSid/Media/:Sid.json`,
    operation: 'FetchMedia',
    handler: (ctx, c) => json(200, serializeMedia(FetchMedia(ctx, c.account, c.params.MessageSid, c.params.Sid))),
  },
  {
    method: 'DELETE',
    pattern: `${ACC}/Messages/:MessageSid/Media/:Sid.json`,
    operation: 'DeleteMedia',
    handler: async (ctx, c) => {
      await DeleteMedia(ctx, c.account, c.params.MessageSid, c.params.Sid);
      return empty(204);
    },
  },
  ...numbersRoutes,
  ...messagingRoutes,
  ...verifyRoutes,
  ...lookupsRoutes,
  ...voiceRoutes,
];

/** Reads an urlencoded body within the configured limit. */
export async function readForm(req: SimRequest, limit: number): Promise<FormValues> {
  let buf: Buffer;
  try {
    buf = await req.body.bytes(limit);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw errors.tooLarge(limit);
    throw e;
  }
  return parseForm(buf.toString('utf8'));
}
