import type { DataSource, EntityManager } from 'typeorm';
import { logger } from '../log';
import { isTransient } from '../transient';
import type { Delivery, EventBus, SubscribeOptions, Subscription } from './bus';
import {
  type AnyEvent,
  type CloudEvent,
  type EventOf,
  type EventType,
  InvalidEventError,
  validateEvent,
} from './envelope';

/** What a service does with each event type it consumes: the compiler knows each type's payload. */
export type EventHandlers = {
  [K in EventType]?: (event: EventOf<K>, manager: EntityManager) => Promise<void>;
};

export interface ConsumerOptions {
  /** The consumer group and the inbox key: one name per consuming service. */
  name: string;
  ds: DataSource;
  bus: EventBus;
  handlers: EventHandlers;
  /** Tries of a handler that fails for a reason other than a dependency being away. */
  maxAttempts?: number;
  backoffMs?: number;
  /** The longest wait between tries while a dependency is away. */
  maxBackoffMs?: number;
}

/**
 * Applies an event once: the handler's writes and the inbox row commit in one transaction,
 * so a redelivered event finds its inbox row and changes nothing.
 */
export async function handleOnce(
  ds: DataSource,
  consumer: string,
  event: CloudEvent,
  handler: (event: CloudEvent, manager: EntityManager) => Promise<void>,
): Promise<'applied' | 'duplicate'> {
  return ds.transaction(async (m) => {
    const inserted: unknown[] = await m.query(
      `INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, event.id, event.type],
    );
    if (inserted.length === 0) return 'duplicate';
    await handler(event, m);
    return 'applied';
  });
}

/** A wait that ends early when the subscription stops, sending heartbeats while it lasts. */
async function pause(ms: number, delivery: Delivery) {
  const until = Date.now() + ms;
  while (Date.now() < until && !delivery.signal.aborted) {
    await new Promise((r) => setTimeout(r, Math.min(1000, until - Date.now())));
    await delivery.heartbeat().catch(() => undefined);
  }
}

/** Thrown when a consumer stops while an event waits to be retried: it is not committed, so it comes again. */
export class ConsumerStopping extends Error {
  override name = 'ConsumerStopping';
}

/**
 * Runs `apply` for an event that passed its schema, until it succeeds. A failure that is a dependency
 * being away (a database restarting, a broker down, a conflict; see platform/transient.ts) is waited out
 * with capped exponential back-off for as long as it takes, holding the event's partition so order per
 * key is kept; nothing is parked for it. Any other failure is retried `maxAttempts` times and then
 * dead-lettered (a bug, or a rule that can never pass).
 */
async function untilApplied(
  name: string,
  bus: EventBus,
  event: CloudEvent,
  delivery: Delivery,
  apply: () => Promise<unknown>,
  limits: { maxAttempts: number; backoffMs: number; maxBackoffMs: number },
) {
  const log = logger(`consumer:${name}`);
  let failures = 0;
  for (let attempt = 1; ; attempt++) {
    if (delivery.signal.aborted) throw new ConsumerStopping(`${name} stopped before ${event.id} was handled`);
    try {
      const outcome = await apply();
      log.debug({ eventId: event.id, type: event.type, outcome }, 'event handled');
      return;
    } catch (err) {
      const transient = isTransient(err);
      if (!transient) failures++;
      if (!transient && failures >= limits.maxAttempts) {
        return bus.deadLetter(event, err, name, { attempts: attempt });
      }
      const wait = Math.min(limits.backoffMs * 2 ** (attempt - 1), limits.maxBackoffMs);
      log.warn(
        { eventId: event.id, type: event.type, attempt, transient, waitMs: wait, err },
        transient ? 'a dependency is away; waiting to try the event again' : 'event handler failed; retrying',
      );
      await pause(wait, delivery);
    }
  }
}

/** Checks an event against its schema; an invalid one is dead-lettered at once (retrying cannot fix it). */
async function valid(name: string, bus: EventBus, event: CloudEvent) {
  try {
    validateEvent(event);
    return true;
  } catch (err) {
    if (!(err instanceof InvalidEventError)) throw err;
    await bus.deadLetter(event, err, name, { attempts: 1 });
    return false;
  }
}

/**
 * Subscribes a service's handlers: each event validated, applied once (its writes and its inbox row in
 * one transaction), and retried as `untilApplied` says.
 */
export function startConsumer(options: ConsumerOptions): Promise<Subscription> {
  const { name, ds, bus, handlers, maxAttempts = 5, backoffMs = 200, maxBackoffMs = 30_000 } = options;
  return bus.subscribe(name, async (event, delivery) => {
    // The schema check below is what makes the event the type its handler expects.
    const handler = handlers[event.type as EventType] as
      | ((event: CloudEvent, manager: EntityManager) => Promise<void>)
      | undefined;
    if (!handler || !(await valid(name, bus, event))) return;
    await untilApplied(name, bus, event, delivery, () => handleOnce(ds, name, event, handler), {
      maxAttempts,
      backoffMs,
      maxBackoffMs,
    });
  });
}

/**
 * A listener that keeps no state in a database (a gateway's subscription hub and caches, a replica's rule
 * cache): the same validation, retries and dead letters as a consumer, without an inbox; its group lives
 * only as long as the process. Every event reaches `onEvent`; a failing one never stops the listener.
 */
export function startListener(options: {
  name: string;
  bus: EventBus;
  onEvent: (event: AnyEvent) => Promise<void> | void;
  /** Only these types are validated and handed over (all when not given). */
  types?: readonly EventType[];
  subscribe?: SubscribeOptions;
}): Promise<Subscription> {
  const { name, bus, onEvent, types } = options;
  return bus.subscribe(
    name,
    async (event, delivery) => {
      if (types && !types.includes(event.type as EventType)) return;
      if (!(await valid(name, bus, event))) return;
      // Valid against its type's schema, so it is that type's event.
      await untilApplied(name, bus, event, delivery, async () => onEvent(event as AnyEvent), {
        maxAttempts: 3,
        backoffMs: 200,
        maxBackoffMs: 5_000,
      });
    },
    { ...options.subscribe, ephemeral: true },
  );
}
