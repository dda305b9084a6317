import { empty, json, type RouteDef } from '../../src/core/index.js';
import {
  AddSuppressionToAsmGroup,
  CreatAsmGroup,
  CreateGlobalSuppression,
  DeleteAsmGroup,
  DeleteGlobalSuppression,
  DeleteSuppression,
  DeleteSuppressionFromAsmGroup,
  DeleteSuppressions,
  GetAsmGroup,
  GetGlobalSuppression,
  GetSuppression,
  ListAsmGroup,
  ListAsmSuppression,
  ListSuppressionFromAsmGroup,
  ListSuppressions,
  UpdateAsmGroup,
  type SuppressionList,
} from './operations/suppressions.js';
import { GetMessage, ListMessage } from './operations/activity.js';
import { GetStats } from './operations/stats.js';
import {
  CreateEventWebhook,
  DeleteEventWebhook,
  GetEventWebhook,
  GetEventWebhookSettings,
  GetSignedEventWebhook,
  ListEventWebhook,
  MAX_WEBHOOKS,
  TestEventWebhook,
  UpdateEventWebhook,
  UpdateEventWebhookSettings,
  UpdateSignedEventWebhook,
} from './operations/webhooks.js';
import { objectBody, type Handler } from './routes.js';
import { serializeGroup, serializeLegacyWebhook, serializeSuppression, serializeWebhook } from './serializers.js';

const signedBody = (w: { signed: number; public_key: string | null }) => (w.signed === 1 ? (w.public_key ?? '') : '');

/** Suppression list operations, named after SendGrid's operationIds per list. */
const LIST_OPS: Record<SuppressionList, { list: string; get?: string; deleteMany?: string; deleteOne?: string }> = {
  bounces: { list: 'ListSuppressionBounces', get: 'GetSuppressionBounces', deleteMany: 'DeleteSuppressionBounces', deleteOne: 'DeleteSuppressionBounce' },
  blocks: { list: 'ListSuppressionBlock', get: 'GetSuppressionBlock', deleteMany: 'DeleteSuppressionBlocks', deleteOne: 'DeleteSuppressionBlock' },
  spam_reports: { list: 'ListSpamReport', get: 'GetSpamReport', deleteMany: 'DeleteSpamReports', deleteOne: 'DeleteSpamReport' },
  invalid_emails: { list: 'ListInvalidEmail', get: 'GetInvalidEmail', deleteMany: 'DeleteInvalidEmails', deleteOne: 'DeleteInvalidEmail' },
  unsubscribes: { list: 'ListGlobalSuppression' },
};

function suppressionRoutes(): RouteDef<Handler>[] {
  const out: RouteDef<Handler>[] = [];
  for (const [list, ops] of Object.entries(LIST_OPS) as [SuppressionList, (typeof LIST_OPS)[SuppressionList]][]) {
    const base = `/v3/suppression/${list}`;
    out.push({
      method: 'GET',
      pattern: base,
      operation: ops.list,
      handler: (ctx, c) => json(200, ListSuppressions(ctx, c.tenant, list, c.query).map((r) => serializeSuppression(list, r))),
    });
    if (ops.deleteMany) {
      out.push({
        method: 'DELETE',
        pattern: base,
        operation: ops.deleteMany,
        handler: async (ctx, c) => {
          await DeleteSuppressions(ctx, c.tenant, list, await objectBody(c));
          return empty(204);
        },
      });
    }
    if (ops.get) {
      out.push({
        method: 'GET',
        pattern: `${base}/:email`,
        operation: ops.get,
        handler: (ctx, c) => json(200, GetSuppression(ctx, c.tenant, list, c.params.email).map((r) => serializeSuppression(list, r))),
      });
    }
    if (ops.deleteOne) {
      out.push({
        method: 'DELETE',
        pattern: `${base}/:email`,
        operation: ops.deleteOne,
        handler: async (ctx, c) => {
          await DeleteSuppression(ctx, c.tenant, list, c.params.email);
          return empty(204);
        },
      });
    }
  }
  return out;
}

