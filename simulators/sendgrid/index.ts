import { randomUUID } from 'node:crypto';
import {
  json,
  RouteTable,
  type FaultErrorAction,
  type FaultHook,
  type FaultTargets,
  injectFault,
  type InspectCollection,
  type InspectRoute,
  type RetentionTarget,
  type InspectQuery,
  type InspectResource,
  type Simulator,
  type SimulatorDeps,
  type SimRequest,
  type SimResponse,
} from '../../src/core/index.js';
import { loadMigrations, removeRecords } from '../../src/db/index.js';
import { authenticate, tenantOf, tenantOfKey } from './auth.js';
import { ENGAGEMENT_EVENTS, OUTCOME_STATUSES, type SendGridConfig, type SendGridFixtureTemplate } from './config.js';
import type { SendGridContext } from './context.js';
import { errors, SendGridError, SendGridErrors } from './errors.js';
import './events.js';
import { ALL_EVENTS, EmailLifecycle } from './lifecycle.js';
import { newTemplateId } from './operations/templates.js';
import { RateLimiter } from './ratelimit.js';
import { buildRaw } from './raw.js';
import { eventRoutes } from './routes-events.js';
import { readJson, routes, type Call, type Handler } from './routes.js';
import { inspectEvent, inspectMessage, messageStatus } from './serializers.js';
import { SendGridStore, SHARED_TENANT, type AttachmentRow, type BatchRow, type EventRow, type MessageRow } from './store.js';
import { registerSendGridSigner } from './webhooks.js';

export { sendgridConfig } from './config.js';

/** Stored emails with their events and attachments; pruned once nothing is still due. */
const MESSAGES: RetentionTarget = {
  table: 'sendgrid_messages',
  tenant: 'tenant',
  time: 'created',
  order: 'seq',
  // Nothing still due, nor a scheduled send held by a paused batch.
  where: 'next_step_at IS NULL AND (state IS NOT NULL OR send_at IS NULL)',
  children: [
    { table: 'sendgrid_events', column: 'msg_id', parent: 'msg_id' },
    { table: 'sendgrid_attachments', column: 'x_message_id', parent: 'x_message_id', shared: true },
  ],
};
const EVENTS: RetentionTarget = { table: 'sendgrid_events', tenant: 'tenant', time: 'time', order: 'seq' };

/** SendGrid v3 at /v3/... : mail send, batches and scheduled sends, transactional templates. */
export class SendGridSimulator implements Simulator {
  readonly provider = 'sendgrid' as const;
  readonly inspect: Record<string, InspectCollection>;
  readonly inspectRoutes: InspectRoute[];
  readonly retention = [MESSAGES, EVENTS];
  private readonly ctx: SendGridContext;
  private readonly table = new RouteTable<Handler>([...routes, ...eventRoutes]);
  private readonly declared: Set<string> | undefined;
  private readonly limiter: RateLimiter;
  readonly faultTargets: FaultTargets = { operations: [...new Set([...routes, ...eventRoutes].map((r) => r.operation))], fields: ['to', 'from'] };
  private readonly faults: FaultHook | undefined;

