import { createHash, randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager, Not } from 'typeorm';
import { z } from 'zod';
import type { Caller } from '../../platform/auth';
import { config } from '../../platform/config';
import { markForCommit } from '../../platform/db';
import { lazyDocumentStore } from '../../platform/docstore';
import { AppError, isUuid, notFound } from '../../platform/errors';
import { type EventOf, newEvent, recordEvent } from '../../platform/events';
import { logger } from '../../platform/log';
import { notifier } from '../../platform/notify/http';
import type { Message } from '../../platform/notify/port';
import { openContact } from '../../platform/pii';
import { isTransient } from '../../platform/transient';
import { parseInput } from '../../platform/validation';
import {
  backoffMs,
  CATEGORIES,
  type Category,
  type Channel,
  channelsFor,
  defaultChannels,
  type NotifyingEvent,
  render,
} from './domain/templates';
import { ContactRow, DeliveryRow, PreferenceRow } from './model/notification';

const log = logger('notifications');
const store = lazyDocumentStore();
export const closeNotificationStore = store.close;
const COLLECTION = 'notifications';
/** Commit topic: new deliveries wake the dispatcher. */
export const DISPATCH = 'notification-dispatch';

/** A notification in the borrower's inbox (MongoDB). */
export interface NotificationDoc {
  /** `<event time>|<hash of event id and recipient>`: time-ordered, and the same for a redelivered event. */
  _id: string;
  recipientId: string;
  eventId: string;
  eventType: string;
  category: Category;
  title: string;
  body: string;
  regulatory: boolean;
  read: boolean;
  createdAt: string;
  readAt: string | null;
  [key: string]: unknown;
}

/** identity → notifications: the contact card, kept encrypted until a message is sent. */
export async function onContact(m: EntityManager, event: EventOf<'customer.contact.updated'>) {
  const d = event.data;
  await m.upsert(ContactRow, { customerId: d.customerId, contact: d.contact }, ['customerId']);
}

const choiceOf = (p: PreferenceRow): Record<Channel, boolean> => ({
  EMAIL: p.email,
  SMS: p.sms,
  PUSH: p.push,
  IN_APP: p.inApp,
});

/**
 * Any lifecycle event → the borrower's notification, if the event is one that matters to them: queued for
 * each channel they chose, the in-app inbox among them (stored by the dispatcher, so the document store
 * being away holds up the inbox and nothing else). Idempotent per event: the inbox id and the queue rows
 * are derived from the event id.
 */
export async function onLifecycleEvent(m: EntityManager, event: EventOf<NotifyingEvent>) {
  const recipientId = event.data.customerId;
  const n = render(event.type, event.data);
  const chosen = await m.findOne(PreferenceRow, { where: { userId: recipientId, category: n.category } });
  const channels = channelsFor(n, chosen ? choiceOf(chosen) : undefined);
  const hash = createHash('sha256').update(`${event.id}:${recipientId}`).digest('hex').slice(0, 16);
  const id = `${new Date(event.time).toISOString()}|${hash}`;
  const doc: NotificationDoc = {
    _id: id,
    recipientId,
    eventId: event.id,
    eventType: event.type,
    category: n.category,
    title: n.title,
    body: n.body,
    regulatory: n.regulatory,
    read: false,
    createdAt: new Date(event.time).toISOString(),
    readAt: null,
  };
  const partitionKey = 'applicationId' in event.data ? event.data.applicationId : recipientId;
  for (const channel of channels) {
    await m
      .createQueryBuilder()
      .insert()
      .into(DeliveryRow)
      .values({
        id: randomUUID(),
        notificationId: id,
        recipientId,
        channel,
        priority: n.priority,
        subject: n.title,
        body: n.body,
        status: 'PENDING',
        attempts: 0,
        nextAttemptAt: new Date(),
        lastError: null,
        sentAt: null,
        createdAt: new Date(),
        inbox: channel === 'IN_APP' ? ({ doc, partitionKey } as DeliveryRow['inbox']) : null,
      })
      .orIgnore()
      .execute();
  }
  if (channels.length) markForCommit(m, DISPATCH);
}