export const eventRoutes: RouteDef<Handler>[] = [
  // Event Webhook settings
  {
    method: 'GET',
    pattern: '/v3/user/webhooks/event/settings',
    operation: 'GetEventWebhookSettings',
    handler: (ctx, c) => json(200, serializeLegacyWebhook(GetEventWebhookSettings(ctx, c.tenant))),
  },
  {
    method: 'PATCH',
    pattern: '/v3/user/webhooks/event/settings',
    operation: 'UpdateEventWebhookSettings',
    handler: async (ctx, c) => json(200, serializeLegacyWebhook(await UpdateEventWebhookSettings(ctx, c.tenant, await objectBody(c)))),
  },
  {
    method: 'POST',
    pattern: '/v3/user/webhooks/event/settings',
    operation: 'CreateEventWebhook',
    handler: async (ctx, c) => json(201, serializeWebhook(await CreateEventWebhook(ctx, c.tenant, await objectBody(c)), { dates: true, publicKey: false })),
  },
  {
    method: 'GET',
    pattern: '/v3/user/webhooks/event/settings/all',
    operation: 'ListEventWebhook',
    handler: (ctx, c) =>
      json(200, { max_allowed: MAX_WEBHOOKS, webhooks: ListEventWebhook(ctx, c.tenant).map((w) => serializeWebhook(w, { dates: true, publicKey: true })) }),
  },
  {
    method: 'GET',
    pattern: '/v3/user/webhooks/event/settings/signed',
    operation: 'GetSignedEventWebhookSettings',
    handler: (ctx, c) => {
      const w = GetSignedEventWebhook(ctx, c.tenant);
      return json(200, { public_key: w ? signedBody(w) : '' });
    },
  },
  {
    method: 'PATCH',
    pattern: '/v3/user/webhooks/event/settings/signed',
    operation: 'UpdateSignedEventWebhookSettings',
    handler: async (ctx, c) => json(200, { public_key: signedBody(await UpdateSignedEventWebhook(ctx, c.tenant, undefined, await objectBody(c))) }),
  },
  {
    method: 'GET',
    pattern: '/v3/user/webhooks/event/settings/signed/:id',
    operation: 'GetSignedEventWebhook',
    handler: (ctx, c) => {
      const w = GetSignedEventWebhook(ctx, c.tenant, c.params.id)!;
      return json(200, { id: w.id, public_key: signedBody(w) });
    },
  },
  {
    method: 'PATCH',
    pattern: '/v3/user/webhooks/event/settings/signed/:id',
    operation: 'UpdateSignedEventWebhook',
    handler: async (ctx, c) => {
      const w = await UpdateSignedEventWebhook(ctx, c.tenant, c.params.id, await objectBody(c));
      return json(200, { id: w.id, public_key: signedBody(w) });
    },
  },
  {
    method: 'GET',
    pattern: '/v3/user/webhooks/event/settings/:id',
    operation: 'GetEventWebhook',
    handler: (ctx, c) => json(200, serializeWebhook(GetEventWebhook(ctx, c.tenant, c.params.id), { dates: false, publicKey: true })),
  },
  {
    method: 'PATCH',
    pattern: '/v3/user/webhooks/event/settings/:id',
    operation: 'UpdateEventWebhook',
    handler: async (ctx, c) =>
      json(200, serializeWebhook(await UpdateEventWebhook(ctx, c.tenant, c.params.id, await objectBody(c)), { dates: true, publicKey: false })),
  },
  {
    method: 'DELETE',
    pattern: '/v3/user/webhooks/event/settings/:id',
    operation: 'DeleteEventWebhook',
    handler: async (ctx, c) => {
      await DeleteEventWebhook(ctx, c.tenant, c.params.id);
      return empty(204);
    },
  },
  {
    method: 'POST',
    pattern: '/v3/user/webhooks/event/test',
    operation: 'TestEventWebhook',
    handler: async (ctx, c) => {
      await TestEventWebhook(ctx, c.tenant, await objectBody(c));
      return empty(204);
    },
  },

  // Suppressions
  ...suppressionRoutes(),
  {
    method: 'POST',
    pattern: '/v3/asm/suppressions/global',
    operation: 'CreateGlobalSuppression',
    handler: async (ctx, c) => json(201, { recipient_emails: await CreateGlobalSuppression(ctx, c.tenant, await objectBody(c)) }),
  },
  {
    method: 'GET',
    pattern: '/v3/asm/suppressions/global/:email',
    operation: 'GetGlobalSuppression',
    handler: (ctx, c) => json(200, GetGlobalSuppression(ctx, c.tenant, c.params.email)),
  },
  {
    method: 'DELETE',
    pattern: '/v3/asm/suppressions/global/:email',
    operation: 'DeleteGlobalSuppression',
    handler: async (ctx, c) => {
      await DeleteGlobalSuppression(ctx, c.tenant, c.params.email);
      return empty(204);
    },
  },
  {
    method: 'GET',
    pattern: '/v3/asm/suppressions',
    operation: 'ListAsmSuppression',
    handler: (ctx, c) => json(200, ListAsmSuppression(ctx, c.tenant)),
  },
  {
    method: 'POST',
    pattern: '/v3/asm/groups',
    operation: 'CreatAsmGroup',
    handler: async (ctx, c) => json(201, serializeGroup(await CreatAsmGroup(ctx, c.tenant, await objectBody(c)), false)),
  },
  {
    method: 'GET',
    pattern: '/v3/asm/groups',
    operation: 'ListAsmGroup',
    handler: (ctx, c) => json(200, ListAsmGroup(ctx, c.tenant, c.query).map((g) => serializeGroup(g))),
  },
  {
    method: 'GET',
    pattern: '/v3/asm/groups/:groupId',
    operation: 'GetAsmGroup',
    handler: (ctx, c) => json(200, serializeGroup(GetAsmGroup(ctx, c.tenant, c.params.groupId))),
  },
  {
    method: 'PATCH',
    pattern: '/v3/asm/groups/:groupId',
    operation: 'UpdateAsmGroup',
    handler: async (ctx, c) => json(201, serializeGroup(await UpdateAsmGroup(ctx, c.tenant, c.params.groupId, await objectBody(c)))),
  },
  {
    method: 'DELETE',
    pattern: '/v3/asm/groups/:groupId',
    operation: 'DeleteAsmGroup',
    handler: async (ctx, c) => {
      await DeleteAsmGroup(ctx, c.tenant, c.params.groupId);
      return empty(204);
    },
  },
  {
    method: 'GET',
    pattern: '/v3/asm/groups/:groupId/suppressions',
    operation: 'ListSuppressionFromAsmGroup',
    handler: (ctx, c) => json(200, ListSuppressionFromAsmGroup(ctx, c.tenant, c.params.groupId)),
  },
  {
    method: 'POST',
    pattern: '/v3/asm/groups/:groupId/suppressions',
    operation: 'AddSuppressionToAsmGroup',
    handler: async (ctx, c) =>
      json(201, { recipient_emails: await AddSuppressionToAsmGroup(ctx, c.tenant, c.params.groupId, await objectBody(c)) }),
  },
  {
    method: 'DELETE',
    pattern: '/v3/asm/groups/:groupId/suppressions/:email',
    operation: 'DeleteSuppressionFromAsmGroup',
    handler: async (ctx, c) => {
      await DeleteSuppressionFromAsmGroup(ctx, c.tenant, c.params.groupId, c.params.email);
      return empty(204);
    },
  },

  // Email Activity and stats
  {
    method: 'GET',
    pattern: '/v3/messages',
    operation: 'ListMessage',
    handler: (ctx, c) => json(200, { messages: ListMessage(ctx, c.tenant, c.query) }),
  },
  {
    method: 'GET',
    pattern: '/v3/messages/:msgId',
    operation: 'GetMessage',
    handler: (ctx, c) => json(200, GetMessage(ctx, c.tenant, c.params.msgId)),
  },
  {
    method: 'GET',
    pattern: '/v3/stats',
    operation: 'GetStats',
    handler: (ctx, c) => json(200, GetStats(ctx, c.tenant, c.query)),
  },
];
