import type { S3Call } from '../context.js';
import { errors, S3Error } from '../errors.js';
import type { Grant } from '../serializers.js';
import { child, children, parseXml, text, type XmlNode } from '../xml.js';
import { acl as cannedAcl } from './common.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

const PERMISSIONS = new Set(['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP']);
const GRANT_HEADERS: [string, string][] = [
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
];

/** The grants S3 lists for a canned ACL, besides the owner's FULL_CONTROL. */
export function cannedGrants(canned: string): Grant[] {
  const group = (uri: string, permission: string): Grant => ({ grantee: { type: 'Group', uri }, permission });
  switch (canned) {
    case 'public-read':
      return [group(ALL_USERS, 'READ')];
    case 'public-read-write':
      return [group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE')];
    case 'authenticated-read':
      return [group(AUTHENTICATED_USERS, 'READ')];
    case 'log-delivery-write':
      return [group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP')];
    default:
      return [];
  }
}

/** The canned ACL closest to a list of grants: what the group grants allow is what is enforced. */
function cannedOf(grants: Grant[]): string {
  const has = (uri: string, ...perms: string[]) =>
    grants.some((g) => g.grantee.type === 'Group' && g.grantee.uri === uri && (g.permission === 'FULL_CONTROL' || perms.includes(g.permission)));
  if (has(ALL_USERS, 'READ') && has(ALL_USERS, 'WRITE')) return 'public-read-write';
  if (has(ALL_USERS, 'READ')) return 'public-read';
  if (has(AUTHENTICATED_USERS, 'READ')) return 'authenticated-read';
  if (has(LOG_DELIVERY, 'WRITE')) return 'log-delivery-write';
  return 'private';
}

const malformedAcl = () =>
  new S3Error(400, 'MalformedACLError', 'The XML you provided was not well-formed or did not validate against our published schema');

/** `uri="..."`, `id="..."`, `emailAddress="..."` entries of an x-amz-grant-* header. */
function headerGrants(value: string, permission: string): Grant[] {
  return value.split(',').map((entry) => {
    const m = /^\s*(uri|id|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(entry);
    if (!m) throw errors.invalidArgument('Invalid grant header', GRANT_HEADERS.find(([, p]) => p === permission)![0], value);
    if (m[1].toLowerCase() === 'emailaddress') throw errors.notImplemented();
    return m[1].toLowerCase() === 'uri' ? { grantee: { type: 'Group', uri: m[2] }, permission } : { grantee: { type: 'CanonicalUser', id: m[2] }, permission };
  });
}

/**
 * The ACL a PutObjectAcl / PutBucketAcl request asks for, as a canned ACL: from `x-amz-acl`,
 * `x-amz-grant-*` headers or an `AccessControlPolicy` document (only one of the three).
 */
export async function requestedAcl(call: S3Call): Promise<string> {
  const headerGrantList = GRANT_HEADERS.flatMap(([name, perm]) => {
    const v = call.h(name);
    return v === undefined ? [] : headerGrants(v, perm);
  });
  const raw = await call.req.body.bytes(64 * 1024).catch(() => {
    throw malformedAcl();
  });
  const hasBody = raw.toString('utf8').trim() !== '';
  if (call.h('x-amz-acl') !== undefined) {
    if (headerGrantList.length) throw errors.invalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
    if (hasBody) throw new S3Error(400, 'UnexpectedContent', 'This request does not support content');
    return cannedAcl(call);
  }
  if (headerGrantList.length) {
    if (hasBody) throw new S3Error(400, 'UnexpectedContent', 'This request does not support content');
    return cannedOf(headerGrantList);
  }
  if (!hasBody) throw new S3Error(400, 'MissingSecurityHeader', 'Your request was missing a required header', { MissingHeaderName: 'x-amz-acl' });
  let doc: XmlNode;
  try {
    doc = parseXml(raw.toString('utf8'));
  } catch {
    throw malformedAcl();
  }
  const policy = child(doc, 'AccessControlPolicy');
  const list = child(policy, 'AccessControlList');
  if (!policy || !list) throw malformedAcl();
  const grants = children(list, 'Grant').map((g): Grant => {
    const grantee = child(g, 'Grantee');
    const permission = text(g, 'Permission');
    if (!grantee || !permission || !PERMISSIONS.has(permission)) throw malformedAcl();
    const uri = text(grantee, 'URI');
    const id = text(grantee, 'ID');
    if (uri !== undefined) return { grantee: { type: 'Group', uri }, permission };
    if (id !== undefined) return { grantee: { type: 'CanonicalUser', id }, permission };
    if (text(grantee, 'EmailAddress') !== undefined) throw errors.notImplemented();
    throw malformedAcl();
  });
  return cannedOf(grants);
}
