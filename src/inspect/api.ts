import express, { type Request, type Response } from 'express';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import YAML from 'yaml';
import { storedContentHeaders, type FaultTargets, type InspectQuery, type ProviderName, type Simulator } from '../core/index.js';
import { projectPath, type Database, type TenantClock } from '../db/index.js';
import type { Webhooks } from '../webhooks/index.js';
import type { EventJournal } from '../events/journal.js';
import type { Journal } from './journal.js';
import type { SettingsStore } from './settings.js';
import { parseRule, type FaultRule, type FaultStore } from './faults.js';
import { inspectAuth } from './auth.js';

export interface InspectDeps {
  db: Database;
  journal: Journal;
  simulators: Record<ProviderName, Simulator>;
  webhooks: Webhooks;
  settings: SettingsStore;
  events: EventJournal;
  faults: FaultStore;
  clock: TenantClock;
  /** Tells long-polls to answer now (shutdown). */
  shutdownSignal: AbortSignal;
  /** When set, every /__inspect request must carry it (see ./auth.ts). */
  token?: string;
}

const MAX_WAIT_MS = 60_000;
const MAX_LIMIT = 1000;

function limitOf(v: unknown): number {
  const n = Math.trunc(Number(typeof v === 'string' ? v : 100));
  return Number.isFinite(n) && n >= 1 ? Math.min(n, MAX_LIMIT) : 100;
}

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** `since` is an ISO time or the id of an earlier item. */
function parseSince(since: string | undefined): { sinceTime?: number; sinceId?: string } | null {
  if (since === undefined || since === '') return {};
  if (/^\d{4}-\d{2}-\d{2}/.test(since)) {
    const t = Date.parse(since);
    return Number.isFinite(t) ? { sinceTime: t } : null;
  }
  return { sinceId: since };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * Answers `list()` now, or, with `wait=MS`, as soon as a commit makes it non-empty
 * (long-poll), or with an empty list when the time is up.
 */
async function longPoll(req: Request, deps: InspectDeps, list: () => unknown[]): Promise<unknown[]> {
  let items = list();
  const wait = Math.min(Number(str(req.query.wait) ?? 0) || 0, MAX_WAIT_MS);
  if (items.length > 0 || wait <= 0 || deps.shutdownSignal.aborted) return items;
  return new Promise((resolve) => {
    let pending = false;
    const done = () => {
      off();
      clearTimeout(timer);
      deps.shutdownSignal.removeEventListener('abort', done);
      req.off('close', done);
      resolve(items);
    };
    const off = deps.db.onCommit(() => {
      if (pending) return;
      pending = true;
      setImmediate(() => {
        pending = false;
        items = list();
        if (items.length > 0) done();
      });
    });
    const timer = setTimeout(done, wait);
    deps.shutdownSignal.addEventListener('abort', done);
    req.on('close', done);
  });
}

let openapiCache: unknown;

/** The inbox's files, built into dist/ui (see src/inspect/ui). */
const UI_ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};
const uiCache = new Map<string, Buffer>();

/** Everything the inbox loads comes from this server: no outside requests, no inline script. */
const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self'; frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function wantsHtml(req: Request): boolean {
  return /\btext\/html\b/.test(String(req.headers.accept ?? ''));
}

