import {
  parseForm,
  RouteTable,
  type FaultErrorAction,
  type FaultHook,
  type FaultTargets,
  type FormValues,
  injectFault,
  type InspectCollection,
  type InspectQuery,
  type InspectRoute,
  type RetentionTarget,
  json,
  twilioSid,
  type Simulator,
  type SimulatorDeps,
  type SimRequest,
  type SimResponse,
} from '../../src/core/index.js';
import { loadMigrations, removeRecords } from '../../src/db/index.js';
import { Accounts } from './accounts.js';
import { authenticate } from './auth.js';
import type { TwilioConfig } from './config.js';
import type { TwilioContext } from './context.js';
import { errors, TwilioError } from './errors.js';
import { FINAL_MESSAGE_STATUSES, MessageLifecycle, type OutcomeRule } from './lifecycle.js';
import { registerTwilioSigner } from './webhooks.js';
import './events.js';
import { normalizeNumber } from './phone.js';
import { readForm, routes, type Call, type Handler } from './routes.js';
import { serializeMessage } from './serializers.js';
import { TwilioStore, type MediaRow, type MessageRow } from './store.js';
import { inspectVerifications } from './inspect-verify.js';
import { VerifyStore } from './store-verify.js';
import { handleSmsReply, InboundError, receiveInbound } from './inbound.js';
import { serializeNumber } from './serializers-numbers.js';
import { NumberStore, type NumberRow } from './store-numbers.js';
import { MessagingStore } from './store-messaging.js';
import { inspectCalls, voiceInspectRoutes } from './inspect-voice.js';
import { PUBLIC_OPERATIONS } from './routes-voice.js';
import { VoiceStore } from './store-voice.js';
import { TWIML_REPLY, VoiceLifecycle } from './voice-lifecycle.js';

export { twilioConfig } from './config.js';

/** Stored messages and calls with what belongs to them; pruned once nothing is still due. */
const MESSAGES: RetentionTarget = {
  table: 'twilio_messages',
  tenant: 'account_sid',
  time: 'date_created',
  order: 'seq',
  where: "next_step_at IS NULL AND status <> 'scheduled'",
  children: [{ table: 'twilio_media', column: 'message_sid', parent: 'sid' }],
};
const CALLS: RetentionTarget = {
  table: 'twilio_calls',
  tenant: 'account_sid',
  time: 'date_created',
  order: 'seq',
  where: "next_step_at IS NULL AND status IN ('completed', 'busy', 'no-answer', 'failed', 'canceled')",
  children: [
    { table: 'twilio_recordings', column: 'call_sid', parent: 'sid' },
    { table: 'twilio_transcriptions', column: 'call_sid', parent: 'sid' },
  ],
};

const PATH_ACCOUNT = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})(?:[/.]|$)/;

export class TwilioSimulator implements Simulator {
  readonly provider = 'twilio' as const;
  readonly inspect: Record<string, InspectCollection>;
  readonly inspectRoutes: InspectRoute[];
  readonly retention = [MESSAGES, CALLS];
  private readonly ctx: TwilioContext;
  private readonly table = new RouteTable<Handler>(routes);
  readonly faultTargets: FaultTargets = { operations: [...new Set(routes.map((r) => r.operation))], fields: ['to', 'from'] };
  private readonly faults: FaultHook | undefined;

