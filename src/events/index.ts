import type { ProviderName } from '../core/types.js';

/**
 * Event types, extended by each provider through declaration merging:
 *   declare module '../../src/events/index.js' { interface SimEventTypes { 'twilio.message.created': true } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SimEventTypes {}

export type SimEventType = keyof SimEventTypes & string;

export interface SimEvent {
  provider: ProviderName;
  type: SimEventType;
  tenant: string;
  /** The resource the event is about (a SID, message id, object key...). */
  id: string;
  summary: string;
  time: string;
}

export type Listener = (e: SimEvent) => void;

/** In-process, synchronous bus. Operations emit after their transaction committed. */
export class EventBus {
  private listeners = new Set<Listener>();

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit(e: SimEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a misbehaving subscriber never breaks the operation that emitted
      }
    }
  }
}
