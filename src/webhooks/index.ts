import { lazyModule, type Clock, type RetentionTarget } from '../core/index.js';
import type { Database, Statement } from '../db/index.js';

// The HTTP client loads with the first delivery, not at boot.
const undici = lazyModule<typeof import('undici')>('undici', import.meta.url);

/**
 * The persistent webhook outbox. A vendor operation calls `enqueue()` INSIDE its db.write()
 * job, so the delivery row commits in the same SQLite transaction as the state change that
 * causes it: a crash can never lose a callback. A worker delivers asynchronously (never
 * blocking an API response), in order per resource, retrying connection errors and 5xx with
 * backoff, resuming after a restart. Every attempt is recorded. Vendors register a signer
 * (headers computed over the exact bytes sent) and, where the answer matters (TwiML), a reply
 * handler that continues the vendor's lifecycle from the response.
 */

export const WEBHOOK_MIGRATIONS = [
  {
    id: '001_outbox',
    sql: `CREATE TABLE webhook_outbox (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      provider      TEXT NOT NULL,
      tenant        TEXT NOT NULL,
      resource      TEXT NOT NULL,
      kind          TEXT NOT NULL,
      url           TEXT NOT NULL,
      method        TEXT NOT NULL,
      content_type  TEXT,
      body          BLOB,
      signer        TEXT,
      reply         TEXT,
      context       TEXT NOT NULL DEFAULT '{}',
      status        TEXT NOT NULL DEFAULT 'pending',
      attempts      INTEGER NOT NULL DEFAULT 0,
      next_attempt  INTEGER NOT NULL,
      created       INTEGER NOT NULL,
      updated       INTEGER NOT NULL
    );
    CREATE INDEX webhook_outbox_due ON webhook_outbox (status, resource, id);
    CREATE INDEX webhook_outbox_tenant ON webhook_outbox (tenant, id);
    CREATE TABLE webhook_attempts (
      id               INTEGER PRIMARY KEY AUTOINCREMENT,
      outbox_id        INTEGER NOT NULL,
      tenant           TEXT NOT NULL,
      time             INTEGER NOT NULL,
      url              TEXT NOT NULL,
      method           TEXT NOT NULL,
      request_headers  TEXT NOT NULL,
      request_body     TEXT,
      status           INTEGER,
      response_headers TEXT,
      response_body    TEXT,
      latency_ms       REAL NOT NULL,
      error            TEXT
    );
    CREATE INDEX webhook_attempts_outbox ON webhook_attempts (outbox_id, id);`,
  },
];

/** Finished deliveries and their attempts, pruned by the retention limits (pending ones are kept). */
export const WEBHOOK_RETENTION: RetentionTarget = {
  table: 'webhook_outbox',
  tenant: 'tenant',
  time: 'created',
  order: 'id',
  where: "status IN ('delivered', 'failed')",
  children: [{ table: 'webhook_attempts', column: 'outbox_id', parent: 'id' }],
};

export interface OutgoingRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Delivery {
  id: number;
  provider: string;
  tenant: string;
  resource: string;
  kind: string;
  url: string;
  method: string;
  context: Record<string, unknown>;
  attempts: number;
}

/** Adds signature headers to a request about to be sent (over its exact bytes). */
export type Signer = (req: OutgoingRequest, d: Delivery) => void;

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Continues a vendor lifecycle from the app's answer (called once, after a 2xx). */
export type ReplyHandler = (d: Delivery, reply: Reply) => Promise<void> | void;

export interface EnqueueOptions {
  provider: string;
  tenant: string;
  /** Deliveries of one resource are sent in order, one at a time. */
  resource: string;
  kind: string;
  url: string;
  method?: string;
  /** Form parameters (sent as application/x-www-form-urlencoded, or in the query for GET). */
  params?: [string, string][];
  /** Or a raw body with its content type. */
  body?: { contentType: string; data: string | Buffer };
  signer?: string;
  reply?: string;
  context?: Record<string, unknown>;
}

interface OutboxRow {
  id: number;
  provider: string;
  tenant: string;
  resource: string;
  kind: string;
  url: string;
  method: string;
  content_type: string | null;
  body: Buffer | null;
  signer: string | null;
  reply: string | null;
  context: string;
  status: string;
  attempts: number;
  next_attempt: number;
  created: number;
  updated: number;
}

export interface WebhookOptions {
  maxAttempts: number;
  timeoutMs: number;
  /** First retry delay; doubles each attempt. */
  backoffMs: number;
  concurrency: number;
}

const EXCERPT = 2048;

