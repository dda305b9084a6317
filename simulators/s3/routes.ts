import type { SimResponse } from '../../src/core/index.js';
import { ALGORITHMS } from './checksums.js';
import type { S3Call, S3Context } from './context.js';
import { errors } from './errors.js';
import { checksumsOf } from './operations/common.js';
import { PostObject } from './operations/PostObject.js';
import { AbortMultipartUpload } from './operations/AbortMultipartUpload.js';
import { CompleteMultipartUpload } from './operations/CompleteMultipartUpload.js';
import { CopyObject } from './operations/CopyObject.js';
import { CreateBucket } from './operations/CreateBucket.js';
import { CreateMultipartUpload } from './operations/CreateMultipartUpload.js';
import { DeleteBucket } from './operations/DeleteBucket.js';
import { DeleteBucketCors } from './operations/DeleteBucketCors.js';
import { DeleteBucketTagging } from './operations/DeleteBucketTagging.js';
import { DeleteObject } from './operations/DeleteObject.js';
import { DeleteObjectTagging } from './operations/DeleteObjectTagging.js';
import { DeleteObjects } from './operations/DeleteObjects.js';
import { GetBucketAcl } from './operations/GetBucketAcl.js';
import { GetBucketCors } from './operations/GetBucketCors.js';
import { GetBucketLocation } from './operations/GetBucketLocation.js';
import { GetBucketTagging } from './operations/GetBucketTagging.js';
import { GetBucketVersioning } from './operations/GetBucketVersioning.js';
import { GetObject } from './operations/GetObject.js';
import { GetObjectAcl } from './operations/GetObjectAcl.js';
import { GetObjectTagging } from './operations/GetObjectTagging.js';
import { HeadBucket } from './operations/HeadBucket.js';
import { HeadObject } from './operations/HeadObject.js';
import { ListBuckets } from './operations/ListBuckets.js';
import { ListMultipartUploads } from './operations/ListMultipartUploads.js';
import { ListObjectVersions } from './operations/ListObjectVersions.js';
import { ListObjects } from './operations/ListObjects.js';
import { ListObjectsV2 } from './operations/ListObjectsV2.js';
import { ListParts } from './operations/ListParts.js';
import { PutBucketAcl } from './operations/PutBucketAcl.js';
import { PutBucketCors } from './operations/PutBucketCors.js';
import { PutBucketTagging } from './operations/PutBucketTagging.js';
import { PutObject } from './operations/PutObject.js';
import { PutObjectAcl } from './operations/PutObjectAcl.js';
import { PutObjectTagging } from './operations/PutObjectTagging.js';
import { UploadPart } from './operations/UploadPart.js';
import { DeleteBucketLifecycle } from './operations/DeleteBucketLifecycle.js';
import { DeleteBucketPolicy } from './operations/DeleteBucketPolicy.js';
import { DeleteBucketWebsite } from './operations/DeleteBucketWebsite.js';
import { GetBucketAccelerateConfiguration } from './operations/GetBucketAccelerateConfiguration.js';
import { GetBucketEncryption } from './operations/GetBucketEncryption.js';
import { GetBucketLifecycleConfiguration } from './operations/GetBucketLifecycleConfiguration.js';
import { GetBucketLogging } from './operations/GetBucketLogging.js';
import { GetBucketNotificationConfiguration } from './operations/GetBucketNotificationConfiguration.js';
import { GetBucketOwnershipControls } from './operations/GetBucketOwnershipControls.js';
import { GetBucketPolicy } from './operations/GetBucketPolicy.js';
import { GetBucketPolicyStatus } from './operations/GetBucketPolicyStatus.js';
import { GetBucketReplication } from './operations/GetBucketReplication.js';
import { GetBucketRequestPayment } from './operations/GetBucketRequestPayment.js';
import { GetBucketWebsite } from './operations/GetBucketWebsite.js';
import { GetObjectLockConfiguration } from './operations/GetObjectLockConfiguration.js';
import { GetPublicAccessBlock } from './operations/GetPublicAccessBlock.js';
import { PutBucketVersioning } from './operations/PutBucketVersioning.js';
import { UploadPartCopy } from './operations/UploadPartCopy.js';
import {
  accessControlPolicy,
  checksumFields,
  checksumHeaders,
  corsConfiguration,
  emptyDocResponse,
  emptyResponse,
  httpDate,
  isoMs,
  listBuckets,
  objectSummary,
  owner,
  partSummary,
  tagSet,
  uploadSummary,
  urlEncodeKey,
  xmlResponse,
  type Checksums,
  type Grant,
} from './serializers.js';
import type { ObjectRow } from './store.js';
import { requestIds } from './errors.js';

