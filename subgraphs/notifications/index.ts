import type { EntityManager } from 'typeorm';
import { config } from '../../platform/config';
import { afterCommitOf } from '../../platform/db';
import type { EventHandlers, EventOf } from '../../platform/events';
import type { SubgraphDefinition } from '../../platform/subgraph';
import { Worker } from '../../platform/worker';
import { NOTIFYING_EVENTS, type NotifyingEvent } from './domain/templates';
import { Notifications1732500001000 } from './migrations/1732500001000-notifications';
import { InboxQueue1733500001000 } from './migrations/1733500001000-inbox-queue';
import { ContactRow, DeliveryRow, PreferenceRow } from './model/notification';
import { notificationsSchema } from './schema';
import { closeNotificationStore, DISPATCH, dispatchBatch, onContact, onLifecycleEvent } from './service';

/** Each pass sends at most one tick's share of the rate, then waits for the next tick. */
const TICK_MS = 200;

export const notifications: SubgraphDefinition = {
  name: 'notifications',
  dbSchema: 'notifications',
  entities: [ContactRow, PreferenceRow, DeliveryRow],
  migrations: [Notifications1732500001000, InboxQueue1733500001000],
  schema: notificationsSchema,
  consumes: () => ({
    'customer.contact.updated': (event, m) => onContact(m, event),
    // One handler for every event a borrower is told about (the templates say which).
    ...(Object.fromEntries(
      NOTIFYING_EVENTS.map((type) => [
        type,
        (event: EventOf<NotifyingEvent>, m: EntityManager) => onLifecycleEvent(m, event),
      ]),
    ) as EventHandlers),
  }),
  // The dispatch queue is drained at a bounded rate, most urgent first, woken when something is queued.
  worker: (ds) => {
    const perTick = Math.max(1, Math.ceil((config().NOTIFY_RATE_PER_SECOND * TICK_MS) / 1000));
    let last = 0;
    const dispatcher = new Worker(
      'notification-dispatch',
      async () => {
        const wait = last + TICK_MS - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        last = Date.now();
        return (await dispatchBatch(ds, perTick)) === perTick;
      },
      config().NOTIFY_POLL_MS,
    );
    afterCommitOf(ds, DISPATCH, () => dispatcher.nudge());
    return {
      start: () => dispatcher.start(),
      stop: async () => {
        await dispatcher.stop();
        await closeNotificationStore();
      },
    };
  },
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(notifications));
}
