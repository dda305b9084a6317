// Type-only imports: the layers below the simulators, as the server hands them over.
import type { Database } from '../db/index.js';
import type { EventBus } from '../events/index.js';
import type { Webhooks } from '../webhooks/index.js';
import type { Clock } from './clock.js';
import type { Config, Settings } from './config.js';
import type { FaultHook } from './faults.js';

/** What the server gives every simulator it creates (src/http/registry.ts). */
export interface SimulatorDeps {
  db: Database;
  bus: EventBus;
  clock: Clock;
  config: Config;
  webhooks: Webhooks;
  settings: Settings;
  faults?: FaultHook;
}