export type Handler = (ctx: S3Context, call: S3Call) => Promise<SimResponse> | SimResponse;

/** Browser-form uploads carry their signature in the form: authenticated by the operation itself. */
export function postObjectHandler(secretOf: (key: string) => string): Handler {
  return async (ctx, c) => {
    const r = await PostObject(ctx, c, secretOf);
    const o = r.object;
    const location = `${ctx.publicUrl}/${encodeURIComponent(o.bucket)}/${o.key.split('/').map(encodeURIComponent).join('/')}`;
    if (r.status === 303) return emptyResponse(303, { location: r.redirect!, etag: o.etag });
    if (r.status === 201) return xmlResponse(201, 'PostResponse', { Location: location, Bucket: o.bucket, Key: o.key, ETag: o.etag }, { etag: o.etag, location });
    return emptyResponse(r.status, { etag: o.etag, location });
  };
}

/**
 * Subresources that make a bucket-level PUT or DELETE some other operation: with one of them a
 * request never falls through to CreateBucket or DeleteBucket (it is NotImplemented instead).
 */
const BUCKET_SUBRESOURCES = ['acl', 'cors', 'tagging', 'versioning', 'versions', 'uploads', 'location', 'delete', 'uploadId', 'partNumber'];

/** Subresources S3 has that the simulator does not serve: answered with NotImplemented. */
const UNSUPPORTED = [
  'analytics', 'inventory', 'metrics', 'intelligent-tiering', 'legal-hold', 'retention', 'restore', 'select', 'torrent',
  'attributes', 'session', 'metadataTable', 'renameObject',
];

/**
 * Bucket configurations the simulator never holds, by subresource: reading one answers as S3 does
 * for a bucket where it was never set. Writing one (and the rest of these requests) is NotImplemented.
 */
const BUCKET_CONFIG: Record<string, { GET?: OperationName; DELETE?: OperationName }> = {
  policy: { GET: 'GetBucketPolicy', DELETE: 'DeleteBucketPolicy' },
  policyStatus: { GET: 'GetBucketPolicyStatus' },
  lifecycle: { GET: 'GetBucketLifecycleConfiguration', DELETE: 'DeleteBucketLifecycle' },
  encryption: { GET: 'GetBucketEncryption' },
  website: { GET: 'GetBucketWebsite', DELETE: 'DeleteBucketWebsite' },
  replication: { GET: 'GetBucketReplication' },
  logging: { GET: 'GetBucketLogging' },
  accelerate: { GET: 'GetBucketAccelerateConfiguration' },
  requestPayment: { GET: 'GetBucketRequestPayment' },
  'object-lock': { GET: 'GetObjectLockConfiguration' },
  ownershipControls: { GET: 'GetBucketOwnershipControls' },
  publicAccessBlock: { GET: 'GetPublicAccessBlock' },
  notification: { GET: 'GetBucketNotificationConfiguration' },
};

const OBJECT_RESPONSE_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'];

