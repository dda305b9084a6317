import { BodyTooLargeError, empty, json, type RouteDef, type SimRequest, type SimResponse } from '../../src/core/index.js';
import type { SendGridContext } from './context.js';
import { errors } from './errors.js';
import {
  CreateMailBatch,
  CreateScheduledSend,
  DeleteScheduledSend,
  GetMailBatch,
  GetScheduledSend,
  ListScheduledSend,
  UpdateScheduledSend,
} from './operations/batches.js';
import { SendMail } from './operations/SendMail.js';
import {
  CreateTemplate,
  DeleteTemplate,
  DuplicateTemplate,
  GetTemplate,
  ListTemplate,
  UpdateTemplate,
  type TemplateWithVersions,
} from './operations/templates.js';
import {
  ActivateTemplateVersion,
  CreateTemplateVersion,
  DeleteTemplateVersion,
  GetTemplateVersion,
  UpdateTemplateVersion,
} from './operations/versions.js';
import { serializeScheduledSend, serializeTemplate, serializeVersion } from './serializers.js';

export interface Call {
  req: SimRequest;
  tenant: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body, read on demand (`undefined` when empty). */
  body(): Promise<unknown>;
}

export type Handler = (ctx: SendGridContext, call: Call) => Promise<SimResponse> | SimResponse;

type Obj = Record<string, unknown>;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a JSON body within the limit: 413 past it, 415 for invalid UTF-8, 400 when it does not parse. */
export async function readJson(req: SimRequest, limit: number): Promise<unknown> {
  let buf: Buffer;
  try {
    buf = await req.body.bytes(limit);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw errors.tooLarge();
    throw e;
  }
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    throw errors.invalidUtf8();
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw errors.invalidJson();
  }
}

/** A JSON object body, or 400 for anything else. */
export async function objectBody(c: Call, optional = false): Promise<Obj> {
  const b = await c.body();
  if (b === undefined && optional) return {};
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw errors.badRequest();
  return b as Obj;
}

const template = (t: TemplateWithVersions) => serializeTemplate(t.template, t.versions);

