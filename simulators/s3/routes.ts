import type { RouteDef, SimRequest, SimResponse } from '../../src/core/index.js';

export type Handler = (req: SimRequest, tenant: string | undefined) => Promise<SimResponse> | SimResponse;

/** S3 operations served by the simulator (storage arrives with its issue). */
export const routes: RouteDef<Handler>[] = [];
