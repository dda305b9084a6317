/** The one place that lists the vendors. */
import type { ConfigExtension, ProviderName, Simulator, SimulatorDeps } from '../core/index.js';
import { S3Simulator, s3Config } from '../../simulators/s3/index.js';
import { SendGridSimulator, sendgridConfig } from '../../simulators/sendgrid/index.js';
import { TwilioSimulator, twilioConfig } from '../../simulators/twilio/index.js';

export const CONFIG_EXTENSIONS: ConfigExtension[] = [twilioConfig, sendgridConfig, s3Config];

export function createSimulators(deps: SimulatorDeps): Record<ProviderName, Simulator> {
  return {
    twilio: new TwilioSimulator(deps),
    sendgrid: new SendGridSimulator(deps),
    s3: new S3Simulator(deps),
  };
}
