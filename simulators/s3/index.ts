import { RouteTable, type Simulator, type SimRequest, type SimResponse } from '../../src/core/index.js';
import { accessKeyOf } from './auth.js';
import { errors } from './errors.js';
import { routes, type Handler } from './routes.js';

/** S3, path-style at the root: answers in S3's XML error format. */
export class S3Simulator implements Simulator {
  readonly provider = 's3' as const;
  private readonly table = new RouteTable<Handler>(routes);

  async handle(req: SimRequest): Promise<SimResponse> {
    const tenant = accessKeyOf(req.headers, req.query);
    const { found } = this.table.match(req.method, req.path);
    if (!found) return errors.notImplemented().toResponse({ tenant, unmatched: true }, req.method);
    const res = await found.route.handler(req, tenant);
    res.meta = { operation: found.route.operation, tenant };
    return res;
  }

  reset(): void {
    // no S3 records are kept yet
  }

  tenants(): { tenant: string; created: string }[] {
    return [];
  }
}
