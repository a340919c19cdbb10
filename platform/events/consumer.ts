import type { DataSource, EntityManager } from 'typeorm';
import { logger } from '../log';
import type { EventBus, Subscription } from './bus';
import { type CloudEvent, InvalidEventError, validateEvent } from './envelope';

export type EventHandlers = Record<string, (event: CloudEvent, manager: EntityManager) => Promise<void>>;

export interface ConsumerOptions {
  /** The consumer group and the inbox key: one name per consuming service. */
  name: string;
  ds: DataSource;
  bus: EventBus;
  handlers: EventHandlers;
  maxAttempts?: number;
  backoffMs?: number;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Subscribes a service's handlers: validation, idempotency, retries with back-off, then dead letter. */
export function startConsumer(options: ConsumerOptions): Promise<Subscription> {
  const { name, ds, bus, handlers, maxAttempts = 5, backoffMs = 200 } = options;
  const log = logger(`consumer:${name}`);
  return bus.subscribe(name, async (event) => {
    const handler = handlers[(event as CloudEvent)?.type];
    if (!handler) return;
    try {
      validateEvent(event);
    } catch (err) {
      if (err instanceof InvalidEventError) return bus.deadLetter(event, err, name);
      throw err;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await handleOnce(ds, name, event, handler);
        log.debug({ eventId: event.id, type: event.type, outcome }, 'event handled');
        return;
      } catch (err) {
        if (attempt >= maxAttempts) return bus.deadLetter(event, err, name);
        log.warn({ eventId: event.id, type: event.type, attempt, err }, 'event handler failed; retrying');
        await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
  });
}
