/** The one place that lists the vendors. */
import type { Clock, Config, ConfigExtension, FaultHook, ProviderName, Settings, Simulator } from '../core/index.js';
import type { Database } from '../db/index.js';
import type { EventBus } from '../events/index.js';
import type { Webhooks } from '../webhooks/index.js';
import { S3Simulator, s3Config } from '../../simulators/s3/index.js';
import { SendGridSimulator, sendgridConfig } from '../../simulators/sendgrid/index.js';
import { TwilioSimulator, twilioConfig } from '../../simulators/twilio/index.js';

export const CONFIG_EXTENSIONS: ConfigExtension[] = [twilioConfig, sendgridConfig, s3Config];

export interface Deps {
  db: Database;
  bus: EventBus;
  clock: Clock;
  config: Config;
  webhooks: Webhooks;
  settings: Settings;
  faults?: FaultHook;
}

export function createSimulators(deps: Deps): Record<ProviderName, Simulator> {
  return {
    twilio: new TwilioSimulator(deps),
    sendgrid: new SendGridSimulator(deps),
    s3: new S3Simulator(deps),
  };
}
