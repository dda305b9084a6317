/**
 * Two test suites in two vitest workers at once against one simulator process, each with its
 * own credentials and resetting only its own tenants (the parallel-CI pattern of the README).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spawnServer, tempDir, type Child } from '../helpers/process.js';

let server: Child;
beforeAll(async () => {
  server = await spawnServer(['--data', tempDir()], { TIMING: 'immediate' });
});
afterAll(() => {
  server?.proc.kill('SIGTERM');
});

function runSuites(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(ROOT, 'tests/kernel/parallel/vitest.config.ts'), '--reporter=verbose'], {
      cwd: ROOT,
      env: { ...process.env, SIM_URL: server.url, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (d) => (output += d));
    proc.stderr.on('data', (d) => (output += d));
    proc.on('exit', (code) => resolve({ code, output }));
  });
}

describe('parallel CI suites sharing one simulator', { timeout: 120_000 }, () => {
  it('two vitest workers with their own credentials pass side by side, and their requests interleave', async () => {
    const { code, output } = await runSuites();
    expect(code, output).toBe(0);
    expect(output).toMatch(/Test Files\s+2 passed/);
    expect(output).toMatch(/Tests\s+8 passed/);
    // The journal shows both jobs' requests overlapping in time: they really ran at once.
    const account = (job: string) => 'AC' + createHash('sha256').update(job).digest('hex').slice(0, 32);
    const span = async (tenant: string) => {
      const items = (await (await fetch(`${server.url}/__inspect/requests?tenant=${tenant}&limit=1000`)).json()).items as { time: string }[];
      const times = items.map((r) => Date.parse(r.time));
      return [Math.min(...times), Math.max(...times)];
    };
    const [a0, a1] = await span(account('job-a'));
    const [b0, b1] = await span(account('job-b'));
    expect(a0).toBeLessThan(b1);
    expect(b0).toBeLessThan(a1);
  });
});
