import { defineConfig } from 'vitest/config';

/**
 * Two CI suites as two vitest workers at once against one running simulator (SIM_URL):
 * tests/kernel/parallel-ci.test.ts starts the server and runs this configuration.
 */
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['*.suite.ts'],
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