function objectHeaders(o: ObjectRow): Record<string, string> {
  const stored = JSON.parse(o.headers) as Record<string, string>;
  const h: Record<string, string> = {
    ...requestIds(),
    'content-type': o.content_type ?? 'binary/octet-stream',
    etag: o.etag,
    'last-modified': httpDate(o.last_modified),
    'accept-ranges': 'bytes',
    ...stored,
  };
  for (const [k, v] of Object.entries(JSON.parse(o.metadata) as Record<string, string>)) h['x-amz-meta-' + k] = v;
  if (o.storage_class !== 'STANDARD') h['x-amz-storage-class'] = o.storage_class;
  const tags = JSON.parse(o.tags) as unknown[];
  if (tags.length) h['x-amz-tagging-count'] = String(tags.length);
  return h;
}

function readObject(ctx: S3Context, call: S3Call, head: boolean): SimResponse {
  const r = head ? HeadObject(ctx, call) : GetObject(ctx, call);
  const o = r.object;
  const headers = objectHeaders(o);
  if (r.status === 304) {
    const h: Record<string, string> = { ...requestIds(), etag: o.etag, 'last-modified': headers['last-modified'] };
    return { status: 304, headers: h, body: null };
  }
  for (const name of OBJECT_RESPONSE_HEADERS.concat('content-type')) {
    const v = call.q.get('response-' + name);
    if (v !== undefined) {
      if (call.anonymous) throw errors.invalidRequest('Request specific response headers cannot be used for anonymous GET requests.');
      headers[name] = v;
    }
  }
  if (call.h('x-amz-checksum-mode')?.toUpperCase() === 'ENABLED' && !r.range) {
    Object.assign(headers, checksumHeaders(checksumsOf(o.checksums), o.checksum_type));
  }
  if (r.partsCount !== undefined) headers['x-amz-mp-parts-count'] = String(r.partsCount);
  if (r.range) {
    headers['content-range'] = `bytes ${r.range.start}-${r.range.end}/${o.size}`;
    headers['content-length'] = String(r.range.end - r.range.start + 1);
  } else headers['content-length'] = String(o.size);
  if (head) return { status: r.status, headers, body: null };
  if (o.size === 0) return { status: r.status, headers, body: '' };
  const start = r.range?.start ?? 0;
  const end = r.range?.end ?? o.size - 1;
  let small: Buffer | undefined;
  try {
    small = ctx.blobs.readSmall(o.blob, o.size);
  } catch (e) {
    // deleted since it was looked up
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw errors.noSuchKey(o.key);
    throw e;
  }
  const body = small ? small.subarray(start, end + 1) : ctx.blobs.read(o.blob, start, end);
  return { status: r.status, headers, body };
}

const versionId = { 'x-amz-version-id': 'null' };

function putHeaders(o: ObjectRow): Record<string, string> {
  const stored = JSON.parse(o.headers) as Record<string, string>;
  const h: Record<string, string> = { etag: o.etag, ...checksumHeaders(checksumsOf(o.checksums), o.checksum_type) };
  for (const k of Object.keys(stored)) if (k.startsWith('x-amz-server-side-encryption')) h[k] = stored[k];
  return h;
}

function aclResponse(tenant: string, grants: Grant[]): SimResponse {
  return { status: 200, headers: { 'content-type': 'application/xml', ...requestIds() }, body: accessControlPolicy(tenant, grants) };
}

function listEncoder(encoding: 'url' | undefined): (s: string) => string {
  return encoding === 'url' ? urlEncodeKey : (s) => s;
}

export type OperationName = string;

