/**
 * Throughput, latency, CPU cost and startup time of the simulator's hottest write path
 * (Twilio CreateMessage), and signed 1 KiB S3 PutObject / GetObject, each next to a bare
 * node:http baseline measured the same way on the same machine, so the numbers read as ratios
 * rather than absolutes. Then one large S3 multipart upload and streamed download, for
 * throughput and the simulator's peak memory.
 *
 *   npm run bench
 *   BENCH_DURATION=10 BENCH_CONNECTIONS=32 BENCH_WARMUP=2 npm run bench
 *   BENCH_CPU_PROF=/tmp/prof npm run bench    (writes a .cpuprofile of each simulator load run)
 *   BENCH_S3_GIB=0.25 npm run bench           (size of the S3 transfer, default 1 GiB)
 *
 * Exits non-zero only when the benchmark itself fails (a server does not start, a request
 * errors or gets a non-2xx answer, or the stored message count contradicts the 201s seen).
 * Missing a performance target is reported, not fatal.
 */
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import autocannon from 'autocannon';
import BetterSqlite3 from 'better-sqlite3';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable, Transform } from 'node:stream';
import { crc32 } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { allKnobs } from '../../src/config/index.js';
import { CONFIG_EXTENSIONS } from '../../src/http/registry.js';

// ---------------------------------------------------------------------------------------------
// Settings

function envNumber(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    process.stderr.write(`benchmark: ${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

const DURATION_S = envNumber('BENCH_DURATION', 10, false);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 32, true);
const WARMUP_S = envNumber('BENCH_WARMUP', 2, false);
const STARTUP_RUNS = envNumber('BENCH_STARTUP_RUNS', 5, true);
const HEALTH_POLL_MS = 5;
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 20_000;
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF?.trim() || undefined;

const TARGET_THROUGHPUT_RATIO = 0.15;
const TARGET_P99_MS = 15;
const TARGET_STARTUP_MS = 300;

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const SIM_ENTRY = join(ROOT, 'dist/bundle/index.js');
const BARE_ENTRY = join(HERE, 'bare-server.js');

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'token';
const PATH = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
const BODY = 'To=%2B15551234567&From=%2B15005550006&Body=Hello%20from%20the%20benchmark';
const HEADERS = {
  authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`,
  'content-type': 'application/x-www-form-urlencoded',
};

let CLK_TCK = 100;
try {
  const v = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  if (Number.isInteger(v) && v > 0) CLK_TCK = v;
} catch {
  // getconf missing: Linux reports times in USER_HZ, which is 100 nearly everywhere
}

// ---------------------------------------------------------------------------------------------
// Child processes

type Kind = 'simulator' | 'bare';

interface Child {
  kind: Kind;
  proc: ChildProcess;
  pid: number;
  port: number;
  dataDir?: string;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited: boolean;
}

const live = new Set<Child>();
const tmpDirs = new Set<string>();

/** Environment without any of the simulator's own config variables, so it runs on defaults. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of allKnobs(CONFIG_EXTENSIONS)) delete env[k.env];
  env.LOG_LEVEL = 'info';
  return env;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });
}

function freshDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'provider-sim-bench-'));
  tmpDirs.add(d);
  return d;
}

function removeDir(d: string | undefined): void {
  if (!d) return;
  rmSync(d, { recursive: true, force: true });
  tmpDirs.delete(d);
}

/** Spawns a server; stdout goes to /dev/null (JSON logs, as in production), stderr is kept. */
function launch(kind: Kind, port: number, extraNodeArgs: string[] = []): Child {
  const dataDir = kind === 'simulator' ? freshDataDir() : undefined;
  const args =
    kind === 'simulator'
      ? [...extraNodeArgs, SIM_ENTRY, '--port', String(port), '--data', dataDir!]
      : [...extraNodeArgs, BARE_ENTRY, String(port)];
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  const child: Child = {
    kind,
    proc,
    pid: proc.pid ?? -1,
    port,
    dataDir,
    stderr: '',
    exited: false,
    exit: new Promise((res) => {
      proc.once('exit', (code, signal) => {
        child.exited = true;
        live.delete(child);
        res({ code, signal });
      });
    }),
  };
  proc.once('error', (e) => {
    child.stderr += `spawn failed: ${e.message}\n`;
  });
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (s: string) => {
    child.stderr = (child.stderr + s).slice(-8192);
  });
  live.add(child);
  return child;
}

