import {
  closeSync,
  createReadStream,
  createWriteStream,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
  type WriteStream,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { randomHex } from '../../src/core/index.js';

/**
 * Where object bytes live: files with generated names, or memory.
 *
 * A blob reference (what an object or part row stores) names either one blob (its id) or, for an
 * object completed from a multipart upload, the part blobs it is made of, in order, with their
 * sizes (`composeRef`): the object is read from its parts' files, which it then owns.
 */
export interface BlobStore {
  /** Starts a new blob; bytes are appended, then committed (made visible) or discarded. */
  create(): BlobWriter;
  /** Bytes `start`..`end` (inclusive) of the blob(s) a reference names. */
  read(ref: string, start?: number, end?: number): AsyncIterable<Uint8Array>;
  /**
   * The whole blob in one buffer when it is small (up to SMALL_BLOB bytes), from the read cache
   * or one synchronous read; undefined for larger blobs (stream those with `read`).
   */
  readSmall(ref: string, size: number): Buffer | undefined;
  /** Deletes the blob(s) a reference names; `size` (of a single blob) lets a small file be reused. */
  delete(ref: string, size?: number): void;
  /** Removes every blob not named by a reference in `keep` (and unfinished temp files). */
  sweep(keep: Iterable<string>): void;
}

export interface BlobWriter {
  readonly id: string;
  write(chunk: Uint8Array): Promise<void>;
  commit(): Promise<void>;
  discard(): void;
}

export interface Segment {
  id: string;
  size: number;
}

/** Blobs up to this size are written in one go, kept in the read cache and served from memory. */
export const SMALL_BLOB = 64 * 1024;
/** Total bytes of small blobs the read cache keeps (least recently used go first). */
const CACHE_BYTES = 8 * 1024 * 1024;
/** Deleted files up to this size are kept, emptied of meaning, to be written again. */
const REUSE_MAX = SMALL_BLOB;
/** At most this many spare files wait in tmp/ to be reused. */
const SPARES_MAX = 256;
/** Below this many spare files, empty ones are made ahead of time in the background. */
const SPARES_LOW = 16;
const SPARES_TARGET = 32;

const CHUNK = 64 * 1024;
/** Larger reads (whole objects, parts being concatenated) go in bigger chunks. */
const BIG_CHUNK = 256 * 1024;
/** Bytes a blob writer buffers before a write waits for the disk. */
const WRITE_BUFFER = 1024 * 1024;

const ID = /^[0-9a-f]{32}$/;

/** The reference of an object made of `segments` (multipart), read in that order. */
export function composeRef(segments: Segment[]): string {
  return segments.map((s) => `${s.id}:${s.size}`).join(',');
}

/** The segments of a composed reference; undefined for a single blob id. */
export function segmentsOf(ref: string): Segment[] | undefined {
  if (ref.indexOf(':') === -1) return undefined;
  return ref.split(',').map((s) => {
    const i = s.indexOf(':');
    return { id: s.slice(0, i), size: Number(s.slice(i + 1)) };
  });
}

/** Every blob id a reference names. */
export function blobIds(ref: string): string[] {
  return segmentsOf(ref)?.map((s) => s.id) ?? [ref];
}

/** Reads [start, end] of a composed reference segment by segment. */
async function* readSegments(
  segments: Segment[],
  start: number,
  end: number | undefined,
  readOne: (id: string, start: number, end: number) => AsyncIterable<Uint8Array>,
): AsyncIterable<Uint8Array> {
  let offset = 0;
  for (const s of segments) {
    const segStart = offset;
    const segEnd = offset + s.size - 1;
    offset += s.size;
    if (s.size === 0 || segEnd < start) continue;
    if (end !== undefined && segStart > end) break;
    const from = Math.max(start, segStart) - segStart;
    const to = (end === undefined ? segEnd : Math.min(end, segEnd)) - segStart;
    yield* readOne(s.id, from, to);
  }
}

/** A bounded least-recently-used cache of small blobs' bytes, by blob id. */
class ReadCache {
  private readonly map = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly cap: number) {}

  get(id: string): Buffer | undefined {
    const b = this.map.get(id);
    if (b !== undefined) {
      this.map.delete(id);
      this.map.set(id, b);
    }
    return b;
  }

  set(id: string, b: Buffer): void {
    if (b.length > SMALL_BLOB) return;
    this.drop(id);
    this.map.set(id, b);
    this.bytes += b.length;
    while (this.bytes > this.cap) {
      const [oldest, ob] = this.map.entries().next().value as [string, Buffer];
      this.map.delete(oldest);
      this.bytes -= ob.length;
    }
  }

  drop(id: string): void {
    const b = this.map.get(id);
    if (b === undefined) return;
    this.map.delete(id);
    this.bytes -= b.length;
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}

interface Spare {
  path: string;
}

/**
 * Blobs as files named by generated ids in one directory. A blob is written to a temp file in
 * tmp/ and renamed into place when committed. Small blobs (up to SMALL_BLOB) are buffered and
 * written with one synchronous write, into a spare file when one is available: creating a file
 * costs far more than rewriting one, so files of deleted small blobs are moved to tmp/ as spares
 * and a few empty spares are made ahead of time. Spares hold no object (tmp/ is emptied at
 * startup). A file being streamed is deleted only when its last reader is done. Small blobs'
 * bytes are also kept in a bounded read cache; a blob id is never reused, so a cached entry is
 * never stale.
 */
export class FileBlobStore implements BlobStore {
  private readonly tmp: string;
  private readonly cache = new ReadCache(CACHE_BYTES);
  private readonly spares: Spare[] = [];
  private replenishing = false;
  /** Blob ids being streamed, with their reader counts: their files stay until the reads end. */
  private readonly reading = new Map<string, number>();
  /** Deleted while being read: removed (with this size hint) when the last reader is done. */
  private readonly doomed = new Map<string, number | undefined>();

  constructor(private readonly dir: string) {
    this.tmp = join(dir, 'tmp');
    mkdirSync(this.tmp, { recursive: true });
  }

  create(): BlobWriter {
    const id = randomHex(16);
    // Bytes stay in memory until they exceed SMALL_BLOB; then they go to a file stream.
    let chunks: Uint8Array[] | undefined = [];
    let buffered = 0;
    let ws: WriteStream | undefined;
    let tmpPath = '';
    let failed: Error | undefined;
    let done = false;
    const streamWrite = (chunk: Uint8Array) =>
      new Promise<void>((resolve, reject) => {
        if (failed) return reject(failed);
        if (ws!.write(chunk)) return resolve();
        const onDrain = () => (ws!.off('error', onErr), resolve());
        const onErr = (e: Error) => (ws!.off('drain', onDrain), reject(e));
        ws!.once('drain', onDrain);
        ws!.once('error', onErr);
      });
    return {
      id,
      write: (chunk) => {
        if (chunks !== undefined) {
          if (buffered + chunk.byteLength <= SMALL_BLOB) {
            chunks.push(chunk);
            buffered += chunk.byteLength;
            return Promise.resolve();
          }
          tmpPath = join(this.tmp, id + '.part');
          ws = createWriteStream(tmpPath, { flags: 'wx', highWaterMark: WRITE_BUFFER });
          ws.on('error', (e) => (failed = e));
          for (const c of chunks) ws.write(c);
          chunks = undefined;
        }
        return streamWrite(chunk);
      },
      commit: () => {
        if (chunks !== undefined) {
          try {
            const body = Buffer.concat(chunks, buffered);
            chunks = undefined;
            this.writeSmall(id, body);
            this.cache.set(id, body);
            done = true;
            return Promise.resolve();
          } catch (e) {
            return Promise.reject(e);
          }
        }
        return new Promise<void>((resolve, reject) => {
          if (failed) return reject(failed);
          ws!.end(() => {
            if (failed) return reject(failed);
            try {
              renameSync(tmpPath, join(this.dir, id));
              done = true;
              resolve();
            } catch (e) {
              reject(e);
            }
          });
        });
      },
      discard: () => {
        if (done) {
          this.delete(id);
          return;
        }
        done = true;
        chunks = undefined;
        if (ws === undefined) return;
        ws.destroy();
        ws.once('close', () => rmSync(tmpPath, { force: true }));
        rmSync(tmpPath, { force: true });
      },
    };
  }

  /** Writes a small blob's file in one go: into a spare file when there is one, then renamed. */
  private writeSmall(id: string, body: Buffer): void {
    const spare = this.spares.pop();
    if (this.spares.length < SPARES_LOW) this.replenish();
    let path: string;
    let fd: number;
    if (spare) {
      path = spare.path;
      try {
        fd = openSync(path, 'r+');
      } catch {
        return this.writeSmall(id, body);
      }
    } else {
      path = join(this.tmp, id + '.part');
      fd = openSync(path, 'wx');
    }
    try {
      for (let n = 0; n < body.length; ) n += writeSync(fd, body, n, body.length - n, n);
      if (spare) ftruncateSync(fd, body.length);
      closeSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(path, { force: true });
      throw e;
    }
    try {
      renameSync(path, join(this.dir, id));
    } catch (e) {
      rmSync(path, { force: true });
      throw e;
    }
  }

  /** Makes empty spare files in the background, one at a time, up to SPARES_TARGET. */
  private replenish(): void {
    if (this.replenishing) return;
    this.replenishing = true;
    void (async () => {
      try {
        while (this.spares.length < SPARES_TARGET) {
          const path = join(this.tmp, randomHex(16) + '.spare');
          await (await open(path, 'wx')).close();
          this.spares.push({ path });
        }
      } catch {
        // the directory went away (shutdown, test cleanup): writes create files instead
      } finally {
        this.replenishing = false;
      }
    })();
  }

  readSmall(ref: string, size: number): Buffer | undefined {
    if (size > SMALL_BLOB || ref.indexOf(':') !== -1) return undefined;
    let b = this.cache.get(ref);
    if (b === undefined) {
      b = readFileSync(join(this.dir, ref));
      this.cache.set(ref, b);
    }
    return b;
  }

  read(ref: string, start = 0, end?: number): AsyncIterable<Uint8Array> {
    const segments = segmentsOf(ref);
    if (segments) return this.readComposed(segments, start, end);
    return this.readOne(ref, start, end);
  }

  /** Every part file stays in place until the read ends, even if the object is deleted meanwhile. */
  private async *readComposed(segments: Segment[], start: number, end: number | undefined): AsyncIterable<Uint8Array> {
    for (const s of segments) this.hold(s.id);
    try {
      yield* readSegments(segments, start, end, (id, s, e) => this.readOne(id, s, e));
    } finally {
      for (const s of segments) this.release(s.id);
    }
  }

  private hold(id: string): void {
    this.reading.set(id, (this.reading.get(id) ?? 0) + 1);
  }

  private release(id: string): void {
    const n = this.reading.get(id)! - 1;
    if (n > 0) {
      this.reading.set(id, n);
      return;
    }
    this.reading.delete(id);
    if (this.doomed.has(id)) {
      const size = this.doomed.get(id);
      this.doomed.delete(id);
      this.deleteOne(id, size);
    }
  }

  private async *readOne(id: string, start: number, end: number | undefined): AsyncIterable<Uint8Array> {
    if (end !== undefined && end < start) return;
    const cached = this.cache.get(id);
    if (cached !== undefined) {
      const to = end === undefined ? cached.length : Math.min(end + 1, cached.length);
      if (to > start) yield cached.subarray(start, to);
      return;
    }
    if (end !== undefined && end - start < CHUNK) {
      // A small range: one synchronous read from the page cache costs less than a stream.
      const fd = openSync(join(this.dir, id), 'r');
      let buf: Buffer;
      let n = 0;
      try {
        buf = Buffer.allocUnsafe(end - start + 1);
        while (n < buf.length) {
          const got = readSync(fd, buf, n, buf.length - n, start + n);
          if (got === 0) break;
          n += got;
        }
      } finally {
        closeSync(fd);
      }
      if (n > 0) yield n === buf.length ? buf : buf.subarray(0, n);
      return;
    }
    const big = end === undefined || end - start >= 4 * BIG_CHUNK;
    this.hold(id);
    try {
      yield* createReadStream(join(this.dir, id), { start, end, highWaterMark: big ? BIG_CHUNK : CHUNK }) as AsyncIterable<Buffer>;
    } finally {
      this.release(id);
    }
  }

  delete(ref: string, size?: number): void {
    const segments = segmentsOf(ref);
    if (segments) {
      for (const s of segments) this.deleteOne(s.id, s.size);
      return;
    }
    this.deleteOne(ref, size);
  }

  private deleteOne(id: string, size: number | undefined): void {
    if (!ID.test(id)) return;
    this.cache.drop(id);
    if (this.reading.has(id)) {
      // a stream is reading the file: it goes when the last reader is done
      this.doomed.set(id, size);
      return;
    }
    const path = join(this.dir, id);
    if (size !== undefined && size <= REUSE_MAX && this.spares.length < SPARES_MAX) {
      const spare = join(this.tmp, randomHex(16) + '.spare');
      try {
        renameSync(path, spare);
        this.spares.push({ path: spare });
      } catch {
        // already gone
      }
      return;
    }
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }

  sweep(keep: Iterable<string>): void {
    const ids = new Set<string>();
    for (const ref of keep) for (const id of blobIds(ref)) ids.add(id);
    for (const f of readdirSync(this.dir)) {
      if (f === 'tmp') continue;
      if (!ids.has(f)) rmSync(join(this.dir, f), { force: true });
    }
    for (const f of readdirSync(this.tmp)) rmSync(join(this.tmp, f), { force: true });
    this.spares.length = 0;
    this.cache.clear();
  }
}

export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer[]>();

  create(): BlobWriter {
    const id = randomHex(16);
    const chunks: Buffer[] = [];
    return {
      id,
      write: async (c) => void chunks.push(Buffer.from(c)),
      commit: async () => void this.blobs.set(id, chunks),
      discard: () => void this.blobs.delete(id),
    };
  }

  readSmall(ref: string, size: number): Buffer | undefined {
    if (size > SMALL_BLOB || ref.indexOf(':') !== -1) return undefined;
    const chunks = this.blobs.get(ref);
    if (!chunks) throw Object.assign(new Error(`blob ${ref} not found`), { code: 'ENOENT' });
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  }

  read(ref: string, start = 0, end?: number): AsyncIterable<Uint8Array> {
    const segments = segmentsOf(ref);
    if (segments) return readSegments(segments, start, end, (id, s, e) => this.readOne(id, s, e));
    return this.readOne(ref, start, end);
  }

  private async *readOne(id: string, start: number, end: number | undefined): AsyncIterable<Uint8Array> {
    const chunks = this.blobs.get(id) ?? [];
    let pos = 0;
    for (const c of chunks) {
      const cStart = pos;
      const cEnd = pos + c.length; // exclusive
      pos = cEnd;
      const from = Math.max(start, cStart);
      const to = Math.min(end === undefined ? Infinity : end + 1, cEnd);
      if (to > from) yield c.subarray(from - cStart, to - cStart);
    }
  }

  delete(ref: string): void {
    for (const id of blobIds(ref)) this.blobs.delete(id);
  }

  sweep(keep: Iterable<string>): void {
    const ids = new Set<string>();
    for (const ref of keep) for (const id of blobIds(ref)) ids.add(id);
    for (const id of [...this.blobs.keys()]) if (!ids.has(id)) this.blobs.delete(id);
  }
}
