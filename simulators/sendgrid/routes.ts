import type { RouteDef, SimRequest, SimResponse } from '../../src/core/index.js';

export type Handler = (req: SimRequest, tenant: string) => Promise<SimResponse> | SimResponse;

/** Operations of SendGrid v3 served by the simulator (mail send arrives with its issue). */
export const routes: RouteDef<Handler>[] = [];