function probe(port: number): Promise<number> {
  return new Promise((res) => {
    const req = request({ host: '127.0.0.1', port, path: '/__health', method: 'GET', agent: false, timeout: 2000 }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode ?? 0));
      r.on('error', () => res(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(0));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls GET /__health until it answers 200; returns the time since `t0`. */
async function waitHealthy(child: Child, t0: number): Promise<number> {
  for (;;) {
    if (child.exited) throw new Error(`${child.kind} server exited before it was healthy:\n${child.stderr}`);
    if ((await probe(child.port)) === 200) return performance.now() - t0;
    if (performance.now() - t0 > START_TIMEOUT_MS) {
      throw new Error(`${child.kind} server not healthy after ${START_TIMEOUT_MS} ms:\n${child.stderr}`);
    }
    await sleep(HEALTH_POLL_MS);
  }
}

async function start(kind: Kind, extraNodeArgs: string[] = []): Promise<{ child: Child; ms: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = launch(kind, port, extraNodeArgs);
  const ms = await waitHealthy(child, t0);
  return { child, ms };
}

/** SIGTERM, then waits for the exit; SIGKILL if the server hangs. */
async function stop(child: Child): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (!child.exited) child.proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!child.exited) child.proc.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  const r = await child.exit;
  clearTimeout(timer);
  return r;
}

// ---------------------------------------------------------------------------------------------
// /proc readings

/** utime + stime of the whole process (all threads), in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15
  return Number(fields[11]) + Number(fields[12]);
}

function statusKb(pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

// ---------------------------------------------------------------------------------------------
// Load

interface LoadResult {
  result: autocannon.Result;
  /** Every response time in ms, sorted. */
  latencies: Float64Array;
}

/** What each connection sends: Twilio CreateMessage unless given. */
type LoadSpec = Pick<autocannon.Options, 'method' | 'headers' | 'body' | 'requests'> & { path: string };

const CREATE_MESSAGE: LoadSpec = { path: PATH, method: 'POST', headers: HEADERS, body: BODY };

