import { loadConfig } from '../../src/config/index.js';
import { CONFIG_EXTENSIONS } from '../../src/http/registry.js';
import { startServer, type RunningServer } from '../../src/http/server.js';

/** Starts the simulator in-process on 127.0.0.1:0 with in-memory state and no logs. */
export async function startSim(overrides: Record<string, unknown> = {}): Promise<RunningServer> {
  const config = loadConfig(CONFIG_EXTENSIONS, {
    env: {},
    overrides: { inMemory: true, port: 0, host: '127.0.0.1', logLevel: 'silent', ...overrides },
  });
  return startServer({ config });
}