// ---- dispatch ---------------------------------------------------------------------------------------

/** How long a claimed send is leased before another replica may take it (a crashed sender's rows). */
const LEASE_SECONDS = 60;
/** The longest wait between tries while a store or provider is away. */
const MAX_WAIT_MS = 10 * 60_000;

type Claimed = {
  id: string;
  recipient_id: string;
  channel: Channel;
  subject: string;
  body: string;
  attempts: number;
  inbox: { doc: NotificationDoc; partitionKey: string } | null;
};

/** Stores an in-app notification and announces it (open apps are told at once, by id only). */
async function deliverInApp(db: DataSource, r: Claimed) {
  const { doc, partitionKey } = r.inbox as NonNullable<Claimed['inbox']>;
  await (await store.get()).insertIfAbsent(COLLECTION, doc);
  await db.transaction(async (m) => {
    await m.query(`UPDATE deliveries SET status = 'SENT', sent_at = now(), last_error = NULL WHERE id = $1`, [
      r.id,
    ]);
    await recordEvent(
      m,
      newEvent({
        type: 'notification.created',
        source: '/loanflow/notifications',
        subject: doc._id,
        partitionKey,
        data: {
          notificationId: doc._id,
          recipientId: doc.recipientId,
          eventType: doc.eventType,
          category: doc.category,
        },
      }),
    );
  });
}

async function addressOf(db: DataSource, recipientId: string, channel: Channel): Promise<string> {
  if (channel === 'PUSH') return recipientId;
  const row = await db.getRepository(ContactRow).findOne({ where: { customerId: recipientId } });
  if (!row) throw new Error('no contact card for the recipient yet');
  const contact = openContact(row.contact);
  const to = channel === 'EMAIL' ? contact.email : contact.phone;
  if (!to) throw new Error(`no ${channel === 'EMAIL' ? 'e-mail address' : 'mobile number'} on file`);
  return to;
}

const CHANNEL: Record<Exclude<Channel, 'IN_APP'>, Message['channel']> = {
  EMAIL: 'email',
  SMS: 'sms',
  PUSH: 'push',
};

/**
 * Sends up to `limit` due messages, most urgent first: rows are leased with one UPDATE … SKIP LOCKED (so
 * replicas share the queue), sent outside the transaction, then marked SENT, or rescheduled with back-off,
 * or FAILED after the last attempt. Returns how many were claimed.
 */
export async function dispatchBatch(db: DataSource, limit: number): Promise<number> {
  const c = config();
  const [rows]: [Claimed[], number] = await db.query(
    `UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
      WHERE id IN (SELECT id FROM deliveries WHERE status = 'PENDING' AND next_attempt_at <= now()
                    ORDER BY priority, next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id, recipient_id, channel, subject, body, attempts, inbox`,
    [limit, LEASE_SECONDS],
  );
  await Promise.all(
    rows.map(async (r) => {
      try {
        if (r.channel === 'IN_APP') return await deliverInApp(db, r);
        const to = await addressOf(db, r.recipient_id, r.channel);
        await notifier().send({
          channel: CHANNEL[r.channel as keyof typeof CHANNEL],
          to,
          subject: r.subject,
          text: r.body,
        });
        await db.query(
          `UPDATE deliveries SET status = 'SENT', sent_at = now(), last_error = NULL WHERE id = $1`,
          [r.id],
        );
      } catch (err) {
        const error = (err as Error).message;
        // A store or provider that is away is waited for; only other failures use up the tries.
        const transient = isTransient(err);
        const last = !transient && r.attempts >= c.NOTIFY_MAX_ATTEMPTS;
        log.warn({ deliveryId: r.id, channel: r.channel, attempt: r.attempts, error }, 'send failed');
        await db.query(
          `UPDATE deliveries SET status = $2, last_error = $3,
                  next_attempt_at = now() + make_interval(secs => $4) WHERE id = $1`,
          [
            r.id,
            last ? 'FAILED' : 'PENDING',
            error,
            Math.min(backoffMs(r.attempts, c.NOTIFY_BACKOFF_MS), MAX_WAIT_MS) / 1000,
          ],
        );
      }
    }),
  );
  return rows.length;
}