  constructor(deps: SimulatorDeps) {
    this.faults = deps.faults;
    deps.db.migrate('sendgrid', loadMigrations('simulators/sendgrid/migrations'));
    const cfg = deps.config.sendgrid as SendGridConfig;
    registerSendGridSigner(deps.webhooks, deps.db, deps.clock);
    const lifecycle = new EmailLifecycle(deps.db, deps.bus, deps.clock, deps.settings, deps.webhooks, {
      stepDelayMs: deps.config.stepDelayMs,
      openRate: cfg.openRate ?? 0,
      clickRate: cfg.clickRate ?? 0,
      seed: cfg.seed ?? 'provider-sim',
    });
    lifecycle.setRules('', cfg.outcomes ?? [], true);
    this.ctx = {
      db: deps.db,
      store: new SendGridStore(deps.db),
      bus: deps.bus,
      clock: deps.clock,
      maxBodyBytes: deps.config.maxBodyBytes,
      publicUrl: deps.config.publicUrl,
      settings: deps.settings,
      webhooks: deps.webhooks,
      lifecycle,
    };
    this.declared = cfg.api_keys && cfg.api_keys.length ? new Set(cfg.api_keys.map(tenantOfKey)) : undefined;
    this.limiter = new RateLimiter(cfg.rateLimit, deps.clock);
    this.seed(cfg.templates ?? []);
    this.inspect = {
      messages: {
        list: (q) => this.inspectMessages(q),
        resource: (id, part) => this.messageResource(id, part),
        delete: (q) => {
          const ids = (this.inspectMessages(q) as { msg_id: string }[]).map((m) => m.msg_id);
          return this.ctx.db.transaction(() => removeRecords(this.ctx.db, MESSAGES, 'msg_id', ids));
        },
      },
      events: { list: (q) => this.inspectEvents(q) },
    };
    this.inspectRoutes = this.createInspectRoutes();
    void lifecycle.tick();
  }

