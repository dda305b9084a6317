import { join } from 'node:path';
import {
  BodyAbortedError,
  header,
  storedContentHeaders,
  injectFault,
  type FaultErrorAction,
  type FaultHook,
  type FaultTargets,
  type InjectedFault,
  type InspectCollection,
  type InspectQuery,
  type InspectRoute,
  type Simulator,
  type SimulatorDeps,
  type SimRequest,
  type SimResponse,
} from '../../src/core/index.js';
import { loadMigrations } from '../../src/db/index.js';
import type { EventBus } from '../../src/events/index.js';
import { accessKeyOf, Authenticator, queryPairs, safeDecode, type AuthInfo } from './auth.js';
import { FileBlobStore, MemoryBlobStore } from './blobs.js';
import type { S3Config } from './config.js';
import { headerGetter, type S3Call, type S3Context } from './context.js';
import { corsHeaders, matchRule, preflight } from './cors.js';
import { errors, S3Error } from './errors.js';
import { emitS3Event } from './events.js';
import { handlers, postObjectHandler, resolve } from './routes.js';
import type { CorsRule } from './serializers.js';
import { S3Store, type BucketRow, type ObjectRow } from './store.js';

export { s3Config } from './config.js';

const PUBLIC_READ = new Set(['public-read', 'public-read-write']);

/** S3: path-style at the root, virtual-hosted under `<bucket>.<domain>`; answers in S3's XML. */
export class S3Simulator implements Simulator {
  readonly provider = 's3' as const;
  readonly inspect: Record<string, InspectCollection>;
  /** `GET /__inspect/s3/objects/<id>/download`: the object's bytes. */
  readonly inspectRoutes: InspectRoute[] = [
    { method: 'GET', pattern: '/objects/:id/download', handler: (r) => this.download(r.params.id, r.tenant, r.query.get('inline') === '1') },
  ];
  private readonly ctx: S3Context;
  private readonly auth: Authenticator;
  private readonly postObject: ReturnType<typeof postObjectHandler>;
  readonly faultTargets: FaultTargets = { operations: [...Object.keys(handlers), 'PostObject'], fields: ['bucket', 'key'] };
  private readonly faults: FaultHook | undefined;

  private readonly bus: EventBus;

  constructor(deps: SimulatorDeps) {
    this.bus = deps.bus;
    this.faults = deps.faults;
    deps.db.migrate('s3', loadMigrations('simulators/s3/migrations'));
    const cfg: S3Config = {
      auth: 'on',
      strictKeys: false,
      defaultSecret: 'test',
      domain: 's3.localhost',
      maxSkewSeconds: 900,
      ...(deps.config.s3 as Partial<S3Config> | undefined),
    };
    const store = new S3Store(deps.db);
    const blobs = deps.config.inMemory ? new MemoryBlobStore() : new FileBlobStore(join(deps.config.dataDir, 's3'));
    blobs.sweep(new Set((store.allBlobs.all() as { blob: string }[]).map((r) => r.blob)));
    this.ctx = { db: deps.db, store, blobs, clock: deps.clock, cfg, publicUrl: deps.config.publicUrl };
    this.auth = new Authenticator(cfg, (tenant) => deps.clock.now(tenant));
    this.postObject = postObjectHandler((k) => this.auth.secretOf(k));
    this.inspect = {
      objects: { list: (q) => this.inspectObjects(q) },
      buckets: { list: (q) => this.inspectBuckets(q) },
    };
  }

