import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { header, type Headers } from '../../src/core/index.js';
import type { S3Config } from './config.js';
import { errors } from './errors.js';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** What a request's credentials established. */
export interface AuthInfo {
  /** The access key ID (the tenant); undefined for anonymous requests. */
  accessKey?: string;
  presigned: boolean;
  /** The payload hash the signature covers (`x-amz-content-sha256`), for SigV4. */
  payloadHash?: string;
  /** For signed aws-chunked bodies: the seed signature and what the chunk signatures need. */
  chunkSigning?: ChunkSigning;
}

export interface ChunkSigning {
  key: Buffer;
  amzDate: string;
  scope: string;
  seed: string;
}

/** The access key ID of a SigV4/SigV2 request (header or presigned query). */
export function accessKeyOf(headers: Headers, query: string): string | undefined {
  const auth = header(headers, 'authorization');
  if (auth) {
    const v4 = /Credential=([^/,\s]+)\//.exec(auth);
    if (v4) return v4[1];
    const v2 = /^AWS\s+([^:\s]+):/.exec(auth);
    if (v2) return v2[1];
  }
  if (query) {
    const q = new URLSearchParams(query);
    const cred = q.get('X-Amz-Credential');
    if (cred) return cred.split('/')[0];
    const v2 = q.get('AWSAccessKeyId');
    if (v2) return v2;
  }
  return undefined;
}

export function safeDecode(s: string): string {
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept, everything else %XX). */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The raw query as ordered [key, value] pairs, decoded once (`+` stays `+`). */
export function queryPairs(query: string): [string, string][] {
  if (!query) return [];
  return query
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const i = p.indexOf('=');
      return i === -1 ? [safeDecode(p), ''] : [safeDecode(p.slice(0, i)), safeDecode(p.slice(i + 1))];
    });
}

const sha256hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();

const signingKeys = new Map<string, Buffer>();

/** The SigV4 signing key; it changes once a day per secret, so recent ones are kept. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\n${date}\n${region}\n${service}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
    if (signingKeys.size >= 256) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

function canonicalUri(path: string): string {
  return path
    .split('/')
    .map((seg) => rfc3986(safeDecode(seg)))
    .join('/');
}

function canonicalQuery(query: string, dropSignature: boolean): string {
  const pairs = queryPairs(query)
    .filter(([k]) => !(dropSignature && k === 'X-Amz-Signature'))
    .map(([k, v]) => [rfc3986(k), rfc3986(v)]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function headerValue(headers: Headers, name: string): string {
  const v = headers[name];
  const s = Array.isArray(v) ? v.join(',') : (v ?? '');
  return s.trim().replace(/\s+/g, ' ');
}

/** `20240101T000000Z` -> epoch ms. */
function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

const isoNoMs = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface AuthRequest {
  method: string;
  path: string;
  query: string;
  headers: Headers;
  /** Bucket addressed through the Host name (virtual-hosted style), for SigV2's resource. */
  vhostBucket?: string;
}