  /** /__inspect/sendgrid/events?msg_id=&event=&email= : newest first. */
  private inspectEvents(q: InspectQuery): unknown[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.tenant) (where.push('tenant = ?'), args.push(q.tenant));
    const msgId = q.params.get('msg_id');
    if (msgId) (where.push('msg_id = ?'), args.push(msgId));
    const event = q.params.get('event');
    if (event) (where.push('event = ?'), args.push(event));
    const email = q.params.get('email');
    if (email) (where.push('email = ? COLLATE NOCASE'), args.push(email.trim().replace(/ /g, '+')));
    if (q.sinceTime !== undefined) (where.push('time > ?'), args.push(q.sinceTime));
    if (q.sinceId !== undefined) {
      where.push('seq > COALESCE((SELECT seq FROM sendgrid_events WHERE sg_event_id = ?), CAST(? AS INTEGER))');
      args.push(q.sinceId, /^\d+$/.test(q.sinceId) ? q.sinceId : '9000000000000000000');
    }
    const sql = `SELECT * FROM sendgrid_events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
    return (this.ctx.db.stmt(sql).all(...args, q.limit) as EventRow[]).map(inspectEvent);
  }

  private createInspectRoutes(): InspectRoute[] {
    const bad = (message: string) => json(400, { error: { code: 'bad_request', message } });
    const lifecycle = this.ctx.lifecycle;
    const targets = [...ALL_EVENTS, 'blocked'];
    return [
      {
        method: 'POST',
        pattern: '/messages/:msgId/advance',
        handler: async (req) => {
          const body = (req.body ?? {}) as { event?: unknown };
          const target = typeof body.event === 'string' ? body.event : (req.query.get('event') ?? undefined);
          if (target !== undefined && !targets.includes(target)) return bad(`event must be one of ${targets.join(', ')}`);
          const row = lifecycle.get(req.params.msgId);
          if (!row || (req.tenant && req.tenant !== row.tenant)) {
            return json(404, { error: { code: 'not_found', message: `no message ${req.params.msgId}` } });
          }
          const m = (await lifecycle.advance(row.msg_id, target))!;
          return json(200, this.inspectOne(m));
        },
      },
      {
        method: 'GET',
        pattern: '/outcomes',
        handler: (req) => json(200, { rules: lifecycle.listRules(req.tenant) }),
      },
      {
        method: 'PUT',
        pattern: '/outcomes',
        handler: (req) => {
          const body = req.body as { rules?: unknown };
          const rules = Array.isArray(body) ? body : body?.rules;
          if (!Array.isArray(rules)) return bad('the body must be {"rules":[{"email","status","engagement"?,"reason"?}]}');
          const parsed: { email: string; status: string; engagement: string[]; reason: string | null }[] = [];
          for (const r of rules as Record<string, unknown>[]) {
            if (typeof r?.email !== 'string' || !r.email) return bad('each rule needs an email (an address, or a pattern such as bounce@* or *@blocked.example)');
            if (typeof r.status !== 'string' || !(OUTCOME_STATUSES as readonly string[]).includes(r.status)) {
              return bad(`status must be one of ${OUTCOME_STATUSES.join(', ')}`);
            }
            const engagement = r.engagement ?? [];
            if (!Array.isArray(engagement) || engagement.some((e) => !(ENGAGEMENT_EVENTS as readonly string[]).includes(e as string))) {
              return bad(`engagement must be a list of ${ENGAGEMENT_EVENTS.join(', ')}`);
            }
            if (r.reason !== undefined && r.reason !== null && typeof r.reason !== 'string') return bad('reason must be a string');
            parsed.push({ email: r.email, status: r.status, engagement: engagement as string[], reason: (r.reason as string | undefined) ?? null });
          }
          lifecycle.setRules(req.tenant ?? '', parsed);
          return json(200, { rules: lifecycle.listRules(req.tenant) });
        },
      },
      {
        method: 'DELETE',
        pattern: '/outcomes',
        handler: (req) => {
          lifecycle.setRules(req.tenant ?? '', []);
          return json(200, { rules: lifecycle.listRules(req.tenant) });
        },
      },
    ];
  }

  private inspectOne(m: MessageRow): unknown {
    const batches = new Map<string, string | null>();
    const events = this.ctx.db.stmt('SELECT * FROM sendgrid_events WHERE msg_id = ? ORDER BY seq').all(m.msg_id) as EventRow[];
    const attachments = this.ctx.store.listAttachments.all(m.x_message_id) as AttachmentRow[];
    return inspectMessage(m, attachments, messageStatus(m, this.batchStatus(m, batches), this.ctx.clock.now(m.tenant)), this.ctx.publicUrl, events);
  }

  close(): void {
    this.ctx.lifecycle.stop();
  }

  /** Templates declared in fixtures belong to every tenant and survive resets. */
  private seed(templates: SendGridFixtureTemplate[]): void {
    const now = this.ctx.clock.now();
    const s = this.ctx.db.sql;
    this.ctx.db.transaction(() => {
      for (const t of templates) {
        const generation = t.generation ?? (t.id?.startsWith('d-') ? 'dynamic' : 'legacy');
        const id = t.id ?? newTemplateId(generation);
        s.prepare('DELETE FROM sendgrid_template_versions WHERE template_id = ?').run(id);
        s.prepare('DELETE FROM sendgrid_templates WHERE id = ?').run(id);
        this.ctx.store.insertTemplate.run({ id, tenant: SHARED_TENANT, name: t.name, generation, fixture: 1, updated_at: now });
        const versions = t.versions ?? [];
        const activeAt = versions.findIndex((v) => v.active === 1);
        versions.forEach((v, i) => {
          this.ctx.store.insertVersion.run({
            id: v.id ?? randomUUID(),
            template_id: id,
            tenant: SHARED_TENANT,
            name: v.name,
            subject: v.subject ?? '',
            html_content: v.html_content ?? '',
            plain_content: v.plain_content ?? '',
            generate_plain_content: 1,
            active: i === (activeAt === -1 ? 0 : activeAt) ? 1 : 0,
            editor: v.editor ?? 'code',
            test_data: v.test_data ?? null,
            updated_at: now,
          });
        });
      }
    });
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const { found } = this.table.match(req.method, req.path);
    let tenant: string | undefined;
    let limitHeaders: Record<string, string> = this.limiter.peek();
    try {
      tenant = authenticate(req.headers, this.declared);
      const op = found?.route.operation ?? 'unmatched';
      const rl = this.limiter.take(tenant, op);
      limitHeaders = rl.headers;
      if (!found) {
        const exists = this.table.match(req.method === 'HEAD' ? 'GET' : req.method, req.path).pathExists;
        if (exists) throw errors.methodNotAllowed();
        return errors.notFound().toResponse({ tenant, unmatched: true }, limitHeaders);
      }
      if (!rl.allowed) throw errors.tooManyRequests();
      const ctx = this.ctx;
      let body: Promise<unknown> | undefined;
      const call: Call = {
        req,
        tenant,
        params: found.params,
        query: new URLSearchParams(req.query),
        body: () => (body ??= readJson(req, ctx.maxBodyBytes)),
      };
      const operation = found.route.operation;
      // Fault rules apply once the operation and the key are known, before the operation runs.
      const headers = limitHeaders;
      const fault = this.faults?.armed('sendgrid')
        ? await injectFault(this.faults, { provider: 'sendgrid', operation, tenant, fields: () => faultFields(call) }, (a) => faultError(a, headers))
        : undefined;
      if (fault?.response) return fault.response;
      const res = await found.route.handler(ctx, call);
      Object.assign(res.headers, limitHeaders);
      res.meta = { operation, tenant, fault: fault?.meta };
      return res;
    } catch (e) {
      const meta = { operation: found?.route.operation, tenant: tenant ?? tenantOf(req.headers), unmatched: !found };
      if (e instanceof SendGridError || e instanceof SendGridErrors) return e.toResponse(meta, limitHeaders);
      throw e;
    }
  }

  reset(tenant?: string): void {
    this.ctx.db.transaction(() => this.ctx.store.reset(tenant));
    this.ctx.lifecycle.forgetRules();
    this.limiter.reset(tenant);
  }

  tenants(): { tenant: string; created: string }[] {
    return (this.ctx.store.listTenants.all() as { tenant: string; created: number }[]).map((t) => ({
      tenant: t.tenant,
      created: new Date(t.created).toISOString(),
    }));
  }

  private batchStatus(m: MessageRow, cache: Map<string, string | null>): string | null {
    if (m.batch_id === null) return null;
    const key = `${m.tenant}\n${m.batch_id}`;
    if (!cache.has(key)) cache.set(key, (this.ctx.store.getBatch.get(m.tenant, m.batch_id) as BatchRow | undefined)?.status ?? null);
    return cache.get(key)!;
  }

  /** /__inspect/sendgrid/messages?to=&from=&subject=&category=&template_id=&batch_id=&status= : newest first. */
  private inspectMessages(q: InspectQuery): unknown[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.tenant) (where.push('tenant = ?'), args.push(q.tenant));
    // Addresses have no spaces: an unencoded '+' (a+tag@x) arrives as a space and is read back.
    const address = (v: string) => v.trim().replace(/ /g, '+');
    const to = q.params.get('to');
    if (to) (where.push('recipient = ? COLLATE NOCASE'), args.push(address(to)));
    const from = q.params.get('from');
    if (from) (where.push('from_email = ? COLLATE NOCASE'), args.push(address(from)));
    const subject = q.params.get('subject');
    if (subject) (where.push('instr(subject, ?) > 0'), args.push(subject));
    const msgId = q.params.get('msg_id');
    if (msgId) (where.push('msg_id = ?'), args.push(msgId));
    const text = q.params.get('q')?.trim();
    if (text) {
      where.push('(instr(lower(recipient), lower(?)) > 0 OR instr(lower(from_email), lower(?)) > 0 OR instr(lower(subject), lower(?)) > 0)');
      args.push(text, text, text);
    }
    const category = q.params.get('category');
    if (category) (where.push('EXISTS (SELECT 1 FROM json_each(categories_json) WHERE value = ?)'), args.push(category));
    const templateId = q.params.get('template_id');
    if (templateId) (where.push('template_id = ?'), args.push(templateId));
    const batchId = q.params.get('batch_id');
    if (batchId) (where.push('batch_id = ?'), args.push(batchId));
    const state = q.params.get('status');
    if (state) (where.push('state = ?'), args.push(state));
    if (q.sinceTime !== undefined) (where.push('created > ?'), args.push(q.sinceTime));
    if (q.sinceId !== undefined) {
      where.push(
        'seq > COALESCE((SELECT seq FROM sendgrid_messages WHERE msg_id = ?), (SELECT MAX(seq) FROM sendgrid_messages WHERE x_message_id = ?), 9e18)',
      );
      args.push(q.sinceId, q.sinceId);
    }
    const sql = `SELECT * FROM sendgrid_messages ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.ctx.db.stmt(sql).all(...args, q.limit) as MessageRow[];
    const now = this.ctx.clock.now();
    const batches = new Map<string, string | null>();
    const attachments = new Map<string, AttachmentRow[]>();
    const eventsOf = this.ctx.db.stmt('SELECT * FROM sendgrid_events WHERE msg_id = ? ORDER BY seq');
    return rows.map((m) => {
      let a = attachments.get(m.x_message_id);
      if (!a) attachments.set(m.x_message_id, (a = this.ctx.store.listAttachments.all(m.x_message_id) as AttachmentRow[]));
      const events = eventsOf.all(m.msg_id) as EventRow[];
      return inspectMessage(m, a, messageStatus(m, this.batchStatus(m, batches), now), this.ctx.publicUrl, events);
    });
  }

  /** `html`, `text`, `raw` (the MIME message) and `attachments/<n>` of one stored message. */
  private messageResource(id: string, part: string[]): InspectResource | undefined {
    const m = this.ctx.store.getMessage.get(id) as MessageRow | undefined;
    if (!m) return undefined;
    const [what, idx, ...rest] = part;
    if (rest.length) return undefined;
    if (what === 'html' && idx === undefined) return m.html === null ? undefined : { contentType: 'text/html; charset=utf-8', body: m.html };
    if (what === 'text' && idx === undefined) return m.text === null ? undefined : { contentType: 'text/plain; charset=utf-8', body: m.text };
    if (what === 'raw' && idx === undefined) {
      const all = this.ctx.db.stmt('SELECT * FROM sendgrid_attachments WHERE x_message_id = ? ORDER BY idx').all(m.x_message_id) as AttachmentRow[];
      return { contentType: 'message/rfc822', body: buildRaw(m, all) };
    }
    if (what === 'attachments' && idx !== undefined && /^\d+$/.test(idx)) {
      const a = this.ctx.store.getAttachment.get(m.x_message_id, Number(idx)) as AttachmentRow | undefined;
      if (!a) return undefined;
      return { contentType: a.type ?? 'application/octet-stream', body: a.content, filename: a.filename };
    }
    return undefined;
  }
}

