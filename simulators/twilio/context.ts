import type { Clock } from '../../src/core/index.js';
import type { Database } from '../../src/db/index.js';
import type { EventBus } from '../../src/events/index.js';
import type { Webhooks } from '../../src/webhooks/index.js';
import type { Accounts } from './accounts.js';
import type { MessageLifecycle } from './lifecycle.js';
import type { TwilioStore } from './store.js';
import type { VerifyStore } from './store-verify.js';
import type { NumberStore } from './store-numbers.js';
import type { MessagingStore } from './store-messaging.js';
import type { VoiceStore } from './store-voice.js';
import type { VoiceLifecycle } from './voice-lifecycle.js';

export interface TwilioContext {
  db: Database;
  store: TwilioStore;
  verify: VerifyStore;
  numbers: NumberStore;
  messaging: MessagingStore;
  /** Seed of deterministic choices (available numbers, failure rate). */
  seed: string;
  bus: EventBus;
  clock: Clock;
  accounts: Accounts;
  webhooks: Webhooks;
  lifecycle: MessageLifecycle;
  voice: VoiceStore;
  /** The call state machine and TwiML interpreter. */
  calls: VoiceLifecycle;
  maxBodyBytes: number;
  publicUrl: string;
  /** Authorization header -> verified account (and key), so repeat requests skip decoding. */
  authCache: Map<string, { account: string; key?: string }>;
}
