import { createHash } from 'node:crypto';
import { BodyAbortedError, header, type SimRequest } from '../../src/core/index.js';
import { EMPTY_SHA256, verifyChunk, type AuthInfo, type ChunkSigning } from './auth.js';
import { SMALL_BLOB, type BlobStore } from './blobs.js';
import { ALGORITHMS, algorithmOf, DIGEST_BYTES, hasher, headerOf, type ChecksumAlgorithm, type Hasher } from './checksums.js';
import { errors, S3Error } from './errors.js';

export interface Ingested {
  blob: string;
  size: number;
  md5: Buffer;
  /** Base64 checksums computed (and verified when the client sent one), by algorithm. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

const CRLF = Buffer.from('\r\n');

/**
 * Decodes an aws-chunked body (`hex-size[;chunk-signature=sig]\r\ndata\r\n ... 0\r\ntrailers\r\n\r\n`)
 * into the object bytes; trailers are collected into `trailers`. Signed chunks are verified.
 */
export async function* decodeAwsChunked(
  src: AsyncIterable<Uint8Array>,
  trailers: Map<string, string>,
  signing?: ChunkSigning,
): AsyncIterable<Uint8Array> {
  let buf: Buffer = Buffer.alloc(0);
  let state: 'header' | 'data' | 'dataEnd' | 'trailer' | 'done' = 'header';
  let remaining = 0;
  let chunkSig = '';
  let prevSig = signing?.seed ?? '';
  let chunkHash = createHash('sha256');
  const bad = () => errors.invalidRequest('Invalid aws-chunked encoding in the request body');
  const finishChunk = (last: boolean) => {
    if (!signing) return;
    const digest = last ? EMPTY_SHA256 : chunkHash.digest('hex');
    if (!chunkSig || !verifyChunk(signing, prevSig, digest, chunkSig)) {
      throw errors.signatureDoesNotMatch({ SignatureProvided: chunkSig });
    }
    prevSig = chunkSig;
    chunkHash = createHash('sha256');
  };
  for await (const piece of src) {
    buf = buf.length ? Buffer.concat([buf, piece]) : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    for (;;) {
      if (state === 'header' || state === 'trailer') {
        const i = buf.indexOf(CRLF);
        if (i === -1) {
          if (buf.length > 64 * 1024) throw bad();
          break;
        }
        const line = buf.subarray(0, i).toString('latin1');
        buf = buf.subarray(i + 2);
        if (state === 'header') {
          const [sizeHex, ...ext] = line.split(';');
          if (!/^[0-9a-fA-F]+$/.test(sizeHex.trim())) throw bad();
          remaining = parseInt(sizeHex.trim(), 16);
          chunkSig = ext.find((e) => e.startsWith('chunk-signature='))?.slice('chunk-signature='.length) ?? '';
          if (remaining === 0) {
            finishChunk(true);
            state = 'trailer';
          } else state = 'data';
        } else {
          if (line === '') {
            state = 'done';
            break;
          }
          const c = line.indexOf(':');
          if (c > 0) trailers.set(line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim());
        }
      } else if (state === 'data') {
        if (buf.length === 0) break;
        const n = Math.min(remaining, buf.length);
        const out = buf.subarray(0, n);
        buf = buf.subarray(n);
        remaining -= n;
        if (signing) chunkHash.update(out);
        yield out;
        if (remaining === 0) state = 'dataEnd';
      } else if (state === 'dataEnd') {
        if (buf.length < 2) break;
        if (buf[0] !== 13 || buf[1] !== 10) throw bad();
        buf = buf.subarray(2);
        finishChunk(false);
        state = 'header';
      } else break;
    }
  }
  // A body may end right after the last chunk's trailers without the final empty line.
  if ((state as string) !== 'done' && (state as string) !== 'trailer') throw errors.incompleteBody();
}

/** Which checksum algorithms a request asks to be verified or computed. */
function requestedAlgorithms(req: SimRequest, h: (n: string) => string | undefined, extra?: ChecksumAlgorithm): Set<ChecksumAlgorithm> {
  const set = new Set<ChecksumAlgorithm>();
  for (const a of ALGORITHMS) if (h(headerOf(a)) !== undefined) set.add(a);
  const sdk = algorithmOf(h('x-amz-sdk-checksum-algorithm'));
  if (sdk) set.add(sdk);
  for (const t of (header(req.headers, 'x-amz-trailer') ?? '').split(',')) {
    const m = /^x-amz-checksum-(\w+)$/i.exec(t.trim());
    const a = m && algorithmOf(m[1]);
    if (a) set.add(a);
  }
  if (extra) set.add(extra);
  return set;
}

function validChecksum(a: ChecksumAlgorithm, v: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(v) && Buffer.from(v, 'base64').length === DIGEST_BYTES[a];
}

/**
 * Reads a request body into a new blob: decodes aws-chunked, computes MD5 (ETag) and the
 * checksums asked for, verifies x-amz-content-sha256, Content-MD5 and x-amz-checksum-* (header or
 * trailer). Nothing is left behind when anything fails or the client goes away.
 */
export async function ingest(
  blobs: BlobStore,
  req: SimRequest,
  auth: AuthInfo,
  opts: { algorithm?: ChecksumAlgorithm; query?: Map<string, string> } = {},
): Promise<Ingested> {
  // A presigned URL carries checksum parameters in its query; they bind the upload like headers.
  const hdr = (n: string) => header(req.headers, n) ?? (auth.presigned ? opts.query?.get(n) : undefined);
  const sha = auth.payloadHash ?? header(req.headers, 'x-amz-content-sha256');
  const encoding = header(req.headers, 'content-encoding') ?? '';
  const chunked = /(^|,)\s*aws-chunked\s*(,|$)/i.test(encoding) || (sha?.startsWith('STREAMING-') ?? false);
  const hexSha = sha && /^[0-9a-fA-F]{64}$/.test(sha) ? sha.toLowerCase() : undefined;
  if (sha && !hexSha && !/^(UNSIGNED-PAYLOAD|STREAMING-UNSIGNED-PAYLOAD-TRAILER|STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER)?)$/.test(sha)) {
    throw errors.invalidSha256();
  }
  const md5Header = hdr('content-md5');
  if (md5Header !== undefined && Buffer.from(md5Header, 'base64').length !== 16) throw errors.invalidDigest();
  const algorithms = requestedAlgorithms(req, hdr, opts.algorithm);
  for (const a of algorithms) {
    const v = hdr(headerOf(a));
    if (v !== undefined && !validChecksum(a, v)) throw errors.invalidChecksumValue(a);
  }
  const declared = chunked ? header(req.headers, 'x-amz-decoded-content-length') : undefined;
  if (chunked && declared === undefined && !req.headers['content-length'] && !req.headers['transfer-encoding']) throw errors.missingContentLength();