/** Which operation a request is: by method, bucket/key presence and query subresource. */
export function resolve(call: S3Call): OperationName | undefined {
  const q = call.q;
  const m = call.method;
  if (m === 'OPTIONS') return 'PreflightRequest';
  if (call.bucket === undefined) return m === 'GET' ? 'ListBuckets' : undefined;
  for (const s of UNSUPPORTED) if (q.has(s)) return undefined;
  for (const [s, ops] of Object.entries(BUCKET_CONFIG)) {
    if (!q.has(s)) continue;
    return call.key === undefined && (m === 'GET' || m === 'DELETE') ? ops[m] : undefined;
  }
  if (call.key === undefined) {
    switch (m) {
      case 'GET':
        if (q.has('location')) return 'GetBucketLocation';
        if (q.has('acl')) return 'GetBucketAcl';
        if (q.has('cors')) return 'GetBucketCors';
        if (q.has('tagging')) return 'GetBucketTagging';
        if (q.has('versioning')) return 'GetBucketVersioning';
        if (q.has('versions')) return 'ListObjectVersions';
        if (q.has('uploads')) return 'ListMultipartUploads';
        if (q.get('list-type') === '2') return 'ListObjectsV2';
        return 'ListObjects';
      case 'HEAD':
        return 'HeadBucket';
      case 'PUT':
        if (q.has('acl')) return 'PutBucketAcl';
        if (q.has('cors')) return 'PutBucketCors';
        if (q.has('tagging')) return 'PutBucketTagging';
        if (q.has('versioning')) return 'PutBucketVersioning';
        if (BUCKET_SUBRESOURCES.some((r) => q.has(r))) return undefined;
        return 'CreateBucket';
      case 'DELETE':
        if (q.has('cors')) return 'DeleteBucketCors';
        if (q.has('tagging')) return 'DeleteBucketTagging';
        if (BUCKET_SUBRESOURCES.some((r) => q.has(r))) return undefined;
        return 'DeleteBucket';
      case 'POST':
        if (q.has('delete')) return 'DeleteObjects';
        if (/^multipart\/form-data/i.test(call.h('content-type') ?? '')) return 'PostObject';
        return undefined;
    }
    return undefined;
  }
  switch (m) {
    case 'GET':
      if (q.has('acl')) return 'GetObjectAcl';
      if (q.has('tagging')) return 'GetObjectTagging';
      if (q.has('uploadId')) return 'ListParts';
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (q.has('acl')) return 'PutObjectAcl';
      if (q.has('tagging')) return 'PutObjectTagging';
      if (q.has('uploadId') || q.has('partNumber')) return call.h('x-amz-copy-source') ? 'UploadPartCopy' : 'UploadPart';
      if (call.h('x-amz-copy-source')) return 'CopyObject';
      return 'PutObject';
    case 'DELETE':
      if (q.has('tagging')) return 'DeleteObjectTagging';
      if (q.has('uploadId')) return 'AbortMultipartUpload';
      if (q.has('acl') || q.has('versioning') || q.has('uploads')) return undefined;
      return 'DeleteObject';
    case 'POST':
      if (q.has('uploads')) return 'CreateMultipartUpload';
      if (q.has('uploadId')) return 'CompleteMultipartUpload';
      return undefined;
  }
  return undefined;
}

