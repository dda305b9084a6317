import { RouteTable, type Simulator, type SimRequest, type SimResponse } from '../../src/core/index.js';
import { tenantOf } from './auth.js';
import { errors } from './errors.js';
import { routes, type Handler } from './routes.js';

/** SendGrid v3 at /v3/... : answers in SendGrid's own error format. */
export class SendGridSimulator implements Simulator {
  readonly provider = 'sendgrid' as const;
  private readonly table = new RouteTable<Handler>(routes);

  async handle(req: SimRequest): Promise<SimResponse> {
    const tenant = tenantOf(req.headers);
    const { found } = this.table.match(req.method, req.path);
    if (!found) return errors.notFound().toResponse({ tenant, unmatched: true });
    if (!tenant) return errors.authRequired().toResponse({ operation: found.route.operation });
    const res = await found.route.handler(req, tenant);
    res.meta = { operation: found.route.operation, tenant };
    return res;
  }

  reset(): void {
    // no SendGrid records are kept yet
  }

  tenants(): { tenant: string; created: string }[] {
    return [];
  }
}