export const routes: RouteDef<Handler>[] = [
  {
    method: 'POST',
    pattern: '/v3/mail/send',
    operation: 'SendMail',
    handler: async (ctx, c) => {
      const body = await c.body();
      if (body === undefined) throw errors.badRequest();
      const r = await SendMail(ctx, c.tenant, body);
      if (r.sandbox) return empty(200, undefined, { 'content-length': '0' });
      return empty(202, undefined, { 'content-length': '0', 'x-message-id': r.xMessageId! });
    },
  },
  {
    method: 'POST',
    pattern: '/v3/mail/batch',
    operation: 'CreateMailBatch',
    handler: async (ctx, c) => json(201, { batch_id: await CreateMailBatch(ctx, c.tenant) }),
  },
  {
    method: 'GET',
    pattern: '/v3/mail/batch/:batchId',
    operation: 'GetMailBatch',
    handler: (ctx, c) => json(200, { batch_id: GetMailBatch(ctx, c.tenant, c.params.batchId) }),
  },
  {
    method: 'POST',
    pattern: '/v3/user/scheduled_sends',
    operation: 'CreateScheduledSend',
    handler: async (ctx, c) => json(201, serializeScheduledSend(await CreateScheduledSend(ctx, c.tenant, await objectBody(c)))),
  },
  {
    method: 'GET',
    pattern: '/v3/user/scheduled_sends',
    operation: 'ListScheduledSend',
    handler: (ctx, c) => json(200, ListScheduledSend(ctx, c.tenant).map(serializeScheduledSend)),
  },
  {
    method: 'GET',
    pattern: '/v3/user/scheduled_sends/:batchId',
    operation: 'GetScheduledSend',
    handler: (ctx, c) => json(200, GetScheduledSend(ctx, c.tenant, c.params.batchId).map(serializeScheduledSend)),
  },
  {
    method: 'PATCH',
    pattern: '/v3/user/scheduled_sends/:batchId',
    operation: 'UpdateScheduledSend',
    handler: async (ctx, c) => {
      await UpdateScheduledSend(ctx, c.tenant, c.params.batchId, await objectBody(c));
      return empty(204);
    },
  },
  {
    method: 'DELETE',
    pattern: '/v3/user/scheduled_sends/:batchId',
    operation: 'DeleteScheduledSend',
    handler: async (ctx, c) => {
      await DeleteScheduledSend(ctx, c.tenant, c.params.batchId);
      return empty(204);
    },
  },
  {
    method: 'POST',
    pattern: '/v3/templates',
    operation: 'CreateTemplate',
    handler: async (ctx, c) => json(201, template(await CreateTemplate(ctx, c.tenant, await objectBody(c)))),
  },
  {
    method: 'GET',
    pattern: '/v3/templates',
    operation: 'ListTemplate',
    handler: (ctx, c) => {
      const p = ListTemplate(ctx, c.tenant, c.query);
      const self = `${ctx.publicUrl}/v3/templates`;
      const qs = (token?: string) => {
        const q = new URLSearchParams(c.query);
        q.delete('page_token');
        if (token) q.set('page_token', token);
        const s = q.toString();
        return s ? `${self}?${s}` : self;
      };
      const meta: Record<string, unknown> = { self: qs(c.query.get('page_token') ?? undefined), count: p.items.length };
      if (p.nextToken) meta.next = qs(p.nextToken);
      return json(200, { result: p.items.map(template), _metadata: meta });
    },
  },
  {
    method: 'GET',
    pattern: '/v3/templates/:templateId',
    operation: 'GetTemplate',
    handler: (ctx, c) => json(200, template(GetTemplate(ctx, c.tenant, c.params.templateId))),
  },
  {
    method: 'POST',
    pattern: '/v3/templates/:templateId',
    operation: 'DuplicateTemplate',
    handler: async (ctx, c) => json(201, template(await DuplicateTemplate(ctx, c.tenant, c.params.templateId, await objectBody(c, true)))),
  },
  {
    method: 'PATCH',
    pattern: '/v3/templates/:templateId',
    operation: 'UpdateTemplate',
    handler: async (ctx, c) => json(200, template(await UpdateTemplate(ctx, c.tenant, c.params.templateId, await objectBody(c)))),
  },
  {
    method: 'DELETE',
    pattern: '/v3/templates/:templateId',
    operation: 'DeleteTemplate',
    handler: async (ctx, c) => {
      await DeleteTemplate(ctx, c.tenant, c.params.templateId);
      return empty(204);
    },
  },
  {
    method: 'POST',
    pattern: '/v3/templates/:templateId/versions',
    operation: 'CreateTemplateVersion',
    handler: async (ctx, c) =>
      json(201, serializeVersion(await CreateTemplateVersion(ctx, c.tenant, c.params.templateId, await objectBody(c)))),
  },
  {
    method: 'GET',
    pattern: '/v3/templates/:templateId/versions/:versionId',
    operation: 'GetTemplateVersion',
    handler: (ctx, c) => json(200, serializeVersion(GetTemplateVersion(ctx, c.tenant, c.params.templateId, c.params.versionId))),
  },
  {
    method: 'PATCH',
    pattern: '/v3/templates/:templateId/versions/:versionId',
    operation: 'UpdateTemplateVersion',
    handler: async (ctx, c) =>
      json(200, serializeVersion(await UpdateTemplateVersion(ctx, c.tenant, c.params.templateId, c.params.versionId, await objectBody(c)))),
  },
  {
    method: 'DELETE',
    pattern: '/v3/templates/:templateId/versions/:versionId',
    operation: 'DeleteTemplateVersion',
    handler: async (ctx, c) => {
      await DeleteTemplateVersion(ctx, c.tenant, c.params.templateId, c.params.versionId);
      return empty(204);
    },
  },
  {
    method: 'POST',
    pattern: '/v3/templates/:templateId/versions/:versionId/activate',
    operation: 'ActivateTemplateVersion',
    handler: async (ctx, c) =>
      json(200, serializeVersion(await ActivateTemplateVersion(ctx, c.tenant, c.params.templateId, c.params.versionId))),
  },
];
