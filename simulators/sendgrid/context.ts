import type { Clock, Settings } from '../../src/core/index.js';
import type { Database } from '../../src/db/index.js';
import type { EventBus } from '../../src/events/index.js';
import type { Webhooks } from '../../src/webhooks/index.js';
import type { EmailLifecycle } from './lifecycle.js';
import type { SendGridStore } from './store.js';

export interface SendGridContext {
  db: Database;
  store: SendGridStore;
  bus: EventBus;
  clock: Clock;
  maxBodyBytes: number;
  publicUrl: string;
  settings: Settings;
  webhooks: Webhooks;
  lifecycle: EmailLifecycle;
}
