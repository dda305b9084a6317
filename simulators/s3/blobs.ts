import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, readdirSync, readSync, rmSync, renameSync, unlinkSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { randomHex } from '../../src/core/index.js';

/** Where object bytes live: files with generated names, or memory. */
export interface BlobStore {
  /** Starts a new blob; bytes are appended, then committed (made visible) or discarded. */
  create(): BlobWriter;
  read(id: string, start?: number, end?: number): AsyncIterable<Uint8Array>;
  delete(id: string): void;
  /** Removes every blob not in `keep` (and unfinished temp files). */
  sweep(keep: Set<string>): void;
}

export interface BlobWriter {
  readonly id: string;
  write(chunk: Uint8Array): Promise<void>;
  commit(): Promise<void>;
  discard(): void;
}

const CHUNK = 64 * 1024;
/** Larger reads (whole objects, parts being concatenated) go in bigger chunks. */
const BIG_CHUNK = 256 * 1024;
/** Bytes a blob writer buffers before a write waits for the disk. */
const WRITE_BUFFER = 1024 * 1024;

export class FileBlobStore implements BlobStore {
  private readonly tmp: string;

  constructor(private readonly dir: string) {
    this.tmp = join(dir, 'tmp');
    mkdirSync(this.tmp, { recursive: true });
  }

  create(): BlobWriter {
    const id = randomHex(16);
    const tmpPath = join(this.tmp, id + '.part');
    const finalPath = join(this.dir, id);
    const ws: WriteStream = createWriteStream(tmpPath, { flags: 'wx', highWaterMark: WRITE_BUFFER });
    let failed: Error | undefined;
    ws.on('error', (e) => (failed = e));
    let done = false;
    return {
      id,
      write: (chunk) =>
        new Promise<void>((resolve, reject) => {
          if (failed) return reject(failed);
          if (ws.write(chunk)) return resolve();
          const onDrain = () => (ws.off('error', onErr), resolve());
          const onErr = (e: Error) => (ws.off('drain', onDrain), reject(e));
          ws.once('drain', onDrain);
          ws.once('error', onErr);
        }),
      commit: () =>
        new Promise<void>((resolve, reject) => {
          if (failed) return reject(failed);
          ws.end(() => {
            if (failed) return reject(failed);
            try {
              renameSync(tmpPath, finalPath);
              done = true;
              resolve();
            } catch (e) {
              reject(e);
            }
          });
        }),
      discard: () => {
        if (done) {
          this.delete(id);
          return;
        }
        done = true;
        ws.destroy();
        ws.once('close', () => rmSync(tmpPath, { force: true }));
        rmSync(tmpPath, { force: true });
      },
    };
  }

  async *read(id: string, start = 0, end?: number): AsyncIterable<Uint8Array> {
    if (end !== undefined && end < start) return;
    if (end !== undefined && end - start < CHUNK) {
      // A small range: one synchronous read from the page cache costs less than a stream.
      const fd = openSync(join(this.dir, id), 'r');
      try {
        const buf = Buffer.allocUnsafe(end - start + 1);
        let n = 0;
        while (n < buf.length) {
          const got = readSync(fd, buf, n, buf.length - n, start + n);
          if (got === 0) break;
          n += got;
        }
        if (n > 0) yield n === buf.length ? buf : buf.subarray(0, n);
      } finally {
        closeSync(fd);
      }
      return;
    }
    const big = end === undefined || end - start >= 4 * BIG_CHUNK;
    yield* createReadStream(join(this.dir, id), { start, end, highWaterMark: big ? BIG_CHUNK : CHUNK }) as AsyncIterable<Buffer>;
  }

  delete(id: string): void {
    if (!/^[0-9a-f]{32}$/.test(id)) return;
    try {
      unlinkSync(join(this.dir, id));
    } catch {
      // already gone
    }
  }

  sweep(keep: Set<string>): void {
    for (const f of readdirSync(this.dir)) {
      if (f === 'tmp') continue;
      if (!keep.has(f)) rmSync(join(this.dir, f), { force: true });
    }
    for (const f of readdirSync(this.tmp)) rmSync(join(this.tmp, f), { force: true });
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

  async *read(id: string, start = 0, end?: number): AsyncIterable<Uint8Array> {
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

  delete(id: string): void {
    this.blobs.delete(id);
  }

  sweep(keep: Set<string>): void {
    for (const id of [...this.blobs.keys()]) if (!keep.has(id)) this.blobs.delete(id);
  }
}