function load(port: number, seconds: number, title: string, spec: LoadSpec = CREATE_MESSAGE): Promise<LoadResult> {
  return new Promise((res, reject) => {
    const lat: number[] = [];
    const inst = autocannon(
      {
        url: `http://127.0.0.1:${port}${spec.path}`,
        connections: CONNECTIONS,
        duration: seconds,
        pipelining: 1,
        method: spec.method,
        headers: spec.headers,
        body: spec.body,
        requests: spec.requests,
        title,
      },
      (err, result) => {
        if (err) return reject(err);
        res({ result, latencies: Float64Array.from(lat).sort() });
      },
    );
    // autocannon's own histogram has 1 ms resolution; keep the exact times for percentiles
    inst.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => lat.push(ms));
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Phase {
  label: string;
  reqPerSec: number;
  seconds: number;
  responses: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
  cpuUsPerReq: number;
  cpuPercent: number;
  warmupOk: number;
  warmupBad: number;
  statusCodes: Record<string, { count: number }>;
}

async function measure(child: Child, label: string, spec: (port: number) => LoadSpec = () => CREATE_MESSAGE): Promise<Phase> {
  const warm = await load(child.port, WARMUP_S, `${label} warm-up`, spec(child.port));
  const ticks0 = cpuTicks(child.pid);
  const t0 = performance.now();
  const { result, latencies } = await load(child.port, DURATION_S, label, spec(child.port));
  const elapsed = (performance.now() - t0) / 1000;
  const ticks1 = cpuTicks(child.pid);
  const cpuSeconds = (ticks1 - ticks0) / CLK_TCK;
  const responses = latencies.length;
  // autocannon stops at its next one-second sample after the duration, so a run can last a
  // second longer than asked, and its per-second average may count a partial sample: divide
  // the responses by the time the run actually took instead.
  const seconds = result.duration > 0 ? result.duration : elapsed;
  return {
    label,
    reqPerSec: responses / seconds,
    seconds,
    responses,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    cpuUsPerReq: responses > 0 ? (cpuSeconds * 1e6) / responses : NaN,
    cpuPercent: (cpuSeconds / elapsed) * 100,
    warmupOk: warm.result['2xx'],
    warmupBad: warm.result.non2xx + warm.result.errors,
    statusCodes: result.statusCodeStats,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : 'n/a');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r, ri) => {
      const line = r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
      return ri === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

// ---------------------------------------------------------------------------------------------
// S3: signed 1 KiB PutObject / GetObject under load, and one large multipart transfer

const S3_ACCESS_KEY = 'AKIABENCHMARK0000001';
const S3_SECRET = 'test';
const S3_REGION = 'us-east-1';
const S3_BUCKET = 'bench';
const S3_OBJECT = Buffer.alloc(1024, 'provider-sim ');
const S3_OBJECT_SHA256 = createHash('sha256').update(S3_OBJECT).digest('hex');
const EMPTY_SHA256 = createHash('sha256').digest('hex');
const S3_SIGNED_KEYS = envNumber('BENCH_S3_KEYS', 1024, true);
const S3_GIB = envNumber('BENCH_S3_GIB', 1, false);
const S3_PART_MIB = 16;
const S3_TRANSFER_TIMEOUT_MS = 90_000;

const TARGET_S3_PUT_RATIO = 0.15;
const TARGET_S3_GET_RATIO = 0.2;
const TARGET_S3_RSS_MIB = 150;
const TARGET_S3_MIB_PER_S = 110;

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the SigV4 signer takes. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    return createHmac('sha256', typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as Uint8Array));
  }
  update(data: Uint8Array | string): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

const s3Signer = new SignatureV4({
  service: 's3',
  region: S3_REGION,
  credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET },
  sha256: NodeSha256,
  uriEscapePath: false,
});

const s3Path = (i: number) => `/${S3_BUCKET}/objects/${String(i).padStart(6, '0')}.bin`;

/**
 * S3_SIGNED_KEYS SigV4-signed requests (header auth, x-amz-content-sha256 of the body), one per
 * key, signed now: the simulator accepts them for 15 minutes.
 */
async function signS3(port: number, method: 'PUT' | 'GET'): Promise<autocannon.RequestSpec[]> {
  const host = `127.0.0.1:${port}`;
  const signingDate = new Date();
  const out: autocannon.RequestSpec[] = [];
  for (let i = 0; i < S3_SIGNED_KEYS; i++) {
    const headers: Record<string, string> = { host, 'x-amz-content-sha256': method === 'PUT' ? S3_OBJECT_SHA256 : EMPTY_SHA256 };
    if (method === 'PUT') headers['content-type'] = 'application/octet-stream';
    const signed = await s3Signer.sign(
      { method, protocol: 'http:', hostname: '127.0.0.1', port, path: s3Path(i), query: {}, headers, body: method === 'PUT' ? S3_OBJECT : undefined },
      { signingDate },
    );
    out.push({ method, path: s3Path(i), headers: { ...signed.headers }, body: method === 'PUT' ? S3_OBJECT : undefined });
  }
  return out;
}

/** Every connection takes the next signed request from one shared cursor, so keys are spread. */
function cycling(signed: autocannon.RequestSpec[]): LoadSpec {
  let next = 0;
  return {
    path: signed[0].path!,
    requests: [
      {
        setupRequest: (r) => {
          const s = signed[next++ % signed.length];
          return { ...r, method: s.method, path: s.path, headers: s.headers, body: s.body };
        },
      },
    ],
  };
}

