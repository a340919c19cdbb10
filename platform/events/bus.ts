import type { CloudEvent } from './envelope';

export type EventHandler = (event: CloudEvent) => Promise<void>;

export interface Subscription {
  stop(): Promise<void>;
}

export interface SubscribeOptions {
  /** A new group starts at the oldest retained event instead of the newest. */
  fromBeginning?: boolean;
  /**
   * A new group starts at the first event published at or after this time (the gateway's replay
   * window). The in-process bus keeps no history and starts with the next event.
   */
  since?: Date;
}

/**
 * The event bus port. `publish` resolves only once the events are durably accepted (the Kafka
 * ack, or every in-process handler finished), so the outbox relay may then mark them sent.
 * One subscription per group sees each event once; each distinct group sees every event.
 */
export interface EventBus {
  readonly kind: 'kafka' | 'memory';
  publish(events: CloudEvent[]): Promise<void>;
  subscribe(group: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;
  /** Parks an event that could not be handled, with the reason, where an operator can replay it. */
  deadLetter(event: unknown, error: unknown, group: string): Promise<void>;
  close(): Promise<void>;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
