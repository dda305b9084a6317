import { json, type RouteDef } from '../../src/core/index.js';
import { FetchPhoneNumber } from './operations/lookups/FetchPhoneNumber.js';
import type { Handler } from './routes.js';

/** Lookup v2 (lookups.twilio.com, served under /lookups). The raw `+` of the number stays in the path. */
export const lookupsRoutes: RouteDef<Handler>[] = [
  {
    method: 'GET',
    pattern: '/lookups/v2/PhoneNumbers/:PhoneNumber',
    operation: 'FetchPhoneNumber',
    handler: async (ctx, c) => json(200, await FetchPhoneNumber(ctx, c.params.PhoneNumber, c.query)),
  },
];