export const handlers: Record<string, Handler> = {
  ListBuckets: (ctx, c) => xmlResponse(200, 'ListAllMyBucketsResult', listBuckets(c.tenant, ListBuckets(ctx, c))),
  CreateBucket: async (ctx, c) => {
    await CreateBucket(ctx, c);
    return emptyResponse(200, { location: '/' + c.bucket });
  },
  HeadBucket: (ctx, c) => {
    const b = HeadBucket(ctx, c);
    return emptyResponse(200, { 'x-amz-bucket-region': b.region, 'content-type': 'application/xml' });
  },
  DeleteBucket: async (ctx, c) => {
    await DeleteBucket(ctx, c);
    return emptyResponse(204);
  },
  GetBucketLocation: (ctx, c) => {
    const region = GetBucketLocation(ctx, c);
    return {
      status: 200,
      headers: { 'content-type': 'application/xml', ...requestIds() },
      body:
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
        (region === 'us-east-1'
          ? '<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>'
          : `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${region}</LocationConstraint>`),
    };
  },
  GetBucketAcl: (ctx, c) => aclResponse(c.tenant, GetBucketAcl(ctx, c)),
  PutBucketAcl: async (ctx, c) => {
    await PutBucketAcl(ctx, c);
    return emptyResponse(200);
  },
  GetBucketCors: (ctx, c) => xmlResponse(200, 'CORSConfiguration', corsConfiguration(GetBucketCors(ctx, c))),
  PutBucketCors: async (ctx, c) => {
    await PutBucketCors(ctx, c);
    return emptyResponse(200);
  },
  DeleteBucketCors: async (ctx, c) => {
    await DeleteBucketCors(ctx, c);
    return emptyResponse(204);
  },
  GetBucketTagging: (ctx, c) => xmlResponse(200, 'Tagging', tagSet(GetBucketTagging(ctx, c))),
  PutBucketTagging: async (ctx, c) => {
    await PutBucketTagging(ctx, c);
    return emptyResponse(204);
  },
  DeleteBucketTagging: async (ctx, c) => {
    await DeleteBucketTagging(ctx, c);
    return emptyResponse(204);
  },
  GetBucketVersioning: (ctx, c) => {
    const status = GetBucketVersioning(ctx, c);
    return status ? xmlResponse(200, 'VersioningConfiguration', { Status: status }) : emptyDocResponse('VersioningConfiguration');
  },
  PutBucketVersioning: async (ctx, c) => {
    await PutBucketVersioning(ctx, c);
    return emptyResponse(200);
  },
  GetBucketPolicy: (ctx, c) => GetBucketPolicy(ctx, c),
  GetBucketPolicyStatus: (ctx, c) => GetBucketPolicyStatus(ctx, c),
  DeleteBucketPolicy: (ctx, c) => {
    DeleteBucketPolicy(ctx, c);
    return emptyResponse(204);
  },
  GetBucketLifecycleConfiguration: (ctx, c) => GetBucketLifecycleConfiguration(ctx, c),
  DeleteBucketLifecycle: (ctx, c) => {
    DeleteBucketLifecycle(ctx, c);
    return emptyResponse(204);
  },
  GetBucketEncryption: (ctx, c) => {
    const sse = GetBucketEncryption(ctx, c);
    return xmlResponse(200, 'ServerSideEncryptionConfiguration', {
      Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: sse.algorithm }, BucketKeyEnabled: sse.bucketKey },
    });
  },
  GetBucketWebsite: (ctx, c) => GetBucketWebsite(ctx, c),
  DeleteBucketWebsite: (ctx, c) => {
    DeleteBucketWebsite(ctx, c);
    return emptyResponse(204);
  },
  GetBucketReplication: (ctx, c) => GetBucketReplication(ctx, c),
  GetBucketLogging: (ctx, c) => {
    GetBucketLogging(ctx, c);
    return emptyDocResponse('BucketLoggingStatus');
  },
  GetBucketAccelerateConfiguration: (ctx, c) => {
    GetBucketAccelerateConfiguration(ctx, c);
    return emptyDocResponse('AccelerateConfiguration');
  },
  GetBucketRequestPayment: (ctx, c) => xmlResponse(200, 'RequestPaymentConfiguration', { Payer: GetBucketRequestPayment(ctx, c) }),
  GetObjectLockConfiguration: (ctx, c) => GetObjectLockConfiguration(ctx, c),
  GetBucketOwnershipControls: (ctx, c) =>
    xmlResponse(200, 'OwnershipControls', { Rule: { ObjectOwnership: GetBucketOwnershipControls(ctx, c) } }),
  GetPublicAccessBlock: (ctx, c) => GetPublicAccessBlock(ctx, c),
  GetBucketNotificationConfiguration: (ctx, c) => {
    GetBucketNotificationConfiguration(ctx, c);
    return emptyDocResponse('NotificationConfiguration');
  },
  ListObjectsV2: (ctx, c) => {
    const r = ListObjectsV2(ctx, c);
    const enc = listEncoder(r.encoding);
    return xmlResponse(200, 'ListBucketResult', {
      Name: c.bucket,
      Prefix: enc(r.prefix),
      Delimiter: r.delimiter !== undefined ? enc(r.delimiter) : undefined,
      MaxKeys: r.max,
      EncodingType: r.encoding,
      KeyCount: r.objects.length + r.prefixes.length,
      IsTruncated: r.truncated,
      ContinuationToken: r.continuationToken,
      NextContinuationToken: r.nextToken,
      StartAfter: r.startAfter !== undefined ? enc(r.startAfter) : undefined,
      Contents: r.objects.map((o) => objectSummary(o, enc, r.fetchOwner)),
      CommonPrefixes: r.prefixes.map((p) => ({ Prefix: enc(p) })),
    });
  },
  ListObjects: (ctx, c) => {
    const r = ListObjects(ctx, c);
    const enc = listEncoder(r.encoding);
    return xmlResponse(200, 'ListBucketResult', {
      Name: c.bucket,
      Prefix: enc(r.prefix),
      Marker: enc(r.marker),
      NextMarker: r.truncated && r.delimiter !== undefined && r.last !== undefined ? enc(r.last) : undefined,
      MaxKeys: r.max,
      Delimiter: r.delimiter !== undefined ? enc(r.delimiter) : undefined,
      IsTruncated: r.truncated,
      EncodingType: r.encoding,
      Contents: r.objects.map((o) => objectSummary(o, enc, true)),
      CommonPrefixes: r.prefixes.map((p) => ({ Prefix: enc(p) })),
    });
  },
  ListObjectVersions: (ctx, c) => {
    const r = ListObjectVersions(ctx, c);
    const enc = listEncoder(r.encoding);
    return xmlResponse(200, 'ListVersionsResult', {
      Name: c.bucket,
      Prefix: enc(r.prefix),
      KeyMarker: enc(r.keyMarker),
      VersionIdMarker: r.versionIdMarker,
      NextKeyMarker: r.truncated && r.last !== undefined ? enc(r.last) : undefined,
      NextVersionIdMarker: r.truncated && r.last !== undefined ? 'null' : undefined,
      MaxKeys: r.max,
      Delimiter: r.delimiter !== undefined ? enc(r.delimiter) : undefined,
      EncodingType: r.encoding,
      IsTruncated: r.truncated,
      Version: r.objects.map((o) => {
        const s = objectSummary(o, enc, true);
        return { Key: s.Key, VersionId: 'null', IsLatest: true, LastModified: s.LastModified, ETag: s.ETag, ChecksumAlgorithm: s.ChecksumAlgorithm, ChecksumType: s.ChecksumType, Size: s.Size, StorageClass: s.StorageClass, Owner: s.Owner };
      }),
      CommonPrefixes: r.prefixes.map((p) => ({ Prefix: enc(p) })),
    });
  },
  PutObject: async (ctx, c) => emptyResponse(200, putHeaders(await PutObject(ctx, c))),
  GetObject: (ctx, c) => readObject(ctx, c, false),
  HeadObject: (ctx, c) => readObject(ctx, c, true),
  DeleteObject: async (ctx, c) => {
    await DeleteObject(ctx, c);
    return emptyResponse(204, c.q.has('versionId') ? versionId : {});
  },
  DeleteObjects: async (ctx, c) => {
    const r = await DeleteObjects(ctx, c);
    return xmlResponse(200, 'DeleteResult', { Deleted: r.quiet ? [] : r.deleted, Error: r.errors });
  },
  CopyObject: async (ctx, c) => {
    const o = await CopyObject(ctx, c);
    const h = putHeaders(o);
    delete h.etag;
    for (const a of ALGORITHMS) delete h['x-amz-checksum-' + a.toLowerCase()];
    delete h['x-amz-checksum-type'];
    return xmlResponse(200, 'CopyObjectResult', { ETag: o.etag, LastModified: isoMs(o.last_modified), ...checksumFields(checksumsOf(o.checksums), o.checksum_type) }, h);
  },
  GetObjectAcl: (ctx, c) => aclResponse(c.tenant, GetObjectAcl(ctx, c)),
  PutObjectAcl: async (ctx, c) => {
    await PutObjectAcl(ctx, c);
    return emptyResponse(200);
  },
  GetObjectTagging: (ctx, c) => xmlResponse(200, 'Tagging', tagSet(GetObjectTagging(ctx, c))),
  PutObjectTagging: async (ctx, c) => {
    await PutObjectTagging(ctx, c);
    return emptyResponse(200);
  },
  DeleteObjectTagging: async (ctx, c) => {
    await DeleteObjectTagging(ctx, c);
    return emptyResponse(204);
  },
  CreateMultipartUpload: async (ctx, c) => {
    const u = await CreateMultipartUpload(ctx, c);
    const h: Record<string, string> = {};
    if (u.checksum_algorithm) h['x-amz-checksum-algorithm'] = u.checksum_algorithm;
    if (u.checksum_type) h['x-amz-checksum-type'] = u.checksum_type;
    const sse = JSON.parse(u.headers) as Record<string, string>;
    for (const k of Object.keys(sse)) if (k.startsWith('x-amz-server-side-encryption')) h[k] = sse[k];
    return xmlResponse(200, 'InitiateMultipartUploadResult', { Bucket: c.bucket, Key: c.key, UploadId: u.upload_id }, h);
  },
  UploadPart: async (ctx, c) => {
    const { part } = await UploadPart(ctx, c);
    return emptyResponse(200, { etag: part.etag, ...checksumHeaders(checksumsOf(part.checksums)) });
  },
  UploadPartCopy: async (ctx, c) => {
    const { part } = await UploadPartCopy(ctx, c);
    return xmlResponse(200, 'CopyPartResult', { ETag: part.etag, LastModified: isoMs(part.last_modified), ...checksumFields(checksumsOf(part.checksums)) });
  },
  ListParts: (ctx, c) => {
    const r = ListParts(ctx, c);
    const last = r.parts.at(-1);
    return xmlResponse(200, 'ListPartsResult', {
      Bucket: c.bucket,
      Key: c.key,
      UploadId: r.upload.upload_id,
      PartNumberMarker: r.marker,
      NextPartNumberMarker: last ? last.part_number : undefined,
      MaxParts: r.max,
      IsTruncated: r.truncated,
      Part: r.parts.map(partSummary),
      Initiator: owner(r.upload.tenant),
      Owner: owner(r.upload.tenant),
      StorageClass: r.upload.storage_class,
      ChecksumAlgorithm: r.upload.checksum_algorithm ?? undefined,
      ChecksumType: r.upload.checksum_type ?? undefined,
    });
  },
  ListMultipartUploads: (ctx, c) => {
    const r = ListMultipartUploads(ctx, c);
    const last = r.uploads.at(-1);
    return xmlResponse(200, 'ListMultipartUploadsResult', {
      Bucket: c.bucket,
      KeyMarker: r.keyMarker,
      UploadIdMarker: r.uploadIdMarker,
      NextKeyMarker: r.truncated && last ? last.key : undefined,
      NextUploadIdMarker: r.truncated && last ? last.upload_id : undefined,
      Prefix: r.prefix,
      Delimiter: r.delimiter,
      MaxUploads: r.max,
      IsTruncated: r.truncated,
      Upload: r.uploads.map((u) => uploadSummary(u, (s) => s)),
      CommonPrefixes: r.prefixes.map((p) => ({ Prefix: p })),
    });
  },
  CompleteMultipartUpload: async (ctx, c) => {
    const o = await CompleteMultipartUpload(ctx, c);
    const sums: Checksums = checksumsOf(o.checksums);
    const h = putHeaders(o);
    delete h.etag;
    for (const a of ALGORITHMS) delete h['x-amz-checksum-' + a.toLowerCase()];
    delete h['x-amz-checksum-type'];
    return xmlResponse(
      200,
      'CompleteMultipartUploadResult',
      {
        Location: `${ctx.publicUrl}/${encodeURIComponent(o.bucket)}/${o.key.split('/').map(encodeURIComponent).join('/')}`,
        Bucket: o.bucket,
        Key: o.key,
        ETag: o.etag,
        ...checksumFields(sums, o.checksum_type),
      },
      h,
    );
  },
  AbortMultipartUpload: async (ctx, c) => {
    await AbortMultipartUpload(ctx, c);
    return emptyResponse(204);
  },
};
