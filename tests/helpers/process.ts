import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const ENTRY = join(ROOT, 'dist/bundle/index.js');

export function tempDir(prefix = 'provider-sim-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Child {
  proc: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
}

/** Runs the compiled server (`npm start` does the same) and waits for its ready line. */
export function spawnServer(args: string[], env: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, [ENTRY, '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start: ' + err + out)), 15000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /"url":"(http:\/\/[^"]+)".*"msg":"provider-sim ready"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1], stdout: () => out, stderr: () => err });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
  });
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [ENTRY, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export function exited(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
}