  constructor(deps: SimulatorDeps) {
    this.faults = deps.faults;
    deps.db.migrate('twilio', loadMigrations('simulators/twilio/migrations'));
    const cfg = deps.config.twilio as TwilioConfig;
    const store = new TwilioStore(deps.db);
    const accounts = new Accounts(deps.db, store, deps.clock, cfg.defaultAuthToken);
    accounts.seed(cfg.accounts ?? []);
    registerTwilioSigner(deps.webhooks, store);
    const lifecycle = new MessageLifecycle(deps.db, deps.bus, deps.clock, deps.settings, deps.webhooks, {
      stepDelayMs: deps.config.stepDelayMs,
      failureRate: cfg.failureRate ?? 0,
      seed: cfg.seed ?? 'provider-sim',
    });
    lifecycle.setRules('', (cfg.outcomes ?? []).map((o) => ({ kind: 'message', error_code: null, ...o })), true);
    const voice = new VoiceStore(deps.db);
    const calls = new VoiceLifecycle(deps.db, deps.bus, deps.clock, deps.settings, deps.webhooks, voice, (t) => lifecycle.listRules(t), {
      stepDelayMs: deps.config.stepDelayMs,
      publicUrl: deps.config.publicUrl,
    });
    this.ctx = {
      db: deps.db,
      store,
      verify: new VerifyStore(deps.db, cfg.verifyFixedCode),
      numbers: new NumberStore(deps.db),
      messaging: new MessagingStore(deps.db),
      seed: cfg.seed ?? 'provider-sim',
      bus: deps.bus,
      clock: deps.clock,
      accounts,
      webhooks: deps.webhooks,
      lifecycle,
      voice,
      calls,
      maxBodyBytes: deps.config.maxBodyBytes,
      publicUrl: deps.config.publicUrl,
      authCache: new Map(),
    };
    deps.webhooks.registerReply('twilio.sms-reply', (d, reply) => handleSmsReply(this.ctx, d, reply));
    deps.webhooks.registerReply(TWIML_REPLY, (d, reply) => calls.handleTwiml(d, reply));
    this.seedNumbers(cfg);
    this.inspect = {
      numbers: { list: (q) => this.inspectNumbers(q) },
      messages: { list: (q) => this.inspectMessages(q), delete: (q) => this.remove(MESSAGES, this.inspectMessages(q)) },
      verifications: { list: (q) => inspectVerifications(this.ctx, q) },
      calls: { list: (q) => inspectCalls(this.ctx, q), delete: (q) => this.remove(CALLS, inspectCalls(this.ctx, q)) },
    };
    this.inspectRoutes = [...this.createInspectRoutes(), ...voiceInspectRoutes(this.ctx)];
    void lifecycle.tick();
    void calls.tick();
  }

  /** Deletes listed items (by SID) with what belongs to them. */
  private remove(target: RetentionTarget, items: unknown[]): number {
    const sids = (items as { sid: string }[]).map((i) => i.sid);
    return this.ctx.db.transaction(() => removeRecords(this.ctx.db, target, 'sid', sids));
  }

  /** Numbers declared in fixtures (twilio.accounts[].numbers) are provisioned at boot. */
  private seedNumbers(cfg: TwilioConfig): void {
    const now = this.ctx.clock.now();
    this.ctx.db.transaction(() => {
      for (const a of cfg.accounts ?? []) {
        for (const n of a.numbers ?? []) {
          const existing = this.ctx.numbers.byNumber.get(a.sid, n.phone_number) as NumberRow | undefined;
          const fields = {
            friendly_name: n.friendly_name ?? n.phone_number,
            sms_url: n.sms_url ?? null,
            sms_method: n.sms_method ?? 'POST',
            voice_url: n.voice_url ?? null,
            voice_method: n.voice_method ?? 'POST',
            status_callback: n.status_callback ?? null,
          };
          if (existing) {
            this.ctx.numbers.update(a.sid, existing.sid, { ...fields, fixture: 1 }, now);
            continue;
          }
          this.ctx.numbers.insert.run({
            sid: twilioSid('PN'),
            account_sid: a.sid,
            phone_number: n.phone_number,
            sms_fallback_url: null,
            sms_fallback_method: 'POST',
            voice_fallback_url: null,
            voice_fallback_method: 'POST',
            status_callback_method: 'POST',
            fixture: 1,
            date_created: now,
            date_updated: now,
            ...fields,
          });
        }
      }
    });
  }