/** Sends each request once, in order, over one keep-alive connection; throws on a non-2xx. */
async function sendEach(port: number, specs: autocannon.RequestSpec[]): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const s of specs) {
      const status = await new Promise<number>((res, reject) => {
        const req = request({ host: '127.0.0.1', port, method: s.method, path: s.path, headers: s.headers, agent, timeout: 10_000 }, (r) => {
          r.resume();
          r.on('end', () => res(r.statusCode ?? 0));
          r.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end(s.body);
      });
      if (status < 200 || status > 299) throw new Error(`${s.method} ${s.path} answered ${status}`);
    }
  } finally {
    agent.destroy();
  }
}

function s3Client(port: number): S3Client {
  return new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { requestTimeout: S3_TRANSFER_TIMEOUT_MS, httpAgent: { keepAlive: true, maxSockets: 16 } },
  });
}

/** Signed PutObject then GetObject load against one server; GETs read keys seeded beforehand. */
async function measureS3(child: Child, label: string): Promise<{ put: Phase; get: Phase }> {
  const puts = await signS3(child.port, 'PUT');
  const put = await measure(child, `${label} PutObject`, () => cycling(puts));
  await sendEach(child.port, puts);
  const gets = await signS3(child.port, 'GET');
  const get = await measure(child, `${label} GetObject`, () => cycling(gets));
  return { put, get };
}

/** `total` bytes of a repeating pattern that differs per MiB, made as they are read. */
function generated(total: number): Readable {
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
  let sent = 0;
  let n = 0;
  return new Readable({
    highWaterMark: 1 << 20,
    read() {
      if (sent >= total) return void this.push(null);
      const len = Math.min(block.length, total - sent);
      const chunk = Buffer.from(block.subarray(0, len));
      chunk.writeUInt32LE(n++, 0);
      sent += len;
      this.push(chunk);
    },
  });
}

interface Transfer {
  bytes: number;
  upSeconds: number;
  downSeconds: number;
  upCrc: number;
  downCrc: number;
  downBytes: number;
  parts: number;
}

/** One multipart upload through lib-storage, then one streamed GetObject of it. */
async function transferS3(port: number, bytes: number): Promise<Transfer> {
  const s3 = s3Client(port);
  try {
    const key = 'large/object.bin';
    let upCrc = 0;
    const body = generated(bytes);
    const source = body.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, cb) {
          upCrc = crc32(chunk, upCrc);
          cb(null, chunk);
        },
      }),
    );
    const t0 = performance.now();
    const upload = new Upload({
      client: s3,
      params: { Bucket: S3_BUCKET, Key: key, Body: source, ContentType: 'application/octet-stream' },
      partSize: S3_PART_MIB << 20,
      queueSize: 4,
    });
    await upload.done();
    const upSeconds = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const got = await s3.send(new GetObjectCommand({ Bucket: S3_BUCKET, Key: key }));
    let downCrc = 0;
    let downBytes = 0;
    for await (const chunk of got.Body as Readable) {
      downCrc = crc32(chunk as Buffer, downCrc);
      downBytes += (chunk as Buffer).length;
    }
    const downSeconds = (performance.now() - t1) / 1000;
    return { bytes, upSeconds, downSeconds, upCrc, downCrc, downBytes, parts: Math.ceil(bytes / (S3_PART_MIB << 20)) };
  } finally {
    s3.destroy();
  }
}