export class Webhooks {
  private readonly signers = new Map<string, Signer>();
  private readonly replies = new Map<string, ReplyHandler>();
  private readonly insert: Statement;
  private readonly due: Statement;
  private readonly claim: Statement;
  private readonly finish: Statement;
  private readonly addAttempt: Statement;
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private inFlight = new Set<Promise<void>>();
  private busyResources = new Set<string>();
  private stopped = false;
  private kickScheduled = false;
  /** Set by enqueue(): the next commit has deliveries for the worker. */
  private dirty = true;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly opts: WebhookOptions,
  ) {
    db.migrate('webhooks', WEBHOOK_MIGRATIONS);
    const s = db.sql;
    // Deliveries interrupted by a crash or a restart are sent again.
    s.prepare("UPDATE webhook_outbox SET status = 'pending' WHERE status = 'delivering'").run();
    this.insert = s.prepare(
      `INSERT INTO webhook_outbox (provider, tenant, resource, kind, url, method, content_type, body, signer, reply, context,
         status, attempts, next_attempt, created, updated)
       VALUES (@provider, @tenant, @resource, @kind, @url, @method, @content_type, @body, @signer, @reply, @context,
         'pending', 0, @now, @now, @now)`,
    );
    // The oldest pending delivery of each resource, if it is due.
    this.due = s.prepare(
      `SELECT o.* FROM webhook_outbox o
       JOIN (SELECT resource, MIN(id) AS id FROM webhook_outbox WHERE status IN ('pending', 'delivering') GROUP BY resource) f
         ON o.id = f.id
       WHERE o.status = 'pending' ORDER BY o.next_attempt, o.id LIMIT 64`,
    );
    this.claim = s.prepare("UPDATE webhook_outbox SET status = 'delivering', updated = ? WHERE id = ? AND status = 'pending'");
    this.finish = s.prepare('UPDATE webhook_outbox SET status = ?, attempts = ?, next_attempt = ?, updated = ? WHERE id = ?');
    this.addAttempt = s.prepare(
      `INSERT INTO webhook_attempts (outbox_id, tenant, time, url, method, request_headers, request_body, status,
         response_headers, response_body, latency_ms, error)
       VALUES (@outbox_id, @tenant, @time, @url, @method, @request_headers, @request_body, @status, @response_headers,
         @response_body, @latency_ms, @error)`,
    );
    db.onCommit(() => {
      if (this.dirty) this.kick();
    });
  }

  registerSigner(name: string, signer: Signer): void {
    this.signers.set(name, signer);
  }

  registerReply(name: string, handler: ReplyHandler): void {
    this.replies.set(name, handler);
  }

  /** Writes a delivery. Call it inside the db.write() job of the state change that causes it. */
  enqueue(o: EnqueueOptions): number {
    const method = (o.method ?? 'POST').toUpperCase();
    let url = o.url;
    let contentType: string | null = null;
    let body: Buffer | null = null;
    if (o.body) {
      contentType = o.body.contentType;
      body = Buffer.isBuffer(o.body.data) ? o.body.data : Buffer.from(o.body.data);
    } else if (o.params) {
      const qs = new URLSearchParams(o.params).toString();
      if (method === 'GET') url += (url.includes('?') ? '&' : '?') + qs;
      else {
        contentType = 'application/x-www-form-urlencoded';
        body = Buffer.from(qs);
      }
    }
    this.dirty = true;
    const info = this.insert.run({
      provider: o.provider,
      tenant: o.tenant,
      resource: o.resource,
      kind: o.kind,
      url,
      method,
      content_type: contentType,
      body,
      signer: o.signer ?? null,
      reply: o.reply ?? null,
      context: JSON.stringify(o.context ?? {}),
      now: this.clock.now(),
    });
    return Number(info.lastInsertRowid);
  }

  /** Sends a delivery again (from the inspect API), whatever its state. */
  retry(id: number): boolean {
    const r = this.db
      .stmt("UPDATE webhook_outbox SET status = 'pending', next_attempt = ?, updated = ? WHERE id = ? AND status != 'delivering'")
      .run(this.clock.now(), this.clock.now(), id);
    this.kick();
    return r.changes > 0;
  }

  /** Looks for due deliveries soon (after the current commit). */
  kick(): void {
    if (this.stopped || this.kickScheduled) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.stopped) return;
    this.dirty = false;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const rows = this.due.all() as OutboxRow[];
    const now = this.clock.now();
    let nextWake = Infinity;
    for (const row of rows) {
      if (this.running >= this.opts.concurrency) break;
      if (this.busyResources.has(row.resource)) continue;
      if (row.next_attempt > now) {
        nextWake = Math.min(nextWake, row.next_attempt);
        continue;
      }
      if (this.claim.run(now, row.id).changes === 0) continue;
      this.running++;
      this.busyResources.add(row.resource);
      const p = this.deliver(row).finally(() => {
        this.running--;
        this.busyResources.delete(row.resource);
        this.inFlight.delete(p);
        this.kick();
      });
      this.inFlight.add(p);
    }
    if (nextWake !== Infinity) {
      this.timer = setTimeout(() => this.pump(), Math.max(10, Math.min(nextWake - now, 60_000)));
      this.timer.unref();
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const d: Delivery = {
      id: row.id,
      provider: row.provider,
      tenant: row.tenant,
      resource: row.resource,
      kind: row.kind,
      url: row.url,
      method: row.method,
      context: JSON.parse(row.context) as Record<string, unknown>,
      attempts: row.attempts,
    };
    const out: OutgoingRequest = {
      url: row.url,
      method: row.method,
      headers: { 'user-agent': 'provider-sim webhooks' },
      body: row.body ?? Buffer.alloc(0),
    };
    if (row.content_type) out.headers['content-type'] = row.content_type;
    let error: string | null = null;
    let status: number | null = null;
    let resHeaders: Record<string, string> = {};
    let resBody = '';
    const started = performance.now();
    try {
      if (row.signer) {
        const signer = this.signers.get(row.signer);
        if (!signer) throw new Error(`no signer "${row.signer}" registered`);
        signer(out, d);
      }
      const res = await undici().request(out.url, {
        method: out.method as 'POST',
        headers: out.headers,
        body: out.method === 'GET' || out.method === 'HEAD' ? undefined : out.body,
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
      });
      status = res.statusCode;
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) resHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
      resBody = await res.body.text();
    } catch (e) {
      error = (e as Error).message || String(e);
    }
    const latency = performance.now() - started;
    const attempts = row.attempts + 1;
    const ok = status !== null && status >= 200 && status < 300;
    const retryable = !ok && (status === null || status >= 500 || status === 429);
    const exhausted = attempts >= this.opts.maxAttempts;
    const now = this.clock.now();
    const nextStatus = ok ? 'delivered' : retryable && !exhausted ? 'pending' : 'failed';
    const next = nextStatus === 'pending' ? now + this.opts.backoffMs * 2 ** (attempts - 1) : now;
    if (this.stopped && !this.db.sql.open) return;
    this.db.transaction(() => {
      this.addAttempt.run({
        outbox_id: row.id,
        tenant: row.tenant,
        time: now,
        url: out.url,
        method: out.method,
        request_headers: JSON.stringify(out.headers),
        request_body: out.body.toString('utf8'),
        status,
        response_headers: status === null ? null : JSON.stringify(resHeaders),
        response_body: status === null ? null : resBody.slice(0, EXCERPT),
        latency_ms: Math.round(latency * 1000) / 1000,
        error,
      });
      this.finish.run(nextStatus, attempts, next, now, row.id);
    });
    if (ok && row.reply) {
      const handler = this.replies.get(row.reply);
      if (handler) {
        try {
          await handler({ ...d, attempts }, { status: status!, headers: resHeaders, body: resBody });
        } catch {
          // a vendor's reply handling records its own errors
        }
      }
    }
  }

  /** Deliveries (newest first) with their attempts, for /__inspect/webhooks. */
  list(q: { tenant?: string; provider?: string; status?: string; resource?: string; sinceId?: number; sinceTime?: number; limit: number }) {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.tenant) (where.push('tenant = ?'), args.push(q.tenant));
    if (q.provider) (where.push('provider = ?'), args.push(q.provider));
    if (q.status) (where.push('status = ?'), args.push(q.status));
    if (q.resource) (where.push('resource = ?'), args.push(q.resource));
    if (q.sinceId !== undefined) (where.push('id > ?'), args.push(q.sinceId));
    if (q.sinceTime !== undefined) (where.push('created > ?'), args.push(q.sinceTime));
    const rows = this.db
      .stmt(`SELECT * FROM webhook_outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`)
      .all(...args, q.limit) as OutboxRow[];
    const attemptsOf = this.db.stmt('SELECT * FROM webhook_attempts WHERE outbox_id = ? ORDER BY id');
    return rows.map((r) => ({
      id: r.id,
      provider: r.provider,
      tenant: r.tenant,
      resource: r.resource,
      kind: r.kind,
      url: r.url,
      method: r.method,
      content_type: r.content_type,
      body: r.body ? r.body.toString('utf8') : null,
      status: r.status,
      attempt_count: r.attempts,
      next_attempt: r.status === 'pending' ? new Date(r.next_attempt).toISOString() : null,
      created: new Date(r.created).toISOString(),
      attempts: (attemptsOf.all(r.id) as Record<string, unknown>[]).map((a) => ({
        time: new Date(a.time as number).toISOString(),
        url: a.url,
        method: a.method,
        request_headers: JSON.parse(a.request_headers as string),
        request_body: a.request_body,
        status: a.status,
        response_headers: a.response_headers ? JSON.parse(a.response_headers as string) : null,
        response_body: a.response_body,
        latency_ms: a.latency_ms,
        error: a.error,
      })),
    }));
  }

  reset(tenant?: string): void {
    const s = this.db.sql;
    if (tenant) {
      s.prepare('DELETE FROM webhook_attempts WHERE tenant = ?').run(tenant);
      s.prepare('DELETE FROM webhook_outbox WHERE tenant = ?').run(tenant);
    } else {
      s.prepare('DELETE FROM webhook_attempts').run();
      s.prepare('DELETE FROM webhook_outbox').run();
    }
  }

  /** Stops taking new deliveries and waits for the ones in flight. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }
}
