import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { systemClock, type Clock, type Config, type ProviderName, type Simulator, type SimResponse } from '../core/index.js';
import { openDatabase, parseDuration, Retention, TenantClock, type Database } from '../db/index.js';
import { EventBus } from '../events/index.js';
import type { createInspectApp } from '../inspect/api.js';
import { Journal, JOURNAL_MIGRATIONS, JOURNAL_RETENTION } from '../inspect/journal.js';
import { SettingsStore } from '../inspect/settings.js';
import { FaultStore } from '../inspect/faults.js';
import { Webhooks, WEBHOOK_RETENTION } from '../webhooks/index.js';
import { EventJournal, EVENT_RETENTION } from '../events/journal.js';
import { createLogger, type Logger } from './logger.js';
import { fromNode, writeNode } from './node.js';
import { createSimulators } from './registry.js';
import { providerFor } from './routing.js';

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  db: Database;
  bus: EventBus;
  webhooks: Webhooks;
  /** Per-tenant simulated time (POST /__inspect/clock/advance). */
  clock: TenantClock;
  simulators: Record<ProviderName, Simulator>;
  server: Server;
  logger: Logger;
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger?: Logger;
  clock?: Clock;
}

/** A vendor-shaped answer for an unexpected failure, so clients never see a stack trace. */
function internalError(provider: ProviderName): SimResponse {
  if (provider === 's3') {
    return {
      status: 500,
      headers: { 'content-type': 'application/xml' },
      body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>',
    };
  }
  const body =
    provider === 'twilio'
      ? { code: 20500, message: 'An internal server error has occurred', more_info: 'https://www.twilio.com/docs/errors/20500', status: 500 }
      : { errors: [{ message: 'internal error', field: null, help: null }] };
  return { status: 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

/**
 * Starts the simulator on one port. Vendor traffic takes a lean path (Node request ->
 * Simulator.handle -> Node response) that bypasses express; /__inspect and /__health are
 * served by express.
 */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const config = opts.config;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const baseClock = opts.clock ?? systemClock;
  let clock: Clock = baseClock;
  let ready = false;
  let sims: Record<ProviderName, Simulator> | undefined;
  let journal: Journal | undefined;
  // express (and the inspect API) load on the first /__inspect request, not at boot.
  let inspectApp: Promise<ReturnType<typeof createInspectApp>> | undefined;
  const inFlight = new Set<Promise<void>>();
  const shutdown = new AbortController();

  const handleVendor = async (req: IncomingMessage, res: ServerResponse, start: number) => {
    const simReq = fromNode(req);
    const provider = providerFor(simReq.path, simReq.query, req.headers);
    let r: SimResponse;
    try {
      r = await sims![provider].handle(simReq);
    } catch (e) {
      logger.error({ err: e, method: req.method, path: simReq.path }, 'unhandled error in simulator');
      r = internalError(provider);
    }
    if (r.status === 413 && !req.complete) r.headers['connection'] = 'close';
    if (r.reset) {
      // An injected fault: the client sees its connection drop without an answer.
      res.destroy();
    } else {
      try {
        await writeNode(res, r);
      } catch (e) {
        logger.warn({ err: e }, 'response stream failed');
        res.destroy();
      }
    }
    const ms = performance.now() - start;
    const meta = r.meta ?? {};
    journal!.record({
      time: clock.now(),
      method: simReq.method,
      path: simReq.path,
      query: simReq.query,
      provider,
      operation: meta.operation ?? null,
      tenant: meta.tenant ?? null,
      status: r.status,
      duration_ms: Math.round(ms * 1000) / 1000,
      unmatched: meta.unmatched ?? false,
      fault: meta.fault ?? null,
    });
    logger.info(
      { method: simReq.method, path: simReq.path, status: r.status, ms: Math.round(ms * 100) / 100, provider, op: meta.operation, tenant: meta.tenant, fault: meta.fault?.rule },
      'request',
    );
  };

  const server = createServer((req, res) => {
    const start = performance.now();
    const url = req.url ?? '/';
    if (!ready) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end('{"status":"starting"}');
      return;
    }
    if (url.startsWith('/__')) {
      res.on('finish', () =>
        logger.info({ method: req.method, path: url.split('?')[0], status: res.statusCode, ms: Math.round((performance.now() - start) * 100) / 100, provider: 'internal' }, 'request'),
      );
      if (url === '/__health' || url.startsWith('/__health?')) {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end('{"status":"ok"}');
        return;
      }
      inspectApp ??= import('../inspect/api.js').then((m) =>
        m.createInspectApp({ db, journal: journal!, simulators: sims!, webhooks, settings, events, faults, clock: tenantClock, shutdownSignal: shutdown.signal, token: config.inspectToken }),
      );
      inspectApp.then(
        (app) => app(req, res),
        (e) => {
          logger.error({ err: e }, 'inspect API failed to load');
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
          res.end('{"error":{"code":"error","message":"internal error"}}');
        },
      );
      return;
    }
    const p = handleVendor(req, res, start).finally(() => inFlight.delete(p));
    inFlight.add(p);
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  if (!config.publicUrl) {
    const h = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    config.publicUrl = `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
  }

  let db: Database;
  try {
    db = openDatabase({ inMemory: config.inMemory, dataDir: config.dataDir, sync: config.dbSync });
    db.migrate('core', JOURNAL_MIGRATIONS);
  } catch (e) {
    server.close();
    throw e;
  }
  const tenantClock = new TenantClock(db, baseClock);
  clock = tenantClock;
  const bus = new EventBus();
  const webhooks = new Webhooks(db, clock, {
    maxAttempts: config.webhookMaxAttempts,
    backoffMs: config.webhookBackoffMs,
    timeoutMs: config.webhookTimeoutMs,
    concurrency: 16,
  });
  const settings = new SettingsStore(db, config);
  const events = new EventJournal(db, bus, config.journalMax);
  const faults = new FaultStore(db, bus, clock, shutdown.signal);
  sims = createSimulators({ db, bus, clock, config, webhooks, settings, faults });
  journal = new Journal(db, config.journalMax);
  const retention = new Retention(
    db,
    [JOURNAL_RETENTION, EVENT_RETENTION, WEBHOOK_RETENTION, ...Object.values(sims).flatMap((s) => s.retention ?? [])],
    { maxRecords: config.inspectMaxRecords, maxAgeMs: parseDuration(config.inspectMaxAge), intervalMs: config.inspectPruneIntervalMs, clock: baseClock },
  );
  retention.start();
  webhooks.kick();
  ready = true;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      shutdown.abort();
      retention.stop();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.allSettled([...inFlight]);
      const force = setTimeout(() => server.closeAllConnections(), 5000);
      await stopped;
      clearTimeout(force);
      for (const s of Object.values(sims!)) await s.close?.();
      await webhooks.close();
      db.close();
      logger.flush?.();
    })());

  return { webhooks, clock: tenantClock, url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`, port, config, db, bus, simulators: sims, server, logger, close };
}