// ---- inbox ------------------------------------------------------------------------------------------

const cursorOf = (id: string) => Buffer.from(id).toString('base64url');
function idOf(cursor: string) {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z\|[0-9a-f]{16}$/.test(id)) {
    throw new AppError('BAD_USER_INPUT', 'invalid cursor', { field: 'after' });
  }
  return id;
}

/** The caller's inbox, newest first, with the number unread. */
export async function myNotifications(
  caller: Caller,
  page: { first: number; after?: string | null; unreadOnly?: boolean | null },
) {
  if (!Number.isInteger(page.first) || page.first < 1 || page.first > 100) {
    throw new AppError('BAD_USER_INPUT', 'first must be between 1 and 100', { field: 'first' });
  }
  const s = await store.get();
  const mine = { recipientId: caller.userId };
  const rows = await s.find<NotificationDoc>(COLLECTION, page.unreadOnly ? { ...mine, read: false } : mine, {
    newestFirst: true,
    before: page.after ? idOf(page.after) : undefined,
    limit: page.first + 1,
  });
  const items = rows.slice(0, page.first);
  return {
    items,
    unreadCount: await s.count(COLLECTION, { ...mine, read: false }),
    endCursor: items.length ? cursorOf((items.at(-1) as NotificationDoc)._id) : null,
    hasNextPage: rows.length > page.first,
  };
}

export async function getNotification(caller: Caller | null, id: string) {
  const doc = await (await store.get()).get<NotificationDoc>(COLLECTION, id);
  if (!doc || !caller || doc.recipientId !== caller.userId) throw notFound('notification');
  return doc;
}

export async function markRead(caller: Caller, id: string) {
  const doc = await getNotification(caller, id);
  if (doc.read) return doc;
  const patch = { read: true, readAt: new Date().toISOString() };
  await (await store.get()).update(COLLECTION, id, patch);
  return { ...doc, ...patch };
}

/** The sends of a notification to the person's devices and addresses (the inbox itself is not one). */
export const deliveriesOf = (db: DataSource, notificationId: string) =>
  db
    .getRepository(DeliveryRow)
    .find({ where: { notificationId, channel: Not('IN_APP') }, order: { channel: 'ASC' } });

// ---- preferences ------------------------------------------------------------------------------------

export async function preferencesOf(db: DataSource, caller: Caller) {
  const rows = await db.getRepository(PreferenceRow).find({ where: { userId: caller.userId } });
  return CATEGORIES.map((category) => {
    const row = rows.find((r) => r.category === category);
    return { category, ...(row ? choiceOf(row) : defaultChannels(category)) };
  });
}

const preferencesSchema = z
  .array(
    z.object({
      category: z.enum(CATEGORIES),
      EMAIL: z.boolean(),
      SMS: z.boolean(),
      PUSH: z.boolean(),
      IN_APP: z.boolean(),
    }),
  )
  .min(1, 'at least one category')
  .max(CATEGORIES.length)
  .refine((a) => new Set(a.map((p) => p.category)).size === a.length, 'each category once');
export type PreferenceInput = z.input<typeof preferencesSchema>[number];

/** Sets the caller's channels per category (regulatory messages still go in-app and by e-mail). */
export async function updatePreferences(db: DataSource, caller: Caller, input: PreferenceInput[]) {
  if (!isUuid(caller.userId)) throw notFound('user');
  const prefs = parseInput(preferencesSchema, input);
  await db.getRepository(PreferenceRow).upsert(
    prefs.map((p) => ({
      userId: caller.userId,
      category: p.category,
      email: p.EMAIL,
      sms: p.SMS,
      push: p.PUSH,
      inApp: p.IN_APP,
      updatedAt: new Date(),
    })),
    ['userId', 'category'],
  );
  return preferencesOf(db, caller);
}
