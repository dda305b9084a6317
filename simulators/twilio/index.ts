import {
  parseForm,
  RouteTable,
  type Clock,
  type Config,
  type FormValues,
  type InspectCollection,
  type InspectQuery,
  type Simulator,
  type SimRequest,
  type SimResponse,
} from '../../src/core/index.js';
import { loadMigrations, type Database } from '../../src/db/index.js';
import type { EventBus } from '../../src/events/index.js';
import { Accounts } from './accounts.js';
import { authenticate } from './auth.js';
import type { TwilioConfig } from './config.js';
import type { TwilioContext } from './context.js';
import { errors, TwilioError } from './errors.js';
import './events.js';
import { normalizeNumber } from './phone.js';
import { readForm, routes, type Call, type Handler } from './routes.js';
import { serializeMessage } from './serializers.js';
import { TwilioStore, type MediaRow, type MessageRow } from './store.js';

export { twilioConfig } from './config.js';

export interface SimulatorDeps {
  db: Database;
  bus: EventBus;
  clock: Clock;
  config: Config;
}

const PATH_ACCOUNT = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})(?:[/.]|$)/;

export class TwilioSimulator implements Simulator {
  readonly provider = 'twilio' as const;
  readonly inspect: Record<string, InspectCollection>;
  private readonly ctx: TwilioContext;
  private readonly table = new RouteTable<Handler>(routes);

  constructor(deps: SimulatorDeps) {
    deps.db.migrate('twilio', loadMigrations('simulators/twilio/migrations'));
    const cfg = deps.config.twilio as TwilioConfig;
    const store = new TwilioStore(deps.db);
    const accounts = new Accounts(deps.db, store, deps.clock, cfg.defaultAuthToken);
    accounts.seed(cfg.accounts ?? []);
    this.ctx = {
      db: deps.db,
      store,
      bus: deps.bus,
      clock: deps.clock,
      accounts,
      maxBodyBytes: deps.config.maxBodyBytes,
      publicUrl: deps.config.publicUrl,
      authCache: new Map(),
    };
    this.inspect = { messages: { list: (q) => this.inspectMessages(q) } };
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const { found } = this.table.match(req.method, req.path);
    const pathAccount = PATH_ACCOUNT.exec(req.path)?.[1];
    let account: string | undefined;
    try {
      account = await authenticate(this.ctx, req.headers, pathAccount);
      if (!found) {
        const exists = this.table.match(req.method === 'HEAD' ? 'GET' : req.method, req.path).pathExists;
        if (exists) return errors.methodNotAllowed(req.method).toResponse({ tenant: account });
        return errors.notFound(req.path).toResponse({ tenant: account, unmatched: true });
      }
      // Routes under /Accounts/{AccountSid} need a well-formed SID there, and it must be the caller's.
      if (pathAccount === undefined && found.route.pattern.startsWith('/2010-04-01/Accounts/:')) throw errors.notFound(req.path);
      if (pathAccount !== undefined && pathAccount !== account) throw errors.invalidPassword();
      const ctx = this.ctx;
      let form: Promise<FormValues> | undefined;
      const call: Call = {
        req,
        account,
        params: found.params,
        query: parseForm(req.query),
        form: () => (form ??= readForm(req, ctx.maxBodyBytes)),
      };
      const res = await found.route.handler(ctx, call);
      res.meta = { operation: found.route.operation, tenant: account };
      return res;
    } catch (e) {
      const meta = { operation: found?.route.operation, tenant: account, unmatched: !found };
      if (e instanceof TwilioError) return e.toResponse(meta);
      throw e;
    }
  }

  reset(tenant?: string): void {
    this.ctx.db.transaction(() => this.ctx.store.reset(tenant));
    this.ctx.authCache.clear();
    this.ctx.accounts.forget();
  }

  tenants(): { tenant: string; created: string }[] {
    return (this.ctx.store.listAccounts.all() as { sid: string; date_created: number }[]).map((a) => ({
      tenant: a.sid,
      created: new Date(a.date_created).toISOString(),
    }));
  }

  /** /__inspect/twilio/messages?to=&from=&status= : newest first, in Twilio's field names. */
  private inspectMessages(q: InspectQuery): unknown[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.tenant) (where.push('account_sid = ?'), args.push(q.tenant));
    // An unencoded '+' in a query string arrives as a space: read it back as the '+' it was.
    const number = (v: string) => normalizeNumber(v.replace(/^ /, '+'));
    const to = q.params.get('to');
    if (to) (where.push('to_number = ?'), args.push(number(to)));
    const from = q.params.get('from');
    if (from) (where.push('from_number = ?'), args.push(number(from)));
    const status = q.params.get('status');
    if (status) (where.push('status = ?'), args.push(status));
    if (q.sinceTime !== undefined) (where.push('date_created > ?'), args.push(q.sinceTime));
    if (q.sinceId !== undefined) {
      where.push('seq > COALESCE((SELECT seq FROM twilio_messages WHERE sid = ?), 9e18)');
      args.push(q.sinceId);
    }
    const sql = `SELECT * FROM twilio_messages ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.ctx.db.sql.prepare(sql).all(...args, q.limit) as MessageRow[];
    const mediaOf = this.ctx.db.sql.prepare('SELECT * FROM twilio_media WHERE message_sid = ? ORDER BY seq');
    return rows.map((r) => ({
      ...serializeMessage(r),
      media_urls: r.num_media ? (mediaOf.all(r.sid) as MediaRow[]).map((m) => m.url) : [],
    }));
  }
}
