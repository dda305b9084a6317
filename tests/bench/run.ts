/**
 * Throughput, latency, CPU cost and startup time of the simulator's hottest write path
 * (Twilio CreateMessage), each next to a bare node:http baseline measured the same way on the
 * same machine, so the numbers read as ratios rather than absolutes.
 *
 *   npm run bench
 *   BENCH_DURATION=10 BENCH_CONNECTIONS=32 BENCH_WARMUP=2 npm run bench
 *   BENCH_CPU_PROF=/tmp/prof npm run bench    (writes a .cpuprofile of the simulator's load run)
 *
 * Exits non-zero only when the benchmark itself fails (a server does not start, a request
 * errors or gets a non-2xx answer, or the stored message count contradicts the 201s seen).
 * Missing a performance target is reported, not fatal.
 */
import autocannon from 'autocannon';
import BetterSqlite3 from 'better-sqlite3';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
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
const SIM_ENTRY = join(ROOT, 'dist/src/index.js');
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

function load(port: number, seconds: number, title: string): Promise<LoadResult> {
  return new Promise((res, reject) => {
    const lat: number[] = [];
    const inst = autocannon(
      {
        url: `http://127.0.0.1:${port}${PATH}`,
        connections: CONNECTIONS,
        duration: seconds,
        pipelining: 1,
        method: 'POST',
        headers: HEADERS,
        body: BODY,
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

async function measure(child: Child, label: string): Promise<Phase> {
  const warm = await load(child.port, WARMUP_S, `${label} warm-up`);
  const ticks0 = cpuTicks(child.pid);
  const t0 = performance.now();
  const { result, latencies } = await load(child.port, DURATION_S, label);
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
// Main

async function main(): Promise<number> {
  for (const f of [SIM_ENTRY, BARE_ENTRY]) {
    if (!existsSync(f)) throw new Error(`${f} is missing; build first (npm run build)`);
  }
  const failures: string[] = [];
  const out = (s = '') => process.stdout.write(s + '\n');

  const cpu = cpus();
  out('provider-sim benchmark: Twilio CreateMessage vs a bare node:http server');
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
    const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'journal'").get() as { seq: number } | undefined;
    journaled = seq?.seq ?? 0;
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

  out(`load avg at end ${loadavg().map((l) => l.toFixed(2)).join(' ')} (the machine is shared: compare ratios, not absolute numbers)`);
  out();

  // Targets.
  const ratio = sim.reqPerSec / bare.reqPerSec;
  out('targets:');
  out(`  ${verdict(ratio >= TARGET_THROUGHPUT_RATIO)}  CreateMessage throughput >= ${pct(TARGET_THROUGHPUT_RATIO)} of bare: ${pct(ratio)} (${fmt(sim.reqPerSec)} vs ${fmt(bare.reqPerSec)} req/s)`);
  out(`  ${verdict(sim.p99 < TARGET_P99_MS)}  p99 < ${TARGET_P99_MS} ms at ${CONNECTIONS} connections: ${fmt(sim.p99, 2)} ms`);
  out(`  ${verdict(startSim < TARGET_STARTUP_MS)}  startup to healthy < ${TARGET_STARTUP_MS} ms: ${fmt(startSim, 1)} ms (median of ${STARTUP_RUNS})`);
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