async function createBucket(port: number): Promise<void> {
  const s3 = s3Client(port);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: S3_BUCKET }));
  } finally {
    s3.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  for (const f of [SIM_ENTRY, BARE_ENTRY]) {
    if (!existsSync(f)) throw new Error(`${f} is missing; build first (npm run build)`);
  }
  const failures: string[] = [];
  const out = (s = '') => process.stdout.write(s + '\n');

  const cpu = cpus();
  out('provider-sim benchmark: Twilio CreateMessage and S3 vs a bare node:http server');
  out(
    `node ${process.version}, ${cpu.length} CPU (${cpu[0]?.model.trim() ?? 'unknown'}), load avg ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, CLK_TCK ${CLK_TCK}`,
  );
  out(`load: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s measured per server; autocannon runs in this process`);
  out(`request: POST ${PATH} (${Buffer.byteLength(BODY)} byte form body, Basic auth)`);
  out();

  // 1. Startup, interleaved so drift in machine load hits both alike.
  out(`startup: spawn to first 200 on GET /__health, ${STARTUP_RUNS} runs each, polled every ${HEALTH_POLL_MS} ms`);
  const startup: Record<Kind, number[]> = { simulator: [], bare: [] };
  for (let i = 0; i < STARTUP_RUNS; i++) {
    for (const kind of ['simulator', 'bare'] as const) {
      const { child, ms } = await start(kind);
      startup[kind].push(ms);
      const r = await stop(child);
      removeDir(child.dataDir);
      if (kind === 'simulator' && r.code !== 0) {
        failures.push(`simulator exited with ${r.code ?? r.signal} after SIGTERM in a startup run:\n${child.stderr}`);
      }
    }
  }
  const startSim = median(startup.simulator);
  const startBare = median(startup.bare);
  for (const kind of ['simulator', 'bare'] as const) {
    out(`  ${kind.padEnd(9)} ${startup[kind].map((m) => fmt(m, 0).padStart(4)).join(' ')} ms  (median ${fmt(median(startup[kind]), 0)} ms)`);
  }
  out();

  // 2. Bare baseline under load.
  out('load: bare node:http ...');
  const bareRun = await start('bare');
  const bare = await measure(bareRun.child, 'bare node:http');
  const bareHwm = statusKb(bareRun.child.pid, 'VmHWM');
  await stop(bareRun.child);

  // 3./4. The simulator under load, with a fresh data dir on disk.
  out('load: simulator (CreateMessage, on-disk WAL, LOG_LEVEL=info JSON logs to /dev/null) ...');
  const simRun = await start('simulator', CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${resolve(CPU_PROF_DIR)}`] : []);
  const sim = await measure(simRun.child, 'simulator CreateMessage');
  const simHwm = statusKb(simRun.child.pid, 'VmHWM');
  const simRss = statusKb(simRun.child.pid, 'VmRSS');
  const simExit = await stop(simRun.child);
  if (CPU_PROF_DIR) out(`CPU profile of the simulator (startup + warm-up + measured run) written to ${resolve(CPU_PROF_DIR)}`);
  out();

  for (const p of [bare, sim]) {
    if (p.non2xx > 0 || p.errors > 0 || p.warmupBad > 0) {
      failures.push(
        `${p.label}: ${p.non2xx} non-2xx, ${p.errors} errors (${p.timeouts} timeouts), ${p.warmupBad} bad in warm-up; status codes ${JSON.stringify(p.statusCodes)}`,
      );
    }
    if (p.responses === 0) failures.push(`${p.label}: no responses`);
  }
  if (simExit.code !== 0) failures.push(`simulator exited with ${simExit.code ?? simExit.signal} after SIGTERM:\n${simRun.child.stderr}`);

  // 6. Results.
  const rows = [['server', 'req/s (mean)', 'p50 ms', 'p99 ms', 'CPU us/req', 'server CPU %', 'responses', 'seconds', 'non-2xx']];
  for (const p of [bare, sim]) {
    rows.push([
      p.label,
      fmt(p.reqPerSec),
      fmt(p.p50, 2),
      fmt(p.p99, 2),
      fmt(p.cpuUsPerReq, 1),
      fmt(p.cpuPercent, 0),
      String(p.responses),
      fmt(p.seconds, 2),
      String(p.non2xx),
    ]);
  }
  rows.push([
    'simulator / bare',
    pct(sim.reqPerSec / bare.reqPerSec),
    pct(sim.p50 / bare.p50),
    pct(sim.p99 / bare.p99),
    pct(sim.cpuUsPerReq / bare.cpuUsPerReq),
    '',
    '',
    '',
    '',
  ]);
  out(table(rows));
  out();
  out(
    table([
      ['startup (median)', 'ms'],
      ['simulator', fmt(startSim, 1)],
      ['bare node:http', fmt(startBare, 1)],
      ['simulator / bare', `${fmt(startSim / startBare, 2)}x`],
    ]),
  );
  out();
  out(`simulator memory: peak RSS (VmHWM) ${fmt(simHwm / 1024, 1)} MiB, RSS at end ${fmt(simRss / 1024, 1)} MiB; bare peak RSS ${fmt(bareHwm / 1024, 1)} MiB`);
  out();

  // 7. Every 201 the clients read must be a stored row.
  const dbFile = join(simRun.child.dataDir!, 'provider-sim.sqlite');
  const db = new BetterSqlite3(dbFile, { readonly: true });
  let stored: number;
  let journaled: number;
  try {
    stored = (db.prepare('SELECT COUNT(*) AS n FROM twilio_messages').get() as { n: number }).n;
    // Journal ids are rowids that only grow (old rows are trimmed), so the newest id counts them all.
    journaled = (db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM journal').get() as { n: number }).n;
  } finally {
    db.close();
  }
  removeDir(simRun.child.dataDir);
  const acknowledged = sim.warmupOk + sim.ok;
  // autocannon closes its sockets when time is up: a request in flight then (at most one per
  // connection per run, pipelining 1) may be committed by the server without the 201 being read.
  const cutoffBound = 2 * CONNECTIONS;
  const extra = stored - acknowledged;
  out('durability (after SIGTERM, counted in SQLite):');
  out(`  201s read by the load generator (warm-up + measured): ${acknowledged}`);
  out(`  rows in twilio_messages:                              ${stored}`);
  out(`  vendor requests in the server's journal:              ${journaled}`);
  if (extra === 0) {
    out('  stored == acknowledged');
  } else if (extra > 0 && extra <= cutoffBound) {
    out(`  stored exceeds acknowledged by ${extra}: requests in flight when the load generator closed its connections (bound ${cutoffBound})`);
  }
  if (extra < 0) failures.push(`durability: ${-extra} acknowledged messages are missing from the database`);
  if (extra > cutoffBound) failures.push(`durability: ${extra} more rows than acknowledged messages (more than the ${cutoffBound} that can be in flight)`);
  if (journaled < stored) failures.push(`durability: journal holds ${journaled} vendor requests but ${stored} messages are stored`);
  out();

  // 8. S3: signed 1 KiB PutObject and GetObject, bare baseline then the simulator.
  const profArgs = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${resolve(CPU_PROF_DIR)}`] : [];
  out(`S3 load: ${S3_OBJECT.length} byte PutObject, then GetObject of the same keys; SigV4 header auth, ${S3_SIGNED_KEYS} requests signed up front and cycled`);
  out('load: bare node:http (S3) ...');
  const bareS3Run = await start('bare');
  const bareS3 = await measureS3(bareS3Run.child, 'bare node:http');
  await stop(bareS3Run.child);
  out('load: simulator (S3, on-disk blobs and SQLite, LOG_LEVEL=info JSON logs to /dev/null) ...');
  const simS3Run = await start('simulator', profArgs);
  await createBucket(simS3Run.child.port);
  const simS3 = await measureS3(simS3Run.child, 'simulator');
  const simS3Hwm = statusKb(simS3Run.child.pid, 'VmHWM');
  const simS3Exit = await stop(simS3Run.child);
  removeDir(simS3Run.child.dataDir);
  if (simS3Exit.code !== 0) failures.push(`simulator (S3 load) exited with ${simS3Exit.code ?? simS3Exit.signal} after SIGTERM:\n${simS3Run.child.stderr}`);
  for (const p of [bareS3.put, bareS3.get, simS3.put, simS3.get]) {
    if (p.non2xx > 0 || p.errors > 0 || p.warmupBad > 0) {
      failures.push(
        `${p.label}: ${p.non2xx} non-2xx, ${p.errors} errors (${p.timeouts} timeouts), ${p.warmupBad} bad in warm-up; status codes ${JSON.stringify(p.statusCodes)}`,
      );
    }
    if (p.responses === 0) failures.push(`${p.label}: no responses`);
  }
  out();
  const s3Rows = [['server', 'req/s (mean)', 'p50 ms', 'p99 ms', 'CPU us/req', 'server CPU %', 'responses', 'seconds', 'non-2xx']];
  for (const [simP, bareP] of [
    [simS3.put, bareS3.put],
    [simS3.get, bareS3.get],
  ] as const) {
    for (const p of [bareP, simP]) {
      s3Rows.push([p.label, fmt(p.reqPerSec), fmt(p.p50, 2), fmt(p.p99, 2), fmt(p.cpuUsPerReq, 1), fmt(p.cpuPercent, 0), String(p.responses), fmt(p.seconds, 2), String(p.non2xx)]);
    }
    s3Rows.push([
      `  simulator / bare`,
      pct(simP.reqPerSec / bareP.reqPerSec),
      pct(simP.p50 / bareP.p50),
      pct(simP.p99 / bareP.p99),
      pct(simP.cpuUsPerReq / bareP.cpuUsPerReq),
      '',
      '',
      '',
      '',
    ]);
  }
  out(table(s3Rows));
  out(`simulator memory under S3 load: peak RSS (VmHWM) ${fmt(simS3Hwm / 1024, 1)} MiB`);
  out();

  // 9. S3: one large multipart upload and streamed download on a fresh simulator.
  const bigBytes = Math.round(S3_GIB * 1024 ** 3);
  out(
    `S3 transfer: ${fmt(bigBytes / 2 ** 20)} MiB of generated bytes, multipart upload with @aws-sdk/lib-storage (${S3_PART_MIB} MiB parts, 4 in flight), then one streamed GetObject; fresh simulator ...`,
  );
  const bigRun = await start('simulator', profArgs);
  await createBucket(bigRun.child.port);
  let transfer: Transfer | undefined;
  let transferError: string | undefined;
  try {
    transfer = await transferS3(bigRun.child.port, bigBytes);
  } catch (e) {
    transferError = (e as Error).message;
  }
  const bigHwm = statusKb(bigRun.child.pid, 'VmHWM');
  const bigRss = statusKb(bigRun.child.pid, 'VmRSS');
  const bigExit = await stop(bigRun.child);
  removeDir(bigRun.child.dataDir);
  if (bigExit.code !== 0) failures.push(`simulator (S3 transfer) exited with ${bigExit.code ?? bigExit.signal} after SIGTERM:\n${bigRun.child.stderr}`);
  if (transferError) failures.push(`S3 transfer failed: ${transferError}`);
  const upMiBs = transfer ? transfer.bytes / 2 ** 20 / transfer.upSeconds : NaN;
  const downMiBs = transfer ? transfer.bytes / 2 ** 20 / transfer.downSeconds : NaN;
  if (transfer) {
    if (transfer.downBytes !== transfer.bytes || transfer.downCrc !== transfer.upCrc) {
      failures.push(`S3 transfer: downloaded ${transfer.downBytes} bytes with CRC32 ${transfer.downCrc}, uploaded ${transfer.bytes} with CRC32 ${transfer.upCrc}`);
    }
    out(
      table([
        ['direction', 'MiB', 'seconds', 'MiB/s'],
        [`upload (${transfer.parts} parts)`, fmt(transfer.bytes / 2 ** 20), fmt(transfer.upSeconds, 2), fmt(upMiBs, 1)],
        ['download', fmt(transfer.downBytes / 2 ** 20), fmt(transfer.downSeconds, 2), fmt(downMiBs, 1)],
      ]),
    );
    out(`  downloaded bytes ${transfer.downCrc === transfer.upCrc && transfer.downBytes === transfer.bytes ? 'match' : 'DO NOT match'} the uploaded ones (CRC32 ${transfer.upCrc.toString(16).padStart(8, '0')})`);
  }
  out(`simulator memory over the transfer: peak RSS (VmHWM) ${fmt(bigHwm / 1024, 1)} MiB, RSS at end ${fmt(bigRss / 1024, 1)} MiB`);
  if (CPU_PROF_DIR) out(`CPU profiles of the S3 simulators written to ${resolve(CPU_PROF_DIR)}`);
  out();

  out(`load avg at end ${loadavg().map((l) => l.toFixed(2)).join(' ')} (the machine is shared: compare ratios, not absolute numbers)`);
  out();

  // Targets.
  const ratio = sim.reqPerSec / bare.reqPerSec;
  out('targets:');
  out(`  ${verdict(ratio >= TARGET_THROUGHPUT_RATIO)}  CreateMessage throughput >= ${pct(TARGET_THROUGHPUT_RATIO)} of bare: ${pct(ratio)} (${fmt(sim.reqPerSec)} vs ${fmt(bare.reqPerSec)} req/s)`);
  out(`  ${verdict(sim.p99 < TARGET_P99_MS)}  p99 < ${TARGET_P99_MS} ms at ${CONNECTIONS} connections: ${fmt(sim.p99, 2)} ms`);
  out(`  ${verdict(startSim < TARGET_STARTUP_MS)}  startup to healthy < ${TARGET_STARTUP_MS} ms: ${fmt(startSim, 1)} ms (median of ${STARTUP_RUNS})`);
  const putRatio = simS3.put.reqPerSec / bareS3.put.reqPerSec;
  const getRatio = simS3.get.reqPerSec / bareS3.get.reqPerSec;
  out(`  ${verdict(putRatio >= TARGET_S3_PUT_RATIO)}  S3 PutObject (1 KiB, signed) throughput >= ${pct(TARGET_S3_PUT_RATIO)} of bare: ${pct(putRatio)} (${fmt(simS3.put.reqPerSec)} vs ${fmt(bareS3.put.reqPerSec)} req/s)`);
  out(`  ${verdict(getRatio >= TARGET_S3_GET_RATIO)}  S3 GetObject (1 KiB, signed) throughput >= ${pct(TARGET_S3_GET_RATIO)} of bare: ${pct(getRatio)} (${fmt(simS3.get.reqPerSec)} vs ${fmt(bareS3.get.reqPerSec)} req/s)`);
  out(`  ${verdict(bigHwm / 1024 < TARGET_S3_RSS_MIB)}  S3 ${fmt(bigBytes / 2 ** 20)} MiB transfer: simulator peak RSS < ${TARGET_S3_RSS_MIB} MiB: ${fmt(bigHwm / 1024, 1)} MiB`);
  out(`  ${verdict(upMiBs >= TARGET_S3_MIB_PER_S)}  S3 multipart upload >= ${TARGET_S3_MIB_PER_S} MiB/s: ${fmt(upMiBs, 1)} MiB/s`);
  out(`  ${verdict(downMiBs >= TARGET_S3_MIB_PER_S)}  S3 streamed download >= ${TARGET_S3_MIB_PER_S} MiB/s: ${fmt(downMiBs, 1)} MiB/s`);
  out();

  if (failures.length) {
    out('BENCHMARK FAILED:');
    for (const f of failures) out(`  - ${f}`);
    return 1;
  }
  return 0;
}

async function cleanup(): Promise<void> {
  await Promise.allSettled([...live].map((c) => stop(c)));
  for (const d of [...tmpDirs]) removeDir(d);
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

main().then(
  async (code) => {
    await cleanup();
    process.exit(code);
  },
  async (e) => {
    process.stderr.write(`benchmark failed: ${(e as Error).stack ?? e}\n`);
    await cleanup();
    process.exit(1);
  },
);
