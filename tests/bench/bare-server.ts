/**
 * The baseline for the benchmark: a bare node:http server doing the least a vendor endpoint
 * must do. POST (Twilio CreateMessage): read the whole request body, answer 201 with a fixed
 * message-sized JSON body. PUT (S3 PutObject): read the whole body, answer 200 with an ETag.
 * GET (S3 GetObject): answer 200 with a fixed 1 KiB object and S3's object headers.
 * Usage: node dist/tests/bench/bare-server.js <port>
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);

const SID = 'SM0123456789abcdef0123456789abcdef';
const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const PREFIX = `/2010-04-01/Accounts/${ACCOUNT}/Messages/${SID}`;

/** Shaped like a Twilio Message resource, about the size of the simulator's answer. */
export const FIXED_BODY = Buffer.from(
  JSON.stringify({
    account_sid: ACCOUNT,
    api_version: '2010-04-01',
    body: 'Hello from the benchmark',
    date_created: 'Thu, 01 Jan 2026 00:00:00 +0000',
    date_sent: null,
    date_updated: 'Thu, 01 Jan 2026 00:00:00 +0000',
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: '+15005550006',
    messaging_service_sid: null,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: SID,
    status: 'queued',
    subresource_uris: { media: `${PREFIX}/Media.json`, feedback: `${PREFIX}/Feedback.json` },
    to: '+15551234567',
    uri: `${PREFIX}.json`,
  }),
);

const HEALTH = Buffer.from('{"status":"ok"}');

/** The 1 KiB object the S3 GetObject baseline answers with. */
export const OBJECT_BODY = Buffer.alloc(1024, 'provider-sim ');
const OBJECT_HEADERS = {
  'content-type': 'application/octet-stream',
  'content-length': String(OBJECT_BODY.length),
  etag: '"0f343b0931126a20f133d67c2b018a3b"',
  'last-modified': 'Thu, 01 Jan 2026 00:00:00 GMT',
  'accept-ranges': 'bytes',
  'x-amz-request-id': '0123456789ABCDEF',
};
const PUT_HEADERS = { etag: '"0f343b0931126a20f133d67c2b018a3b"', 'x-amz-request-id': '0123456789ABCDEF', 'content-length': '0' };

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/__health') {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(HEALTH.length) });
    res.end(HEALTH);
    return;
  }
  if (req.method === 'GET') {
    res.writeHead(200, OBJECT_HEADERS);
    res.end(OBJECT_BODY);
    return;
  }
  if (req.method === 'PUT') {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      Buffer.concat(parts);
      res.writeHead(200, PUT_HEADERS);
      res.end();
    });
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    Buffer.concat(chunks);
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(FIXED_BODY.length) });
    res.end(FIXED_BODY);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
