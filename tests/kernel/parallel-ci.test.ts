/**
 * Two test suites in two vitest workers at once against one simulator process, each with its
 * own credentials and resetting only its own tenants (the parallel-CI pattern of the README).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spawnServer, tempDir, type Child } from '../helpers/process.js';

const barrier = tempDir('provider-sim-barrier-');

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
      env: { ...process.env, SIM_URL: server.url, BARRIER_DIR: barrier, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (d) => (output += d));
    proc.stderr.on('data', (d) => (output += d));
    proc.on('exit', (code) => resolve({ code, output }));
  });
}

describe('parallel CI suites sharing one simulator', { timeout: 120_000 }, () => {
  it('two vitest workers with their own credentials pass side by side, overlapping in time', async () => {
    const { code, output } = await runSuites();
    expect(code, output).toBe(0);
    expect(output).toMatch(/Test Files\s+2 passed/);
    expect(output).toMatch(/Tests\s+8 passed/);
    // Both ran at the same time: each reported the span of its tests.
    const spans = Object.fromEntries([...output.matchAll(/SPAN (job-[ab]) (\d+) (\d+)/g)].map((m) => [m[1], [Number(m[2]), Number(m[3])]]));
    const [a0, a1] = spans['job-a'];
    const [b0, b1] = spans['job-b'];
    expect(a0).toBeLessThan(b1);
    expect(b0).toBeLessThan(a1);
    // And the server kept each job's last round under its own tenant.
    const account = (job: string) => 'AC' + createHash('sha256').update(job).digest('hex').slice(0, 32);
    for (const job of ['job-a', 'job-b']) {
      const items = (await (await fetch(`${server.url}/__inspect/twilio/messages?tenant=${account(job)}`)).json()).items as { body: string }[];
      expect(items.map((m) => m.body).sort()).toEqual([0, 1, 2].map((i) => `${job} round 3 #${i}`));
    }
  });
});