export class Authenticator {
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly cfg: S3Config,
    /** Wall clock, or with an access key that tenant's simulated time (presigned-URL expiry). */
    private readonly now: (tenant?: string) => number,
  ) {
    for (const k of cfg.access_keys ?? []) this.secrets.set(k.access_key_id, k.secret_access_key);
  }

  secretOf(key: string): string {
    const s = this.secrets.get(key);
    if (s !== undefined) return s;
    if (this.cfg.strictKeys) throw errors.invalidAccessKeyId(key);
    return this.cfg.defaultSecret;
  }

  authenticate(req: AuthRequest): AuthInfo {
    const auth = header(req.headers, 'authorization');
    const q = new Map(queryPairs(req.query));
    if (auth?.startsWith('AWS4-HMAC-SHA256 ')) return this.v4Header(req, auth);
    if (auth?.startsWith('AWS ')) return this.v2(req, auth, undefined);
    if (q.has('X-Amz-Signature') || q.has('X-Amz-Credential')) return this.v4Query(req, q);
    if (q.has('AWSAccessKeyId') && q.has('Signature')) return this.v2(req, undefined, q);
    if (auth) throw errors.invalidArgument('Unsupported Authorization Type', 'Authorization', auth.split(' ')[0]);
    return { presigned: false };
  }

  private checkSkew(ms: number, raw: string): void {
    const now = this.now();
    if (!Number.isFinite(ms) || Math.abs(now - ms) > this.cfg.maxSkewSeconds * 1000) {
      throw errors.tooSkewed(Number.isFinite(ms) ? raw : raw || 'missing', isoNoMs(now));
    }
  }

  private v4Header(req: AuthRequest, auth: string): AuthInfo {
    const fields = new Map<string, string>();
    for (const part of auth.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
      const i = part.indexOf('=');
      if (i > 0) fields.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
    }
    const credential = fields.get('Credential');
    const signedHeaders = fields.get('SignedHeaders');
    const signature = fields.get('Signature');
    if (!credential || !signedHeaders || !signature) {
      throw errors.authorizationHeaderMalformed('The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.');
    }
    const cred = credential.split('/');
    if (cred.length !== 5 || cred[4] !== 'aws4_request') {
      throw errors.authorizationHeaderMalformed(`The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
    }
    const [accessKey, date, region, service] = cred;
    const payloadHash = header(req.headers, 'x-amz-content-sha256');
    if (this.cfg.auth === 'off') return { accessKey, presigned: false, payloadHash };
    const secret = this.secretOf(accessKey);
    const amzDate = header(req.headers, 'x-amz-date') ?? '';
    const when = amzDate ? parseAmzDate(amzDate) : Date.parse(header(req.headers, 'date') ?? '');
    this.checkSkew(when, amzDate || header(req.headers, 'date') || '');
    if (payloadHash === undefined) throw errors.invalidRequest('Missing required header for this request: x-amz-content-sha256');
    const dateStr = amzDate || isoNoMs(when).replace(/[-:]/g, '');
    const key = signingKey(secret, date, region, service);
    const scope = `${date}/${region}/${service}/aws4_request`;
    this.checkV4(req, key, { accessKey, signature, signedHeaders, payloadHash, amzDate: dateStr, scope, presigned: false });
    const info: AuthInfo = { accessKey, presigned: false, payloadHash };
    if (payloadHash.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD')) info.chunkSigning = { key, amzDate: dateStr, scope, seed: signature };
    return info;
  }

  /** Recomputes a SigV4 signature (header or query form): SignatureDoesNotMatch, as S3 words it, when it differs. */
  private checkV4(
    req: AuthRequest,
    key: Buffer,
    s: { accessKey: string; signature: string; signedHeaders: string; payloadHash: string; amzDate: string; scope: string; presigned: boolean },
  ): void {
    const { canonical, stringToSign } = this.v4Strings(req, s.signedHeaders, s.payloadHash, s.amzDate, s.scope, s.presigned);
    if (!equal(hmac(key, stringToSign).toString('hex'), s.signature)) {
      throw errors.signatureDoesNotMatch({
        AWSAccessKeyId: s.accessKey,
        StringToSign: stringToSign,
        SignatureProvided: s.signature,
        CanonicalRequest: canonical,
      });
    }
  }

  private v4Strings(req: AuthRequest, signedHeaders: string, payloadHash: string, amzDate: string, scope: string, presigned: boolean) {
    const names = signedHeaders.split(';');
    const canonical = [
      req.method,
      canonicalUri(req.path),
      canonicalQuery(req.query, presigned),
      names.map((n) => `${n}:${headerValue(req.headers, n)}\n`).join(''),
      signedHeaders,
      payloadHash,
    ].join('\n');
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonical)].join('\n');
    return { canonical, stringToSign };
  }

  private v4Query(req: AuthRequest, q: Map<string, string>): AuthInfo {
    const credential = q.get('X-Amz-Credential') ?? '';
    const cred = credential.split('/');
    const accessKey = cred[0];
    const payloadHash = q.get('X-Amz-Content-Sha256') ?? header(req.headers, 'x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD';
    if (this.cfg.auth === 'off') return { accessKey, presigned: true, payloadHash };
    const algorithm = q.get('X-Amz-Algorithm');
    const amzDate = q.get('X-Amz-Date') ?? '';
    const expiresRaw = q.get('X-Amz-Expires') ?? '';
    const signedHeaders = q.get('X-Amz-SignedHeaders') ?? '';
    const signature = q.get('X-Amz-Signature') ?? '';
    if (algorithm !== 'AWS4-HMAC-SHA256' || cred.length !== 5 || !amzDate || !signedHeaders || !signature) {
      throw errors.authorizationQueryParametersError(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      );
    }
    const expires = Number(expiresRaw);
    if (!/^\d+$/.test(expiresRaw)) throw errors.authorizationQueryParametersError('X-Amz-Expires should be a number');
    if (expires > 604800) throw errors.authorizationQueryParametersError('X-Amz-Expires must be less than a week (in seconds) that is 604800');
    const secret = this.secretOf(accessKey);
    const when = parseAmzDate(amzDate);
    if (!Number.isFinite(when)) throw errors.authorizationQueryParametersError('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
    const now = this.now();
    if (when - now > this.cfg.maxSkewSeconds * 1000) throw errors.accessDenied();
    const [, date, region, service] = cred;
    const key = signingKey(secret, date, region, service);
    const scope = `${date}/${region}/${service}/aws4_request`;
    this.checkV4(req, key, { accessKey, signature, signedHeaders, payloadHash, amzDate, scope, presigned: true });
    // Expiry follows the tenant's simulated time; the skew check above stays on the wall clock.
    const tenantNow = this.now(accessKey);
    if (tenantNow > when + expires * 1000) {
      const e = errors.expired(isoNoMs(when + expires * 1000), isoNoMs(tenantNow));
      e.extra['X-Amz-Expires'] = expiresRaw;
      throw e;
    }
    return { accessKey, presigned: true, payloadHash };
  }

  /** SigV2: `Authorization: AWS key:sig`, or `?AWSAccessKeyId=&Expires=&Signature=`. */
  private v2(req: AuthRequest, auth: string | undefined, q: Map<string, string> | undefined): AuthInfo {
    let accessKey: string;
    let signature: string;
    let dateLine: string;
    if (auth) {
      const m = /^AWS\s+([^:\s]+):(\S+)$/.exec(auth.trim());
      if (!m) throw errors.invalidArgument('AWS authorization header is invalid.  Expected AwsAccessKeyId:signature', 'Authorization', auth);
      [, accessKey, signature] = m;
      if (this.cfg.auth === 'off') return { accessKey, presigned: false };
      const amz = header(req.headers, 'x-amz-date');
      const date = header(req.headers, 'date');
      const when = Date.parse(amz ?? date ?? '');
      this.checkSkew(when, amz ?? date ?? '');
      dateLine = amz !== undefined ? '' : (date ?? '');
    } else {
      accessKey = q!.get('AWSAccessKeyId')!;
      signature = q!.get('Signature')!;
      if (this.cfg.auth === 'off') return { accessKey, presigned: true };
      dateLine = q!.get('Expires') ?? '';
    }
    const secret = this.secretOf(accessKey);
    const amzHeaders = Object.keys(req.headers)
      .filter((k) => k.startsWith('x-amz-'))
      .sort()
      .map((k) => `${k}:${headerValue(req.headers, k)}\n`)
      .join('');
    const head = [req.method, header(req.headers, 'content-md5') ?? '', header(req.headers, 'content-type') ?? '', dateLine].join('\n') + '\n' + amzHeaders;
    // A bucket's resource is `/bucket/` for botocore and `/bucket` in S3's examples: accept both.
    const resources = [this.v2Resource(req, false), this.v2Resource(req, true)];
    let stringToSign = head + resources[0];
    let ok = false;
    for (const r of new Set(resources)) {
      const sts = head + r;
      if (equal(createHmac('sha1', secret).update(sts).digest('base64'), signature)) {
        ok = true;
        stringToSign = sts;
        break;
      }
    }
    if (!ok) {
      throw errors.signatureDoesNotMatch({
        AWSAccessKeyId: accessKey,
        StringToSign: stringToSign,
        SignatureProvided: signature,
        StringToSignBytes: Buffer.from(stringToSign).toString('hex').replace(/(..)(?!$)/g, '$1 '),
      });
    }
    if (q) {
      const expires = Number(dateLine) * 1000;
      const now = this.now(accessKey);
      if (!Number.isFinite(expires) || now > expires) throw errors.expired(isoNoMs(expires || 0), isoNoMs(now));
    }
    return { accessKey, presigned: !!q };
  }

  private v2Resource(req: AuthRequest, bucketSlash: boolean): string {
    let path = (req.vhostBucket ? '/' + req.vhostBucket : '') + req.path;
    if (bucketSlash && /^\/[^/]+$/.test(path)) path += '/';
    const sub = queryPairs(req.query)
      .filter(([k]) => V2_SUBRESOURCES.has(k))
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([k, v]) => (v === '' && !/=/.test(req.query.split('&').find((p) => safeDecode(p.split('=')[0]) === k) ?? '') ? k : `${k}=${v}`));
    return sub.length ? `${path}?${sub.join('&')}` : path;
  }
}

const V2_SUBRESOURCES = new Set([
  'accelerate', 'acl', 'cors', 'defaultObjectAcl', 'location', 'logging', 'partNumber', 'policy', 'requestPayment',
  'torrent', 'versioning', 'versionId', 'versions', 'website', 'uploads', 'uploadId', 'response-content-type',
  'response-content-language', 'response-expires', 'response-cache-control', 'response-content-disposition',
  'response-content-encoding', 'delete', 'lifecycle', 'tagging', 'restore', 'storageClass', 'notification',
  'replication', 'metrics', 'analytics', 'inventory', 'select', 'select-type', 'object-lock',
]);

/**
 * Verifies one aws-chunked chunk signature (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`); returns the
 * signature that seeds the next chunk.
 */
export function verifyChunk(s: ChunkSigning, previous: string, chunkSha256: string, provided: string): boolean {
  const sts = ['AWS4-HMAC-SHA256-PAYLOAD', s.amzDate, s.scope, previous, EMPTY_SHA256, chunkSha256].join('\n');
  return equal(hmac(s.key, sts).toString('hex'), provided);
}