  /** Bucket from the Host name (virtual-hosted style) or the first path segment. */
  private locate(req: SimRequest): { bucket?: string; key?: string; vhost?: string } {
    const host = (header(req.headers, 'host') ?? '').toLowerCase().replace(/:\d+$/, '');
    const domain = this.ctx.cfg.domain.toLowerCase();
    let vhost: string | undefined;
    if (host.endsWith('.' + domain)) vhost = host.slice(0, -domain.length - 1);
    if (vhost) {
      const key = req.path.length > 1 ? safeDecode(req.path.slice(1)) : undefined;
      return { bucket: vhost, key, vhost };
    }
    const p = req.path.startsWith('/') ? req.path.slice(1) : req.path;
    if (p === '') return {};
    const slash = p.indexOf('/');
    if (slash === -1) return { bucket: safeDecode(p) };
    const bucket = safeDecode(p.slice(0, slash));
    const rest = p.slice(slash + 1);
    return { bucket, key: rest === '' ? undefined : safeDecode(rest) };
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    let call: S3Call | undefined;
    let operation: string | undefined;
    let tenant: string | undefined;
    let bucketRow: Readonly<BucketRow> | undefined;
    try {
      const where = this.locate(req);
      const q = new Map<string, string>();
      for (const [k, v] of queryPairs(req.query)) if (!q.has(k)) q.set(k, v);
      const h = headerGetter(req);
      if (req.method === 'OPTIONS') {
        operation = 'PreflightRequest';
        const b = where.bucket ? (this.ctx.store.bucketByName.get(where.bucket) as BucketRow | undefined) : undefined;
        tenant = b?.tenant;
        return withMeta(preflight(b ? b.cors : undefined, h), operation, tenant);
      }
      call = { req, method: req.method, auth: { presigned: false }, tenant: '', anonymous: true, bucket: where.bucket, key: where.key, q, h };
      // Unsupported operations answer NotImplemented whatever the credentials.
      operation = resolve(call);
      if (!operation) {
        this.drain(req);
        return errors.notImplemented().toResponse({ tenant: accessKeyOf(req.headers, req.query), unmatched: true }, req.method);
      }
      if (operation === 'PostObject') {
        bucketRow = where.bucket ? (this.ctx.store.bucketByName.get(where.bucket) as BucketRow | undefined) : undefined;
        // The form carries the credentials: a fault sees the bucket owner as the tenant.
        const fault = this.faults?.armed('s3') ? await this.fault(call, operation, bucketRow?.tenant) : undefined;
        if (fault?.response) return fault.response;
        try {
          const res = await this.postObject(this.ctx, call);
          tenant = call.tenant;
          emitS3Event(this.bus, operation, res.status, tenant, where.bucket, undefined, this.ctx.clock.now());
          this.applyCors(res, call, bucketRow);
          return withMeta(res, operation, tenant, fault);
        } catch (e) {
          tenant = call.tenant || undefined;
          if (e instanceof S3Error) this.drain(req);
          throw e;
        }
      }
      let info: AuthInfo;
      try {
        info = this.auth.authenticate({ method: req.method, path: req.path, query: req.query, headers: req.headers, vhostBucket: where.vhost });
      } catch (e) {
        if (e instanceof S3Error) this.drain(req);
        throw e;
      }
      const anonymous = info.accessKey === undefined;
      if (anonymous && where.bucket) {
        bucketRow = this.ctx.store.bucketByName.get(where.bucket) as BucketRow | undefined;
        tenant = bucketRow?.tenant;
      } else tenant = info.accessKey;
      call.auth = info;
      call.tenant = tenant ?? '';
      call.anonymous = anonymous;
      if (where.key !== undefined && Buffer.byteLength(where.key) > 1024) {
        throw new S3Error(400, 'KeyTooLongError', 'Your key is too long', { MaxSizeAllowed: '1024', Size: String(Buffer.byteLength(where.key)) });
      }
      if (anonymous) this.authorizeAnonymous(call, operation, bucketRow);
      if (!anonymous || this.ctx.cfg.auth === 'off') bucketRow ??= where.bucket ? this.ctx.store.bucketOf(call.tenant, where.bucket) : undefined;
      const fault = this.faults?.armed('s3') ? await this.fault(call, operation, tenant, bucketRow) : undefined;
      if (fault?.response) return fault.response;
      const res = await handlers[operation](this.ctx, call);
      emitS3Event(this.bus, operation, res.status, tenant, where.bucket, operation === 'DeleteObjects' ? undefined : where.key, this.ctx.clock.now());
      this.applyCors(res, call, bucketRow);
      return withMeta(res, operation, tenant, fault);
    } catch (e) {
      if (e instanceof S3Error) {
        tenant ??= accessKeyOf(req.headers, req.query);
        const res = e.toResponse({ operation, tenant }, req.method);
        if (call) this.applyCors(res, call, bucketRow);
        return res;
      }
      if (e instanceof BodyAbortedError) {
        return errors.incompleteBody().toResponse({ operation, tenant }, req.method);
      }
      throw e;
    }
  }

  /** An injected fault (PUT /__inspect/faults) for this request, matched on its bucket and key. */
  private async fault(call: S3Call, operation: string, tenant: string | undefined, bucket?: BucketRow): Promise<InjectedFault | undefined> {
    const fields = { bucket: call.bucket, key: call.key };
    const fault = await injectFault(this.faults, { provider: 's3', operation, tenant, fields: () => fields }, (a) => faultError(a, call.method));
    if (fault?.response) {
      if (!fault.response.reset) {
        this.drain(call.req);
        this.applyCors(fault.response, call, bucket);
      }
    }
    return fault;
  }