/** The recipients (to, cc, bcc of every personalization) and the sender of a JSON body. */
async function faultFields(call: Call): Promise<Record<string, string[]>> {
  let body: unknown;
  try {
    body = await call.body();
  } catch {
    return {}; // the operation reports the bad body itself
  }
  const b = (body ?? {}) as { personalizations?: unknown; from?: { email?: unknown } };
  const emails = (list: unknown) => (Array.isArray(list) ? list : []).map((r) => (r as { email?: unknown } | null)?.email).filter((e): e is string => typeof e === 'string');
  const to: string[] = [];
  for (const p of Array.isArray(b.personalizations) ? b.personalizations : []) {
    const x = (p ?? {}) as Record<string, unknown>;
    to.push(...emails(x.to), ...emails(x.cc), ...emails(x.bcc));
  }
  const from = typeof b.from?.email === 'string' ? [b.from.email] : [];
  return { to, from };
}

const FAULT_MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  401: 'authorization required',
  403: 'access forbidden',
  404: 'resource not found',
  413: 'content too large',
  429: 'too many requests',
  500: 'internal error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

/**
 * SendGrid's error body for an injected fault (default 429 "too many requests"), with the
 * rate-limit headers; a 429 says no request is left in the window.
 */
function faultError(a: FaultErrorAction, limitHeaders: Record<string, string>): SimResponse {
  const status = a.status ?? 429;
  const headers = { ...limitHeaders };
  if (status === 429) headers['x-ratelimit-remaining'] = '0';
  return new SendGridError(status, a.message ?? FAULT_MESSAGES[status] ?? 'error').toResponse(undefined, headers);
}
