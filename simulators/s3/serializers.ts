import { createHash } from 'node:crypto';
import type { SimResponse } from '../../src/core/index.js';
import { ALGORITHMS, headerOf, type ChecksumAlgorithm } from './checksums.js';
import { esc, requestIds } from './errors.js';
import type { BucketRow, ObjectRow, PartRow, UploadRow } from './store.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

export type Tag = { Key: string; Value: string };
export interface CorsRule {
  ID?: string;
  AllowedOrigins: string[];
  AllowedMethods: string[];
  AllowedHeaders: string[];
  ExposeHeaders: string[];
  MaxAgeSeconds?: number;
}

export type Grant = { grantee: { type: 'CanonicalUser'; id: string } | { type: 'Group'; uri: string }; permission: string };

export const isoMs = (ms: number) => new Date(ms).toISOString();
export const httpDate = (ms: number) => new Date(ms).toUTCString();

/** A canonical-user ID derived from the tenant (64 hex digits, as S3's owner IDs look). */
export function ownerId(tenant: string): string {
  return createHash('sha256').update('s3-owner:' + tenant).digest('hex');
}

/** `<Name>value</Name>` for each defined field; arrays repeat the element; objects nest. */
type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [k: string]: XmlValue };
export function el(name: string, v: XmlValue): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => el(name, x)).join('');
  if (typeof v === 'object') return `<${name}>${Object.entries(v).map(([k, x]) => el(k, x)).join('')}</${name}>`;
  return `<${name}>${esc(String(v))}</${name}>`;
}

export function xmlDoc(root: string, body: Record<string, XmlValue>): string {
  return `${DECL}<${root} xmlns="${NS}">${Object.entries(body).map(([k, v]) => el(k, v)).join('')}</${root}>`;
}

/** A document whose root holds nothing: `<Root xmlns="..."/>`, as S3 writes an unset configuration. */
export function emptyDocResponse(root: string): SimResponse {
  return { status: 200, headers: { 'content-type': 'application/xml', ...requestIds() }, body: `${DECL}<${root} xmlns="${NS}"/>` };
}

export function xmlResponse(status: number, root: string, body: Record<string, XmlValue>, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': 'application/xml', ...requestIds(), ...headers }, body: xmlDoc(root, body) };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { ...requestIds(), ...headers }, body: null };
}

export const owner = (tenant: string) => ({ ID: ownerId(tenant), DisplayName: tenant });

export function listBuckets(tenant: string, rows: BucketRow[]) {
  return {
    Owner: owner(tenant),
    Buckets: { Bucket: rows.map((b) => ({ Name: b.name, CreationDate: isoMs(b.created), BucketRegion: b.region })) },
  };
}

/** GetObjectAcl / GetBucketAcl: the owner's FULL_CONTROL, then the other grants. */
export function accessControlPolicy(tenant: string, grants: Grant[]): string {
  const o = owner(tenant);
  const xsi = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
  const grant = (g: Grant) =>
    '<Grant>' +
    (g.grantee.type === 'CanonicalUser'
      ? `<Grantee ${xsi} xsi:type="CanonicalUser">${el('ID', g.grantee.id)}${g.grantee.id === o.ID ? el('DisplayName', o.DisplayName) : ''}</Grantee>`
      : `<Grantee ${xsi} xsi:type="Group">${el('URI', g.grantee.uri)}</Grantee>`) +
    el('Permission', g.permission) +
    '</Grant>';
  const all: Grant[] = [{ grantee: { type: 'CanonicalUser', id: o.ID }, permission: 'FULL_CONTROL' }, ...grants];
  return `${DECL}<AccessControlPolicy xmlns="${NS}">${el('Owner', o)}<AccessControlList>${all.map(grant).join('')}</AccessControlList></AccessControlPolicy>`;
}

export function tagSet(tags: Tag[]) {
  return { TagSet: { Tag: tags.map((t) => ({ Key: t.Key, Value: t.Value })) } };
}

export function corsConfiguration(rules: CorsRule[]) {
  return {
    CORSRule: rules.map((r) => ({
      ID: r.ID,
      AllowedHeader: r.AllowedHeaders,
      AllowedMethod: r.AllowedMethods,
      AllowedOrigin: r.AllowedOrigins,
      ExposeHeader: r.ExposeHeaders,
      MaxAgeSeconds: r.MaxAgeSeconds,
    })),
  };
}

export type Checksums = Partial<Record<ChecksumAlgorithm, string>>;

/** `ChecksumCRC32` ... elements of a record's checksums. */
export function checksumFields(c: Checksums, type?: string | null): Record<string, XmlValue> {
  const out: Record<string, XmlValue> = {};
  for (const a of ALGORITHMS) if (c[a]) out['Checksum' + a] = c[a];
  if (type && Object.keys(out).length) out.ChecksumType = type;
  return out;
}

export function checksumHeaders(c: Checksums, type?: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of ALGORITHMS) if (c[a]) out[headerOf(a)] = c[a]!;
  if (type && Object.keys(out).length) out['x-amz-checksum-type'] = type;
  return out;
}

export function objectSummary(o: ObjectRow, enc: (s: string) => string, fetchOwner: boolean) {
  const cs = JSON.parse(o.checksums) as Checksums;
  const algos = ALGORITHMS.filter((a) => cs[a]);
  return {
    Key: enc(o.key),
    LastModified: isoMs(o.last_modified),
    ETag: o.etag,
    ChecksumAlgorithm: algos.length ? algos : undefined,
    ChecksumType: algos.length ? (o.checksum_type ?? 'FULL_OBJECT') : undefined,
    Size: o.size,
    StorageClass: o.storage_class,
    Owner: fetchOwner ? owner(o.tenant) : undefined,
  };
}

export function partSummary(p: PartRow) {
  return { PartNumber: p.part_number, LastModified: isoMs(p.last_modified), ETag: p.etag, Size: p.size, ...checksumFields(JSON.parse(p.checksums)) };
}

export function uploadSummary(u: UploadRow, enc: (s: string) => string) {
  return {
    Key: enc(u.key),
    UploadId: u.upload_id,
    Initiator: owner(u.tenant),
    Owner: owner(u.tenant),
    StorageClass: u.storage_class,
    Initiated: isoMs(u.initiated),
    ChecksumAlgorithm: u.checksum_algorithm ?? undefined,
    ChecksumType: u.checksum_type ?? undefined,
  };
}

/** S3's `encoding-type=url`: percent-encoding with `+` for spaces (botocore decodes with unquote_plus). */
export function urlEncodeKey(s: string): string {
  return encodeURIComponent(s).replace(/%2F/g, '/').replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