function sendAsset(res: Response, name: string): void {
  let body = uiCache.get(name);
  if (!body) uiCache.set(name, (body = readFileSync(projectPath(`dist/ui/${name}`))));
  res.status(200);
  res.setHeader('content-type', UI_ASSETS[name]);
  res.setHeader('content-security-policy', UI_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('cache-control', 'no-cache');
  res.end(body);
}

/** The /__inspect JSON API and /__health, hosted by express. */
export function createInspectApp(deps: InspectDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const r = express.Router();

  // The web inbox: a browser asking for HTML gets the app, anything else the JSON index.
  r.get('/', (req, res, next) => {
    if (!wantsHtml(req)) return next();
    sendAsset(res, 'index.html');
  });
  r.get('/ui/:asset', (req, res) => {
    if (!(req.params.asset in UI_ASSETS)) return fail(res, 404, 'not_found', `no inbox asset ${req.params.asset}`);
    sendAsset(res, req.params.asset);
  });

  r.get('/', (_req, res) => {
    res.json({
      name: 'provider-sim inspect API',
      openapi: '/__inspect/openapi.json',
      endpoints: [
        'GET /__inspect/tenants',
        'GET /__inspect/requests',
        'POST /__inspect/reset',
        'GET /__inspect/webhooks',
        'GET /__inspect/events',
        'GET /__inspect/settings',
        'GET /__inspect/faults',
        'GET /__inspect/clock',
        'POST /__inspect/clock/advance',
        ...Object.values(deps.simulators).flatMap((s) => Object.keys(s.inspect ?? {}).map((c) => `GET /__inspect/${s.provider}/${c}`)),
      ],
    });
  });

  r.get('/openapi.json', (_req, res) => {
    openapiCache ??= YAML.parse(readFileSync(projectPath('openapi/inspect.yaml'), 'utf8'));
    res.json(openapiCache);
  });

  r.get('/tenants', (_req, res) => {
    const items = Object.values(deps.simulators).flatMap((s) =>
      s.tenants().map((t) => ({ provider: s.provider, tenant: t.tenant, created: t.created })),
    );
    res.json({ items });
  });

  r.post('/reset', (req, res) => {
    const tenant = str(req.query.tenant) || undefined;
    const provider = str(req.query.provider) || undefined;
    if (provider && !(provider in deps.simulators)) return fail(res, 400, 'bad_provider', `unknown provider ${provider}`);
    deps.db.flush();
    for (const s of Object.values(deps.simulators)) if (!provider || s.provider === provider) s.reset(tenant);
    deps.journal.reset(tenant);
    if (!provider) {
      deps.webhooks.reset(tenant);
      deps.events.reset(tenant);
    }
    if (!provider || tenant) deps.clock.reset(tenant);
    res.json({ reset: true, tenant: tenant ?? null, provider: provider ?? null });
  });

  r.get('/requests', async (req, res) => {
    const since = parseSince(str(req.query.since));
    if (!since) return fail(res, 400, 'bad_since', 'since must be an ISO time or an item id');
    if (since.sinceId !== undefined && !/^\d+$/.test(since.sinceId)) {
      return fail(res, 400, 'bad_since', 'since must be an ISO time or a request id');
    }
    const status = str(req.query.status);
    if (status !== undefined && !/^\d{3}$/.test(status)) return fail(res, 400, 'bad_status', 'status must be an HTTP status code');
    const unmatched = str(req.query.unmatched);
    const fault = str(req.query.fault) || undefined;
    const limit = limitOf(req.query.limit);
    const items = await longPoll(req, deps, () =>
      deps.journal.list({
        provider: str(req.query.provider) || undefined,
        status: status ? Number(status) : undefined,
        unmatched: unmatched === undefined ? undefined : unmatched === 'true' || unmatched === '1',
        tenant: str(req.query.tenant) || undefined,
        fault: fault === 'true' || fault === '1' ? true : fault,
        sinceId: since.sinceId !== undefined ? Number(since.sinceId) : undefined,
        sinceTime: since.sinceTime,
        limit,
      }),
    );
    res.json({ items });
  });

  /**
   * Every simulator event: a Server-Sent Events stream (`Accept: text/event-stream`, heartbeats,
   * `Last-Event-ID` resume from the event journal), or JSON `{items}` like any collection.
   */
  r.get('/events', async (req, res) => {
    const filter = {
      provider: str(req.query.provider) || undefined,
      type: str(req.query.type) || undefined,
      tenant: str(req.query.tenant) || undefined,
    };
    if (!String(req.headers.accept ?? '').includes('text/event-stream')) {
      const since = parseSince(str(req.query.since));
      if (!since || (since.sinceId !== undefined && !/^\d+$/.test(since.sinceId))) {
        return fail(res, 400, 'bad_since', 'since must be an ISO time or an event id');
      }
      const items = await longPoll(req, deps, () =>
        deps.events.list(
          {
            ...filter,
            afterId: since.sinceId !== undefined ? Number(since.sinceId) : undefined,
            sinceTime: since.sinceTime !== undefined ? new Date(since.sinceTime).toISOString() : undefined,
            limit: limitOf(req.query.limit),
          },
          'desc',
        ),
      );
      return void res.json({ items });
    }
    const named = str(req.query.event_names) !== '0';
    const resume = Number(req.headers['last-event-id'] ?? str(req.query.lastEventId) ?? NaN);
    let last = Number.isInteger(resume) && resume >= 0 ? resume : deps.events.lastId();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const flush = () => {
      for (;;) {
        const batch = deps.events.list({ ...filter, afterId: last, limit: 500 }, 'asc');
        for (const e of batch) {
          res.write(named ? `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n` : `id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`);
          last = e.id;
        }
        if (batch.length < 500) break;
      }
    };
    flush();
    let pending = false;
    const off = deps.db.onCommit(() => {
      if (pending) return;
      pending = true;
      setImmediate(() => {
        pending = false;
        flush();
      });
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
    const stop = () => {
      off();
      clearInterval(heartbeat);
      deps.shutdownSignal.removeEventListener('abort', end);
    };
    const end = () => {
      stop();
      res.end();
    };
    deps.shutdownSignal.addEventListener('abort', end);
    req.on('close', stop);
  });

  r.get('/webhooks', async (req, res) => {
    const since = parseSince(str(req.query.since));
    if (!since || (since.sinceId !== undefined && !/^\d+$/.test(since.sinceId))) {
      return fail(res, 400, 'bad_since', 'since must be an ISO time or a delivery id');
    }
    const items = await longPoll(req, deps, () =>
      deps.webhooks.list({
        tenant: str(req.query.tenant) || undefined,
        provider: str(req.query.provider) || undefined,
        status: str(req.query.status) || undefined,
        resource: str(req.query.resource) || undefined,
        sinceId: since.sinceId !== undefined ? Number(since.sinceId) : undefined,
        sinceTime: since.sinceTime,
        limit: limitOf(req.query.limit),
      }),
    );
    res.json({ items });
  });

  r.post('/webhooks/:id/retry', (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || !deps.webhooks.retry(id)) {
      return fail(res, 404, 'not_found', `no webhook delivery ${req.params.id} that can be retried`);
    }
    res.status(202).json({ retried: id });
  });

  r.get('/settings', (req, res) => {
    const tenant = str(req.query.tenant) ?? '';
    res.json({ tenant: tenant || null, settings: deps.settings.get(tenant) });
  });

  r.put('/settings', express.json({ limit: '64kb' }), (req, res) => {
    const tenant = str(req.query.tenant) ?? '';
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return fail(res, 400, 'bad_settings', 'the body must be a JSON object such as {"timing":"manual"}');
    }
    const err = deps.settings.set(tenant, body as Record<string, unknown>);
    if (err) return fail(res, 400, 'bad_settings', err);
    res.json({ tenant: tenant || null, settings: deps.settings.get(tenant) });
  });

  // Fault injection: rules applied to vendor requests before their operation runs.
  const faultTargets: Partial<Record<ProviderName, FaultTargets>> = {};
  for (const sim of Object.values(deps.simulators)) if (sim.faultTargets) faultTargets[sim.provider] = sim.faultTargets;
  const ruleFilter = (req: Request) => {
    const tenant = str(req.query.tenant) || undefined;
    const provider = str(req.query.provider) || undefined;
    return (r: FaultRule) => (!tenant || r.tenant === tenant) && (!provider || r.provider === provider);
  };
  const listRules = (req: Request) => {
    const keep = ruleFilter(req);
    return deps.faults.list().filter(keep);
  };
  const faultBody = express.json({ limit: '1mb' });
  /** Rules sent without an id get the first free one of f1, f2, ... */
  const freeId = (taken: Set<string>) => {
    for (let i = 1; ; i++) if (!taken.has(`f${i}`)) return `f${i}`;
  };

  r.get('/faults', (req, res) => {
    res.json({ rules: listRules(req) });
  });

  r.put('/faults', faultBody, (req, res) => {
    const body = req.body as unknown;
    const input = Array.isArray(body) ? body : (body as { rules?: unknown } | undefined)?.rules;
    if (!Array.isArray(input)) return fail(res, 400, 'bad_rule', 'the body must be {"rules":[...]} or an array of rules');
    const taken = new Set<string>();
    const parsed: (Omit<FaultRule, 'id'> & { id?: string })[] = [];
    for (const [i, raw] of input.entries()) {
      const rule = parseRule(raw, faultTargets, `rules[${i}]`);
      if (typeof rule === 'string') return fail(res, 400, 'bad_rule', rule);
      if (rule.id !== undefined) {
        if (taken.has(rule.id)) return fail(res, 400, 'bad_rule', `rules[${i}].id: "${rule.id}" is used twice`);
        taken.add(rule.id);
      }
      parsed.push(rule);
    }
    const rules = parsed.map((r) => {
      if (r.id !== undefined) return r as FaultRule;
      const id = freeId(taken);
      taken.add(id);
      return { id, ...r };
    });
    deps.faults.replace(rules);
    res.json({ rules: deps.faults.list() });
  });

  r.post('/faults', faultBody, (req, res) => {
    const rule = parseRule(req.body, faultTargets, 'rule');
    if (typeof rule === 'string') return fail(res, 400, 'bad_rule', rule);
    if (rule.id !== undefined && deps.faults.has(rule.id)) return fail(res, 400, 'bad_rule', `a rule with id "${rule.id}" exists already`);
    const full: FaultRule = rule.id !== undefined ? (rule as FaultRule) : { id: freeId(new Set(deps.faults.list().map((x) => x.id))), ...rule };
    deps.faults.add(full);
    res.status(201).json(deps.faults.list().find((r) => r.id === full.id));
  });

  r.delete('/faults', (req, res) => {
    deps.faults.remove(ruleFilter(req));
    res.json({ rules: deps.faults.list() });
  });

  r.get('/faults/:id', (req, res) => {
    const rule = deps.faults.list().find((x) => x.id === req.params.id);
    if (!rule) return fail(res, 404, 'not_found', `no fault rule ${req.params.id}`);
    res.json(rule);
  });

  r.delete('/faults/:id', (req, res) => {
    if (deps.faults.remove((x) => x.id === req.params.id) === 0) return fail(res, 404, 'not_found', `no fault rule ${req.params.id}`);
    res.json({ rules: deps.faults.list() });
  });

  const clockOf = (tenant: string) => {
    const offset = deps.clock.offset(tenant);
    const wall = deps.clock.wall();
    return { tenant, offset_ms: offset, now: new Date(wall + offset).toISOString(), wall: new Date(wall).toISOString() };
  };

  r.get('/clock', (req, res) => {
    const tenant = str(req.query.tenant);
    if (!tenant) return fail(res, 400, 'bad_request', 'tenant is required: every tenant has its own clock');
    res.json(clockOf(tenant));
  });

  /** Moves one tenant's simulated time: `ms` or `seconds`, in the query or a JSON body. */
  r.post('/clock/advance', express.json({ limit: '8kb' }), (req, res) => {
    const tenant = str(req.query.tenant);
    if (!tenant) return fail(res, 400, 'bad_request', 'tenant is required: every tenant has its own clock');
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const raw = (k: string) => body[k] ?? str(req.query[k]);
    let ms: number | undefined;
    if (raw('ms') !== undefined) ms = Number(raw('ms'));
    else if (raw('seconds') !== undefined) ms = Math.round(Number(raw('seconds')) * 1000);
    if (ms === undefined || !Number.isSafeInteger(ms) || ms < 0) {
      return fail(res, 400, 'bad_request', 'give how far to move as ms (integer) or seconds (number), zero or more, in the query or a JSON body');
    }
    deps.clock.advance(tenant, ms);
    res.json(clockOf(tenant));
  });

  // Each simulator's own inspect routes (actions such as /advance, downloads).
  const jsonBody = express.json({ limit: '1mb' });
  for (const sim of Object.values(deps.simulators)) {
    for (const route of sim.inspectRoutes ?? []) {
      const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
      r[method](`/${sim.provider}${route.pattern}`, jsonBody, async (req, res) => {
        const query = new URLSearchParams();
        for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') query.set(k, v);
        const out = await route.handler({
          params: req.params as Record<string, string>,
          query,
          body: req.body,
          tenant: str(req.query.tenant) || undefined,
        });
        res.status(out.status);
        for (const [k, v] of Object.entries(out.headers)) res.setHeader(k, v);
        if (out.body === null) return void res.end();
        if (typeof out.body === 'string' || out.body instanceof Uint8Array) return void res.end(out.body);
        await pipeline(Readable.from(out.body), res);
      });
    }
  }

  r.get('/:provider/:collection', async (req, res) => {
    const sim = deps.simulators[req.params.provider as ProviderName];
    const coll = sim?.inspect?.[req.params.collection];
    if (!coll) return fail(res, 404, 'not_found', `no collection ${req.params.provider}/${req.params.collection}`);
    const since = parseSince(str(req.query.since));
    if (!since) return fail(res, 400, 'bad_since', 'since must be an ISO time or an item id');
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') params.set(k, v);
    const q: InspectQuery = {
      tenant: str(req.query.tenant) || undefined,
      ...since,
      params,
      limit: limitOf(req.query.limit),
    };
    const items = await longPoll(req, deps, () => coll.list(q));
    res.json({ items });
  });

  r.get('/:provider/:collection/:id/*part', (req, res) => {
    const sim = deps.simulators[req.params.provider as ProviderName];
    const coll = sim?.inspect?.[req.params.collection];
    const part = req.params.part as unknown as string[];
    deps.db.flush();
    const found = coll?.resource?.(req.params.id, part);
    if (!found) return fail(res, 404, 'not_found', `no ${part.join('/')} for ${req.params.provider}/${req.params.collection}/${req.params.id}`);
    res.status(200);
    if (found.filename !== undefined) {
      if (req.query.inline === '1') res.setHeader('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(found.filename)}`);
      else res.attachment(found.filename);
    }
    for (const [k, v] of Object.entries(storedContentHeaders(found.contentType))) res.setHeader(k, v);
    res.type(found.contentType);
    res.send(typeof found.body === 'string' ? found.body : Buffer.from(found.body));
  });

  // DELETE by search: the same query parameters as GET select what goes (every match, no limit).
  r.delete('/requests', (req, res) => {
    const since = parseSince(str(req.query.since));
    if (!since || (since.sinceId !== undefined && !/^\d+$/.test(since.sinceId))) {
      return fail(res, 400, 'bad_since', 'since must be an ISO time or a request id');
    }
    const status = str(req.query.status);
    if (status !== undefined && !/^\d{3}$/.test(status)) return fail(res, 400, 'bad_status', 'status must be an HTTP status code');
    const unmatched = str(req.query.unmatched);
    deps.db.flush();
    const deleted = deps.journal.delete({
      provider: str(req.query.provider) || undefined,
      status: status ? Number(status) : undefined,
      unmatched: unmatched === undefined ? undefined : unmatched === 'true' || unmatched === '1',
      tenant: str(req.query.tenant) || undefined,
      sinceId: since.sinceId !== undefined ? Number(since.sinceId) : undefined,
      sinceTime: since.sinceTime,
    });
    res.json({ deleted });
  });

  r.delete('/:provider/:collection', (req, res) => {
    const sim = deps.simulators[req.params.provider as ProviderName];
    const coll = sim?.inspect?.[req.params.collection];
    if (!coll) return fail(res, 404, 'not_found', `no collection ${req.params.provider}/${req.params.collection}`);
    if (!coll.delete) {
      return fail(res, 405, 'not_supported', `${req.params.provider}/${req.params.collection} cannot be deleted through the inspect API`);
    }
    const since = parseSince(str(req.query.since));
    if (!since) return fail(res, 400, 'bad_since', 'since must be an ISO time or an item id');
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') params.set(k, v);
    deps.db.flush();
    const deleted = coll.delete({ tenant: str(req.query.tenant) || undefined, ...since, params, limit: Number.MAX_SAFE_INTEGER });
    res.json({ deleted });
  });

  r.use((req, res) => fail(res, 404, 'not_found', `no inspect endpoint ${req.method} ${req.path}`));

  if (deps.token) app.use('/__inspect', inspectAuth(deps.token));
  app.use('/__inspect', r);
  app.use((req, res) => fail(res, 404, 'not_found', `no internal endpoint ${req.method} ${req.path}`));
  app.use((err: unknown, _req: Request, res: Response, _next: unknown) => {
    const status = (err as { status?: number }).status ?? 500;
    fail(res, status, 'error', status === 500 ? 'internal error' : String((err as Error).message));
  });
  return app;
}