  const md5 = createHash('md5');
  const sha256 = hexSha ? createHash('sha256') : undefined;
  const hashers = new Map<ChecksumAlgorithm, Hasher>([...algorithms].map((a) => [a, hasher(a)]));
  const trailers = new Map<string, string>();
  // A small body with a known length is read in one piece; a larger one is read through its
  // iterator so that an early error does not destroy the request (and the socket the error
  // answer goes out on): the rest is drained instead.
  const length = chunked ? undefined : header(req.headers, 'content-length');
  const small = length !== undefined && /^\d+$/.test(length) && Number(length) <= SMALL_BLOB;
  let it: AsyncIterator<Uint8Array> | undefined;
  const writer = blobs.create();
  let size = 0;
  try {
    let source: AsyncIterable<Uint8Array> | Uint8Array[];
    if (small) source = [await req.body.bytes(SMALL_BLOB)];
    else {
      const iterator = req.body.stream()[Symbol.asyncIterator]();
      it = iterator;
      const raw: AsyncIterable<Uint8Array> = {
        [Symbol.asyncIterator]: () => ({ next: () => iterator.next(), return: async () => ({ done: true, value: undefined }) }),
      };
      source = chunked ? decodeAwsChunked(raw, trailers, auth.chunkSigning) : raw;
    }
    for await (const chunk of source) {
      size += chunk.byteLength;
      md5.update(chunk);
      sha256?.update(chunk);
      for (const h of hashers.values()) h.update(chunk);
      await writer.write(chunk);
    }
    if (sha256) {
      const got = sha256.digest('hex');
      if (got !== hexSha) throw errors.sha256Mismatch(hexSha!, got);
    }
    if (declared !== undefined && Number(declared) !== size) throw errors.incompleteBody();
    const md5Digest = md5.digest();
    if (md5Header !== undefined && !md5Digest.equals(Buffer.from(md5Header, 'base64'))) throw errors.badDigestMd5();
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const [a, h] of hashers) {
      const got = await h.digest();
      const sent = hdr(headerOf(a)) ?? trailers.get(headerOf(a));
      if (sent !== undefined) {
        if (!validChecksum(a, sent)) throw errors.invalidChecksumValue(a);
        if (sent !== got) throw errors.badChecksum(a);
      }
      checksums[a] = got;
    }
    await writer.commit();
    return { blob: writer.id, size, md5: md5Digest, checksums };
  } catch (e) {
    writer.discard();
    if (e instanceof S3Error) {
      // drain what the client still sends so it reads the error
      if (it) drain(it);
      throw e;
    }
    throw new BodyAbortedError();
  }
}

function drain(it: AsyncIterator<Uint8Array>): void {
  (async () => {
    try {
      while (!(await it.next()).done);
    } catch {
      // the client went away
    }
  })();
}
