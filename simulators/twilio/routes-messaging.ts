import { empty, json, type RouteDef } from '../../src/core/index.js';
import { CreatePhoneNumber, DeletePhoneNumber, FetchPhoneNumber, ListPhoneNumber } from './operations/messaging/PhoneNumber.js';
import { CreateService, DeleteService, FetchService, ListService, UpdateService } from './operations/messaging/Service.js';
import { nextToken, previousToken, readPaging } from './paging.js';
import type { Handler } from './routes.js';
import { messagingBase, serializeService, serializeServiceNumber } from './serializers-messaging.js';
import { v2List } from './serializers-verify.js';

const S = '/messaging/v1/Services';

/** Messaging Services v1 (messaging.twilio.com, served under /messaging). */
export const messagingRoutes: RouteDef<Handler>[] = [
  {
    method: 'POST',
    pattern: S,
    operation: 'CreateService',
    handler: async (ctx, c) => json(201, serializeService(await CreateService(ctx, c.account, await c.form()), ctx.publicUrl)),
  },
  {
    method: 'GET',
    pattern: S,
    operation: 'ListService',
    handler: (ctx, c) => {
      const p = readPaging(c.query);
      const r = ListService(ctx, c.account, p.pageSize, p.page);
      return json(
        200,
        v2List(
          r.rows.map((s) => serializeService(s, ctx.publicUrl)),
          {
            url: `${messagingBase(ctx.publicUrl)}/Services`,
            key: 'services',
            page: p.page,
            pageSize: p.pageSize,
            nextToken: r.more ? nextToken(p.page + 1) : null,
            previousToken: p.page > 0 ? previousToken(p.page - 1) : null,
          },
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: `${S}/:Sid`,
    operation: 'FetchService',
    handler: (ctx, c) => json(200, serializeService(FetchService(ctx, c.account, c.params.Sid), ctx.publicUrl)),
  },
  {
    method: 'POST',
    pattern: `${S}/:Sid`,
    operation: 'UpdateService',
    handler: async (ctx, c) => json(200, serializeService(await UpdateService(ctx, c.account, c.params.Sid, await c.form()), ctx.publicUrl)),
  },
  {
    method: 'DELETE',
    pattern: `${S}/:Sid`,
    operation: 'DeleteService',
    handler: async (ctx, c) => {
      await DeleteService(ctx, c.account, c.params.Sid);
      return empty(204);
    },
  },
  {
    method: 'POST',
    pattern: `${S}/:ServiceSid/PhoneNumbers`,
    operation: 'CreatePhoneNumber',
    handler: async (ctx, c) =>
      json(201, serializeServiceNumber(await CreatePhoneNumber(ctx, c.account, c.params.ServiceSid, await c.form()), ctx.publicUrl)),
  },
  {
    method: 'GET',
    pattern: `${S}/:ServiceSid/PhoneNumbers`,
    operation: 'ListPhoneNumber',
    handler: (ctx, c) => {
      const p = readPaging(c.query);
      const r = ListPhoneNumber(ctx, c.account, c.params.ServiceSid, p.pageSize, p.page);
      return json(
        200,
        v2List(
          r.rows.map((n) => serializeServiceNumber(n, ctx.publicUrl)),
          {
            url: `${messagingBase(ctx.publicUrl)}/Services/${c.params.ServiceSid}/PhoneNumbers`,
            key: 'phone_numbers',
            page: p.page,
            pageSize: p.pageSize,
            nextToken: r.more ? nextToken(p.page + 1) : null,
            previousToken: p.page > 0 ? previousToken(p.page - 1) : null,
          },
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: `${S}/:ServiceSid/PhoneNumbers/:Sid`,
    operation: 'FetchPhoneNumber',
    handler: (ctx, c) => json(200, serializeServiceNumber(FetchPhoneNumber(ctx, c.account, c.params.ServiceSid, c.params.Sid), ctx.publicUrl)),
  },
  {
    method: 'DELETE',
    pattern: `${S}/:ServiceSid/PhoneNumbers/:Sid`,
    operation: 'DeletePhoneNumber',
    handler: async (ctx, c) => {
      await DeletePhoneNumber(ctx, c.account, c.params.ServiceSid, c.params.Sid);
      return empty(204);
    },
  },
];
