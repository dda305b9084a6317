import { randomHex, type ResponseMeta, type SimResponse } from '../../src/core/index.js';

const esc = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** An S3 error: XML `<Error><Code/><Message/>...<RequestId/><HostId/></Error>`. */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }

  toResponse(meta?: ResponseMeta, method = 'GET'): SimResponse {
    const requestId = randomHex(8).toUpperCase();
    const hostId = Buffer.from(randomHex(24), 'hex').toString('base64');
    const extra = Object.entries(this.extra)
      .map(([k, v]) => `<${k}>${esc(v)}</${k}>`)
      .join('');
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${this.code}</Code><Message>${esc(this.message)}</Message>${extra}` +
      `<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
    return {
      status: this.status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': hostId },
      // HEAD responses carry no body, as S3 sends them
      body: method === 'HEAD' ? null : xml,
      meta,
    };
  }
}

export const errors = {
  notImplemented: () =>
    new S3Error(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented'),
};