  /** Unsigned requests reach a bucket by name; public-read ACLs allow reads. */
  private authorizeAnonymous(call: S3Call, operation: string, bucket: BucketRow | undefined): void {
    if (this.ctx.cfg.auth === 'off') {
      if (!call.tenant) call.tenant = 'anonymous';
      return;
    }
    if (!bucket) {
      if (call.bucket) throw errors.noSuchBucket(call.bucket);
      throw errors.accessDenied();
    }
    if (operation === 'GetObject' || operation === 'HeadObject') {
      if (PUBLIC_READ.has(bucket.acl)) return;
      const o = call.key !== undefined ? (this.ctx.store.object.get(bucket.tenant, bucket.name, call.key) as ObjectRow | undefined) : undefined;
      if (o && PUBLIC_READ.has(o.acl)) return;
      throw errors.accessDenied();
    }
    if ((operation === 'ListObjects' || operation === 'ListObjectsV2' || operation === 'HeadBucket') && PUBLIC_READ.has(bucket.acl)) return;
    if (operation === 'PutObject' && bucket.acl === 'public-read-write') return;
    this.drain(call.req);
    throw errors.accessDenied();
  }

  private applyCors(res: SimResponse, call: S3Call, bucket: BucketRow | undefined): void {
    const origin = call.h('origin');
    if (!origin || !bucket?.cors) return;
    const rule = matchRule(JSON.parse(bucket.cors) as CorsRule[], origin, call.method, []);
    if (!rule) return;
    const h = corsHeaders(rule, origin, []);
    delete h['access-control-allow-headers'];
    Object.assign(res.headers, h);
  }

  private drain(req: SimRequest): void {
    (async () => {
      try {
        for await (const _ of req.body.stream()) void _;
      } catch {
        // the client went away
      }
    })();
  }

  reset(tenant?: string): void {
    const blobs = this.ctx.db.transaction(() => this.ctx.store.reset(tenant));
    for (const b of blobs) this.ctx.blobs.delete(b);
  }

  tenants(): { tenant: string; created: string }[] {
    return (this.ctx.store.tenants.all() as { tenant: string; created: number }[]).map((t) => ({
      tenant: t.tenant,
      created: new Date(t.created).toISOString(),
    }));
  }

  private downloadUrl(o: ObjectRow): string {
    return `${this.ctx.publicUrl}/__inspect/s3/objects/${o.seq}/download`;
  }

