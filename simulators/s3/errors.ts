import { randomHex, type ResponseMeta, type SimResponse } from '../../src/core/index.js';

export const esc = (s: string) =>
  s.replace(/[<>&'"\r]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;', '\r': '&#13;' })[c]!);

export function requestIds(): { 'x-amz-request-id': string; 'x-amz-id-2': string } {
  return {
    'x-amz-request-id': randomHex(8).toUpperCase(),
    'x-amz-id-2': Buffer.from(randomHex(24), 'hex').toString('base64'),
  };
}

/** An S3 error: XML `<Error><Code/><Message/>...<RequestId/><HostId/></Error>`. */
export class S3Error extends Error {
  headers: Record<string, string> = {};

  constructor(
    readonly status: number,
    public code: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }

  withCode(code: string): this {
    this.code = code;
    return this;
  }

  withHeaders(h: Record<string, string>): this {
    Object.assign(this.headers, h);
    return this;
  }

  toResponse(meta?: ResponseMeta, method = 'GET'): SimResponse {
    const ids = requestIds();
    const extra = Object.entries(this.extra)
      .map(([k, v]) => `<${k}>${esc(v)}</${k}>`)
      .join('');
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${this.code}</Code><Message>${esc(this.message)}</Message>${extra}` +
      `<RequestId>${ids['x-amz-request-id']}</RequestId><HostId>${ids['x-amz-id-2']}</HostId></Error>`;
    // HEAD responses carry no body, as S3 sends them
    const head = method === 'HEAD';
    return {
      status: this.status,
      headers: { 'content-type': 'application/xml', ...ids, ...this.headers, ...(head ? { 'content-length': '0' } : {}) },
      body: head ? null : xml,
      meta,
    };
  }
}

const e = (status: number, code: string, message: string, extra?: Record<string, string>) => new S3Error(status, code, message, extra);

export const errors = {
  notImplemented: () => e(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented'),
  accessDenied: () => e(403, 'AccessDenied', 'Access Denied'),
  invalidAccessKeyId: (key: string) =>
    e(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: key }),
  signatureDoesNotMatch: (extra: Record<string, string>) =>
    e(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', extra),
  tooSkewed: (requestTime: string, serverTime: string) =>
    e(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
      RequestTime: requestTime,
      ServerTime: serverTime,
      MaxAllowedSkewMilliseconds: '900000',
    }),
  expired: (expires: string, serverTime: string) =>
    e(403, 'AccessDenied', 'Request has expired', { 'X-Amz-Expires': '', Expires: expires, ServerTime: serverTime }),
  authorizationHeaderMalformed: (msg: string) => e(400, 'AuthorizationHeaderMalformed', msg),
  authorizationQueryParametersError: (msg: string) => e(400, 'AuthorizationQueryParametersError', msg),
  sha256Mismatch: (client: string, computed: string) =>
    e(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
      ClientComputedContentSHA256: client,
      S3ComputedContentSHA256: computed,
    }),
  invalidSha256: () => e(400, 'InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a hex SHA-256'),
  badDigestMd5: () => e(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.'),
  invalidDigest: () => e(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.'),
  badChecksum: (alg: string) => e(400, 'BadDigest', `The ${alg} you specified did not match the calculated checksum.`),
  invalidChecksumValue: (alg: string) => e(400, 'InvalidRequest', `Value for x-amz-checksum-${alg.toLowerCase()} header is invalid.`),
  invalidChunk: () => e(400, 'InvalidChunkSizeError', 'Only the last chunk is allowed to have a size less than 8192 bytes'),
  incompleteBody: () => e(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.'),
  invalidRequest: (msg: string) => e(400, 'InvalidRequest', msg),
  invalidArgument: (msg: string, name?: string, value?: string) =>
    e(400, 'InvalidArgument', msg, name !== undefined ? { ArgumentName: name, ArgumentValue: value ?? '' } : {}),
  malformedXml: () => e(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema'),
  noSuchBucket: (bucket: string) => e(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket }),
  noSuchKey: (key: string) => e(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }),
  noSuchUpload: (id: string) =>
    e(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: id }),
  noSuchCors: (bucket: string) => e(404, 'NoSuchCORSConfiguration', 'The CORS configuration does not exist', { BucketName: bucket }),
  noSuchTagSet: (bucket: string) => e(404, 'NoSuchTagSet', 'The TagSet does not exist', { BucketName: bucket }),
  noSuchBucketPolicy: (bucket: string) => e(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist', { BucketName: bucket }),
  noSuchLifecycle: (bucket: string) => e(404, 'NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', { BucketName: bucket }),
  noSuchWebsite: (bucket: string) => e(404, 'NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration', { BucketName: bucket }),
  noReplication: (bucket: string) => e(404, 'ReplicationConfigurationNotFoundError', 'The replication configuration was not found', { BucketName: bucket }),
  noObjectLock: (bucket: string) => e(404, 'ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist for this bucket', { BucketName: bucket }),
  noPublicAccessBlock: (bucket: string) =>
    e(404, 'NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', { BucketName: bucket }),
  versioningNotSimulated: () => e(501, 'NotImplemented', 'Bucket versioning is not simulated: only Suspended can be set, objects keep the version null'),
  mfaDeleteNotSimulated: () => e(501, 'NotImplemented', 'MFA Delete is not simulated'),
  invalidPartNumber: (part: number, count: number) =>
    e(416, 'InvalidPartNumber', 'The requested partnumber is not satisfiable', { PartNumberRequested: String(part), ActualPartCount: String(count) }),
  noSuchVersion: (key: string, v: string) => e(404, 'NoSuchVersion', 'The specified version does not exist.', { Key: key, VersionId: v }),
  invalidBucketName: (bucket: string) => e(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket }),
  bucketAlreadyOwnedByYou: (bucket: string) =>
    e(409, 'BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: bucket }),
  bucketNotEmpty: (bucket: string) => e(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: bucket }),
  preconditionFailed: (cond: string) => e(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: cond }),
  invalidRange: (size: number, range: string) =>
    e(416, 'InvalidRange', 'The requested range is not satisfiable', { RangeRequested: range, ActualObjectSize: String(size) }).withHeaders({
      'content-range': `bytes */${size}`,
    }),
  entityTooSmall: () => e(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.'),
  entityTooLarge: () => e(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'),
  invalidPart: () =>
    e(400, 'InvalidPart', 'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.'),
  invalidPartOrder: () => e(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.'),
  invalidTag: (msg: string) => e(400, 'InvalidTag', msg),
  missingContentLength: () => e(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.'),
  malformedPost: (msg: string) => e(400, 'MalformedPOSTRequest', msg),
  invalidPolicy: (msg: string) => e(400, 'InvalidPolicyDocument', msg),
  accessDeniedPolicy: (msg: string) => e(403, 'AccessDenied', msg),
  corsForbidden: (msg: string) => e(403, 'AccessForbidden', msg),
  methodNotAllowed: (method: string) =>
    e(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', { Method: method, ResourceType: 'OBJECT' }),
  conditionalConflict: () => e(409, 'ConditionalRequestConflict', 'A conflicting operation occurred. If using PutObject you can retry the request. If using CompleteMultipartUpload you can retry after the current upload is completed.'),
};