  private inspectNumbers(q: InspectQuery): unknown[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.tenant) (where.push('account_sid = ?'), args.push(q.tenant));
    const number = q.params.get('phone_number');
    if (number) (where.push('phone_number = ?'), args.push(normalizeNumber(number.replace(/^ /, '+'))));
    if (q.sinceTime !== undefined) (where.push('date_created > ?'), args.push(q.sinceTime));
    if (q.sinceId !== undefined) {
      where.push('seq > COALESCE((SELECT seq FROM twilio_numbers WHERE sid = ?), 9e18)');
      args.push(q.sinceId);
    }
    const rows = this.ctx.db
      .stmt(`SELECT * FROM twilio_numbers ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`)
      .all(...args, q.limit) as NumberRow[];
    return rows.map(serializeNumber);
  }

  private createInspectRoutes(): InspectRoute[] {
    const bad = (message: string) => json(400, { error: { code: 'bad_request', message } });
    const lifecycle = this.ctx.lifecycle;
    return [
      {
        method: 'POST',
        pattern: '/inbound',
        handler: async (req) => {
          const b = (req.body ?? {}) as { from?: unknown; to?: unknown; body?: unknown; media?: unknown };
          if (typeof b.from !== 'string' || !b.from) return bad('from (the person texting) is required');
          if (typeof b.to !== 'string' || !b.to) return bad("to (one of the account's numbers) is required");
          if (b.body !== undefined && typeof b.body !== 'string') return bad('body must be a string');
          if (b.media !== undefined && (!Array.isArray(b.media) || b.media.some((u) => typeof u !== 'string' || !/^https?:\/\//.test(u)))) {
            return bad('media must be a list of http(s) URLs');
          }
          try {
            const m = await receiveInbound(this.ctx, { from: b.from, to: b.to, body: (b.body as string) ?? '', media: b.media as string[] | undefined, tenant: req.tenant });
            return json(201, serializeMessage(m));
          } catch (e) {
            if (e instanceof InboundError) return json(e.status, { error: { code: 'not_found', message: e.message } });
            throw e;
          }
        },
      },
      {
        method: 'POST',
        pattern: '/messages/:sid/advance',
        handler: async (req) => {
          const body = (req.body ?? {}) as { status?: unknown; error_code?: unknown };
          const target = typeof body.status === 'string' ? body.status : req.query.get('status') ?? undefined;
          const allowed = ['queued', 'sending', 'sent', ...FINAL_MESSAGE_STATUSES];
          if (target !== undefined && !allowed.includes(target)) return bad(`status must be one of ${allowed.join(', ')}`);
          const code = body.error_code ?? req.query.get('error_code') ?? undefined;
          if (code !== undefined && !Number.isInteger(Number(code))) return bad('error_code must be an integer');
          const row = this.ctx.db.stmt('SELECT account_sid FROM twilio_messages WHERE sid = ?').get(req.params.sid) as
            | { account_sid: string }
            | undefined;
          if (!row || (req.tenant && req.tenant !== row.account_sid)) {
            return json(404, { error: { code: 'not_found', message: `no message ${req.params.sid}` } });
          }
          const m = await lifecycle.advance(row.account_sid, req.params.sid, target, code === undefined ? undefined : Number(code));
          return json(200, serializeMessage(m!));
        },
      },
      {
        method: 'GET',
        pattern: '/outcomes',
        handler: (req) => json(200, { rules: lifecycle.listRules(req.tenant).map(publicRule) }),
      },
      {
        method: 'PUT',
        pattern: '/outcomes',
        handler: (req) => {
          const body = req.body as { rules?: unknown };
          const rules = Array.isArray(body) ? body : body?.rules;
          if (!Array.isArray(rules)) return bad('the body must be {"rules":[{"number","status","error_code"?,"kind"?}]}');
          const parsed: Omit<OutcomeRule, 'tenant'>[] = [];
          for (const r of rules as Record<string, unknown>[]) {
            const kind = (r?.kind ?? 'message') as string;
            const statuses = kind === 'call' ? ['completed', 'busy', 'no-answer', 'failed', 'canceled'] : ['delivered', 'undelivered', 'failed'];
            if (kind !== 'message' && kind !== 'call') return bad('kind must be message or call');
            if (typeof r?.number !== 'string' || !r.number) return bad('each rule needs a number (E.164, or a prefix ending in *)');
            if (typeof r.status !== 'string' || !statuses.includes(r.status)) return bad(`status must be one of ${statuses.join(', ')}`);
            if (r.error_code !== undefined && r.error_code !== null && !Number.isInteger(r.error_code)) return bad('error_code must be an integer');
            parsed.push({ kind: kind as 'message' | 'call', number: r.number, status: r.status, error_code: (r.error_code as number | undefined) ?? null });
          }
          lifecycle.setRules(req.tenant ?? '', parsed);
          return json(200, { rules: lifecycle.listRules(req.tenant).map(publicRule) });
        },
      },
      {
        method: 'DELETE',
        pattern: '/outcomes',
        handler: (req) => {
          lifecycle.setRules(req.tenant ?? '', []);
          return json(200, { rules: lifecycle.listRules(req.tenant).map(publicRule) });
        },
      },
    ];
  }

  close(): void {
    this.ctx.lifecycle.stop();
    this.ctx.calls.stop();
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const { found } = this.table.match(req.method, req.path);
    const pathAccount = PATH_ACCOUNT.exec(req.path)?.[1];
    let account: string | undefined;
    try {
      // Recording audio is served without credentials, as Twilio does by default.
      account = found && pathAccount && PUBLIC_OPERATIONS.has(found.route.operation) ? pathAccount : await authenticate(this.ctx, req.headers, pathAccount);
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
      const operation = found.route.operation;
      // Fault rules apply once the operation and the account are known, before the operation runs.
      const fault = this.faults?.armed('twilio')
        ? await injectFault(this.faults, { provider: 'twilio', operation, tenant: account, fields: () => faultFields(call) }, faultError)
        : undefined;
      if (fault?.response) return fault.response;
      const res = await found.route.handler(ctx, call);
      res.meta = { operation, tenant: account, fault: fault?.meta };
      return res;
    } catch (e) {
      const meta = { operation: found?.route.operation, tenant: account, unmatched: !found };
      if (e instanceof TwilioError) return e.toResponse(meta);
      throw e;
    }
  }

  reset(tenant?: string): void {
    this.ctx.db.transaction(() => {
      this.ctx.store.reset(tenant);
      this.ctx.verify.reset(tenant);
      this.ctx.numbers.reset(tenant);
      this.ctx.messaging.reset(tenant);
      this.ctx.voice.reset(tenant);
    });
    this.ctx.authCache.clear();
    this.ctx.accounts.forget();
    this.ctx.lifecycle.forgetRules();
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
    const rows = this.ctx.db.stmt(sql).all(...args, q.limit) as MessageRow[];
    const mediaOf = this.ctx.db.stmt('SELECT * FROM twilio_media WHERE message_sid = ? ORDER BY seq');
    return rows.map((r) => ({
      ...serializeMessage(r),
      media_urls: r.num_media ? (mediaOf.all(r.sid) as MediaRow[]).map((m) => m.url) : [],
    }));
  }
}

/** To and From of a request's form, as sent and normalized ("+1 555..." -> "+1555..."). */
async function faultFields(call: Call): Promise<Record<string, string[]>> {
  if (call.req.method !== 'POST') return {};
  let form: FormValues;
  try {
    form = await call.form();
  } catch {
    return {}; // the operation reports the bad body itself
  }
  const out: Record<string, string[]> = {};
  for (const [field, name] of [
    ['to', 'To'],
    ['from', 'From'],
  ] as const) {
    const values = (form.get(name) ?? []).filter((v) => v !== '');
    if (values.length) out[field] = [...values, ...values.map(normalizeNumber)];
  }
  return out;
}

const FAULT_MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Authenticate',
  403: 'Forbidden',
  404: 'The requested resource was not found',
  429: 'Too Many Requests',
  500: 'An internal server error has occurred',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Twilio's error body for an injected fault. Defaults: 429 with code 20429; a status alone takes
 * Twilio's 20xxx code of that status (503 -> 20503); a code alone in 20400..20599 its status.
 */
function faultError(a: FaultErrorAction): SimResponse {
  const code = typeof a.code === 'number' ? a.code : undefined;
  const status = a.status ?? (code === undefined ? 429 : code >= 20400 && code <= 20599 ? code - 20000 : 400);
  const c = code ?? 20000 + status;
  return new TwilioError(status, c, a.message ?? FAULT_MESSAGES[status] ?? 'Error').toResponse();
}

function publicRule(r: OutcomeRule) {
  return { tenant: r.tenant || null, kind: r.kind, number: r.number, status: r.status, error_code: r.error_code, fixture: !!r.fixture };
}
