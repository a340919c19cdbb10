import type { DeadLetter } from './dead-letters';
import type { CloudEvent } from './envelope';

/** What the bus tells a handler about one delivery. */
export interface Delivery {
  /** Keeps the consumer's place in its group while a handler or a retry takes long (Kafka); no-op in memory. */
  heartbeat(): Promise<void>;
  /** Aborted when the subscription stops: a handler waiting to retry gives up, and the event comes again. */
  signal: AbortSignal;
}

export type EventHandler = (event: CloudEvent, delivery: Delivery) => Promise<void>;

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
  /**
   * A group that lives only as long as this process (a gateway's subscription hub, a replica's rule
   * listener): it is removed from the broker when the subscription stops, so restarts leave none behind.
   */
  ephemeral?: boolean;
}

/** Why and after how many tries an event was parked. */
export interface DeadLetterInfo {
  attempts?: number;
}

/**
 * The event bus port. `publish` resolves only once the events are durably accepted (the Kafka
 * ack, or every in-process handler finished), so the outbox relay may then mark them sent.
 * One subscription per group sees each event once; each distinct group sees every event. Whatever is
 * on the wire, a handler only ever gets a well-formed envelope: anything else is dead-lettered there.
 */
export interface EventBus {
  readonly kind: 'kafka' | 'memory';
  publish(events: CloudEvent[]): Promise<void>;
  subscribe(group: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;
  /** Parks an event that could not be handled, with the reason, where an operator can replay it. */
  deadLetter(event: unknown, error: unknown, group: string, info?: DeadLetterInfo): Promise<void>;
  /** What is parked, oldest first. */
  listDeadLetters(): Promise<DeadLetter[]>;
  /** Delivers a parked event again, to the group that failed it only. */
  replay(letter: DeadLetter): Promise<void>;
  close(): Promise<void>;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function errorClass(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** A message that is not an event at all (null, a number, no id or type): poison, to be parked. */
export function isEnvelope(value: unknown): value is CloudEvent {
  const e = value as Partial<CloudEvent> | null;
  return (
    !!e &&
    typeof e === 'object' &&
    !Array.isArray(e) &&
    typeof e.id === 'string' &&
    typeof e.type === 'string'
  );
}

export class PoisonMessage extends Error {
  override name = 'PoisonMessage';
}