  /** /__inspect/s3/objects?bucket=&prefix= : newest first. */
  private inspectObjects(q: InspectQuery): unknown[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.tenant) (where.push('tenant = ?'), args.push(q.tenant));
    const bucket = q.params.get('bucket');
    if (bucket) (where.push('bucket = ?'), args.push(bucket));
    const prefix = q.params.get('prefix');
    if (prefix) (where.push('substr(key, 1, ?) = ?'), args.push([...prefix].length, prefix));
    const key = q.params.get('key');
    if (key) (where.push('key = ?'), args.push(key));
    if (q.sinceTime !== undefined) (where.push('last_modified > ?'), args.push(q.sinceTime));
    if (q.sinceId !== undefined) (where.push('seq > ?'), args.push(/^\d+$/.test(q.sinceId) ? Number(q.sinceId) : 9e18));
    const sql = `SELECT * FROM s3_objects ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.ctx.db.stmt(sql).all(...args, q.limit) as ObjectRow[];
    return rows.map((o) => ({
      id: String(o.seq),
      tenant: o.tenant,
      bucket: o.bucket,
      key: o.key,
      size: o.size,
      etag: o.etag,
      content_type: o.content_type ?? 'binary/octet-stream',
      metadata: JSON.parse(o.metadata) as Record<string, string>,
      tags: Object.fromEntries((JSON.parse(o.tags) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value])),
      checksums: JSON.parse(o.checksums) as Record<string, string>,
      storage_class: o.storage_class,
      last_modified: new Date(o.last_modified).toISOString(),
      download_url: this.downloadUrl(o),
    }));
  }

  private inspectBuckets(q: InspectQuery): unknown[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.tenant) (where.push('tenant = ?'), args.push(q.tenant));
    const name = q.params.get('name') ?? q.params.get('bucket');
    if (name) (where.push('name = ?'), args.push(name));
    if (q.sinceTime !== undefined) (where.push('created > ?'), args.push(q.sinceTime));
    if (q.sinceId !== undefined) (where.push('seq > ?'), args.push(/^\d+$/.test(q.sinceId) ? Number(q.sinceId) : 9e18));
    const sql = `SELECT b.*, (SELECT COUNT(*) FROM s3_objects o WHERE o.tenant = b.tenant AND o.bucket = b.name) AS objects,
      (SELECT COALESCE(SUM(size), 0) FROM s3_objects o WHERE o.tenant = b.tenant AND o.bucket = b.name) AS bytes
      FROM s3_buckets b ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.ctx.db.stmt(sql).all(...args, q.limit) as (BucketRow & { objects: number; bytes: number })[];
    return rows.map((b) => ({
      id: String(b.seq),
      tenant: b.tenant,
      name: b.name,
      region: b.region,
      acl: b.acl,
      created: new Date(b.created).toISOString(),
      objects: b.objects,
      bytes: b.bytes,
      cors: b.cors ? (JSON.parse(b.cors) as unknown) : null,
      tags: b.tags ? Object.fromEntries((JSON.parse(b.tags) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value])) : {},
    }));
  }

  private download(id: string, tenant: string | undefined, inline: boolean): SimResponse {
    this.ctx.db.flush();
    const o = /^\d+$/.test(id)
      ? (this.ctx.db.stmt('SELECT * FROM s3_objects WHERE seq = ?').get(Number(id)) as ObjectRow | undefined)
      : undefined;
    if (!o || (tenant && o.tenant !== tenant)) {
      return {
        status: 404,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ error: { code: 'not_found', message: `no s3 object ${id}` } }),
      };
    }
    const name = o.key.split('/').pop() || 'object';
    return {
      status: 200,
      headers: {
        'content-type': o.content_type ?? 'binary/octet-stream',
        'content-length': String(o.size),
        'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`,
        ...storedContentHeaders(o.content_type ?? 'binary/octet-stream'),
        etag: o.etag,
      },
      body: o.size === 0 ? '' : this.ctx.blobs.read(o.blob, 0, o.size - 1),
    };
  }
}

function withMeta(res: SimResponse, operation: string, tenant: string | undefined, fault?: InjectedFault): SimResponse {
  res.meta = { operation, tenant, fault: fault?.meta };
  return res;
}

const FAULT_CODES: Record<number, [string, string]> = {
  400: ['InvalidRequest', 'Invalid Request'],
  403: ['AccessDenied', 'Access Denied'],
  404: ['NoSuchKey', 'The specified key does not exist.'],
  409: ['OperationAborted', 'A conflicting conditional operation is currently in progress against this resource. Please try again.'],
  500: ['InternalError', 'We encountered an internal error. Please try again.'],
  501: ['NotImplemented', 'A header you provided implies functionality that is not implemented'],
  503: ['SlowDown', 'Please reduce your request rate.'],
};

const FAULT_STATUS: Record<string, number> = {
  SlowDown: 503,
  ServiceUnavailable: 503,
  InternalError: 500,
  AccessDenied: 403,
  NoSuchKey: 404,
  NoSuchBucket: 404,
  RequestTimeout: 400,
  InvalidRequest: 400,
  OperationAborted: 409,
  NotImplemented: 501,
};

const FAULT_MESSAGES: Record<string, string> = {
  ServiceUnavailable: 'Please reduce your request rate.',
  NoSuchBucket: 'The specified bucket does not exist',
  RequestTimeout: 'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.',
};

/**
 * S3's XML error for an injected fault, with x-amz-request-id. Defaults: 503 SlowDown; a status
 * alone takes S3's usual code for it (500 -> InternalError), a known code alone its status.
 */
function faultError(a: FaultErrorAction, method: string): SimResponse {
  const code = typeof a.code === 'string' ? a.code : undefined;
  const status = a.status ?? (code === undefined ? 503 : (FAULT_STATUS[code] ?? 500));
  const [defaultCode, defaultMessage] = FAULT_CODES[status] ?? FAULT_CODES[500];
  const c = code ?? defaultCode;
  const message = a.message ?? (c === defaultCode ? defaultMessage : (FAULT_MESSAGES[c] ?? FAULT_CODES[FAULT_STATUS[c]]?.[1] ?? 'We encountered an internal error. Please try again.'));
  return new S3Error(status, c, message).toResponse(undefined, method);
}
