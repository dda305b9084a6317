import { json, type RouteDef } from '../../src/core/index.js';
import { CreateService } from './operations/verify/CreateService.js';
import { CreateVerification } from './operations/verify/CreateVerification.js';
import { CreateVerificationCheck } from './operations/verify/CreateVerificationCheck.js';
import { FetchService } from './operations/verify/FetchService.js';
import { FetchVerification } from './operations/verify/FetchVerification.js';
import { ListService } from './operations/verify/ListService.js';
import { UpdateVerification } from './operations/verify/UpdateVerification.js';
import type { Handler } from './routes.js';
import { serializeCheck, serializeService, serializeVerification, v2List, verifyBase } from './serializers-verify.js';

const S = '/verify/v2/Services';

/** Verify v2 (verify.twilio.com, served under /verify). */
export const verifyRoutes: RouteDef<Handler>[] = [
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
      const p = ListService(ctx, c.account, c.query);
      return json(
        200,
        v2List(
          p.rows.map((r) => serializeService(r, ctx.publicUrl)),
          { url: `${verifyBase(ctx.publicUrl)}/Services`, key: 'services', ...p },
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
    pattern: `${S}/:ServiceSid/Verifications`,
    operation: 'CreateVerification',
    handler: async (ctx, c) => {
      const r = await CreateVerification(ctx, c.account, c.params.ServiceSid, await c.form());
      return json(201, serializeVerification(r.verification, r.attempts, ctx.clock.now(c.account), ctx.publicUrl));
    },
  },
  {
    method: 'GET',
    pattern: `${S}/:ServiceSid/Verifications/:Sid`,
    operation: 'FetchVerification',
    handler: (ctx, c) => {
      const r = FetchVerification(ctx, c.account, c.params.ServiceSid, c.params.Sid);
      return json(200, serializeVerification(r.verification, r.attempts, ctx.clock.now(c.account), ctx.publicUrl));
    },
  },
  {
    method: 'POST',
    pattern: `${S}/:ServiceSid/Verifications/:Sid`,
    operation: 'UpdateVerification',
    handler: async (ctx, c) => {
      const r = await UpdateVerification(ctx, c.account, c.params.ServiceSid, c.params.Sid, await c.form());
      return json(200, serializeVerification(r.verification, r.attempts, ctx.clock.now(c.account), ctx.publicUrl));
    },
  },
  {
    method: 'POST',
    pattern: `${S}/:ServiceSid/VerificationCheck`,
    operation: 'CreateVerificationCheck',
    handler: async (ctx, c) => {
      const v = await CreateVerificationCheck(ctx, c.account, c.params.ServiceSid, await c.form());
      return json(200, serializeCheck(v, ctx.clock.now(c.account)));
    },
  },
];
