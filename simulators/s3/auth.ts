import { header, type Headers } from '../../src/core/index.js';

/** The access key ID of a SigV4/SigV2 request (header or presigned query): the S3 tenant. */
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
