import {
  type Admin,
  type Consumer,
  Kafka,
  type KafkaMessage,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { logger } from '../log';
import {
  type DeadLetterInfo,
  type EventBus,
  type EventHandler,
  errorClass,
  errorText,
  isEnvelope,
  PoisonMessage,
  type SubscribeOptions,
  type Subscription,
} from './bus';
import { ConsumerStopping } from './consumer';
import type { DeadLetter } from './dead-letters';
import type { CloudEvent } from './envelope';

const log = logger('kafka-bus');
const COMMIT_EVERY_MS = 1000;
/** While a handler (or its wait to retry) runs, the group is told every so often that this member lives. */
const HEARTBEAT_EVERY_MS = 3000;
/** A consumer that crashed for good is started again after this long. */
const RESTART_AFTER_MS = 2000;
/**
 * How long an idle fetch waits at the broker for new messages. A consumer's disconnect waits for its
 * fetch in flight, so kafkajs's default of 5 s made every stop (a deploy, a test file) wait 5 s per
 * consumer; a message that arrives still ends the wait at once, so this changes only idle polling.
 */
const FETCH_WAIT_MS = 500;
/** The header a replayed dead letter carries: only the consumer group that failed it handles it again. */
export const REPLAY_FOR = 'x-replay-for';

export interface KafkaBusOptions {
  brokers: string[];
  topic: string;
  clientId: string;
  partitions?: number;
}

const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();

/** Kafka adapter: one topic for all domain events keyed by application, and `<topic>.dlq`. */
/**
 * The dead letter for what a group could not handle: keyed like the event, with what an operator needs in
 * headers — the event's id, type and source, the group, the error's class and text, the tries. Whatever
 * arrived (an envelope missing its source, a key that is not text) makes a message Kafka takes: a dead
 * letter that cannot be written would stop the listener on the very message it was parking.
 */
export function deadLetterMessage(event: unknown, error: unknown, group: string, info: DeadLetterInfo = {}) {
  const e = isEnvelope(event) ? (event as unknown as Record<string, unknown>) : undefined;
  const headers: Record<string, string> = {
    'x-consumer-group': group,
    'x-error': errorText(error).slice(0, 2000),
    'x-error-class': errorClass(error),
    'x-attempts': String(info.attempts ?? 1),
    'x-failed-at': new Date().toISOString(),
  };
  for (const [header, field] of [
    ['x-event-id', 'id'],
    ['x-event-type', 'type'],
    ['x-event-source', 'source'],
  ] as const) {
    const v = e?.[field];
    if (typeof v === 'string') headers[header] = v;
  }
  return {
    key: typeof e?.partitionkey === 'string' ? e.partitionkey : null,
    value: typeof event === 'string' ? event : JSON.stringify(event ?? null),
    headers,
  };
}

export class KafkaBus implements EventBus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer?: Producer;
  private ready?: Promise<void>;
  private readonly subscriptions = new Set<Subscription>();
  readonly dlqTopic: string;

  constructor(private readonly options: KafkaBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log: entry }) => {
          const { message, ...rest } = entry;
          if (level <= logLevel.ERROR) log.error(rest, message);
          else if (level <= logLevel.WARN) log.warn(rest, message);
        },
      // Reconnects are tried often (at most 5 s apart) so a broker back from a restart is found in seconds.
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 },
    });
    this.dlqTopic = `${options.topic}.dlq`;
  }

  /** Topics made (and their leaders known) and the producer connected; a failed start is tried again next time. */
  private start(): Promise<void> {
    this.ready ??= (async () => {
      const admin: Admin = this.kafka.admin();
      await admin.connect();
      try {
        const existing = new Set(await admin.listTopics());
        const missing = [this.options.topic, this.dlqTopic].filter((t) => !existing.has(t));
        if (missing.length) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((topic) => ({ topic, numPartitions: this.options.partitions ?? 6 })),
          });
        }
        await this.leadersKnown(admin);
      } finally {
        await admin.disconnect();
      }
      // At-least-once with idempotent consumers (the inbox); one request in flight keeps a key's order.
      const producer = this.kafka.producer({
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      this.producer = producer;
    })().catch((err) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** Waits until the broker's metadata names a leader for every partition of both topics. */
  private async leadersKnown(admin: Admin) {
    for (let i = 0; ; i++) {
      const { topics } = await admin.fetchTopicMetadata({ topics: [this.options.topic, this.dlqTopic] });
      if (topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      if (i >= 50) throw new Error('no leader for the event topics');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async publish(events: CloudEvent[]) {
    if (!events.length) return;
    await this.start();
    await this.producer?.send({
      topic: this.options.topic,
      acks: -1,
      messages: events.map((e) => ({
        key: e.partitionkey,
        value: JSON.stringify(e),
        headers: { ce_type: e.type, ce_id: e.id },
      })),
    });
  }

  async subscribe(
    group: string,
    handler: EventHandler,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    await this.start();
    // Groups are named after the topic too, so environments (or test runs) sharing a broker never share
    // a group: a member of another topic's group would otherwise hold up every rebalance.
    const groupId = `${this.options.topic}.${group}`;
    const stopping = new AbortController();
    const startAt = options.since ? await this.offsetsAt(options.since) : [];
    let consumer: Consumer | undefined;
    let committer: NodeJS.Timeout | undefined;
    let restarting: NodeJS.Timeout | undefined;
    const done = new Map<number, string>();
    // Offsets are committed once a second rather than after every fetched batch (kafkajs's default, one
    // broker write per event at low rates). A crash or a rebalance redelivers at most that second's
    // events, which the consumers' inboxes absorb.
    const commit = async (c: Consumer | undefined) => {
      if (!done.size || !c) return;
      const offsets = [...done].map(([partition, offset]) => ({
        topic: this.options.topic,
        partition,
        offset,
      }));
      done.clear();
      try {
        await c.commitOffsets(offsets);
      } catch (err) {
        log.debug({ group, err }, 'offset commit skipped (rebalance); those events will be redelivered');
      }
    };

    const run = async (first: boolean) => {
      const c = this.kafka.consumer({
        groupId,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
        maxWaitTimeInMs: FETCH_WAIT_MS,
      });
      consumer = c;
      // kafkajs restarts a consumer after retriable failures itself; one that crashed for good (a bug,
      // an error it does not know) is started again here, so a listener is never gone until a restart.
      c.on(c.events.CRASH, ({ payload }) => {
        if (payload.restart || stopping.signal.aborted) return;
        log.error({ group, error: errorText(payload.error) }, 'consumer crashed; starting it again');
        restarting = setTimeout(() => {
          void c
            .disconnect()
            .catch(() => undefined)
            .then(() => (stopping.signal.aborted ? undefined : run(false)))
            .catch((err) => log.error({ group, err }, 'consumer restart failed'));
        }, RESTART_AFTER_MS);
      });
      await c.connect();
      await c.subscribe({ topic: this.options.topic, fromBeginning: options.fromBeginning ?? true });
      clearInterval(committer);
      committer = setInterval(() => void commit(c), COMMIT_EVERY_MS);
      await c.run({
        autoCommit: false,
        // Partitions are handled side by side; order holds within one, which is all a key needs.
        partitionsConsumedConcurrently: 3,
        eachMessage: async ({ partition, message, heartbeat }) => {
          await this.deliver(group, message, handler, { heartbeat, signal: stopping.signal });
          // Stopped before the event was handled: not committed, so it comes again after a restart.
          if (stopping.signal.aborted) return;
          done.set(partition, (BigInt(message.offset) + 1n).toString());
        },
      });
      // A seek after run() applies once the group has its partitions; only new groups pass `since`.
      if (first)
        for (const { partition, offset } of startAt) c.seek({ topic: this.options.topic, partition, offset });
    };
    await run(true);

    const subscription = {
      stop: async () => {
        stopping.abort();
        clearTimeout(restarting);
        clearInterval(committer);
        this.subscriptions.delete(subscription);
        await commit(consumer);
        await consumer?.disconnect();
        if (options.ephemeral) await this.deleteGroup(groupId);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * One message to one group's handler: poison (not JSON, not an event) is parked and passed over; a
   * replayed dead letter meant for another group is passed over; otherwise the handler runs, with the
   * group's membership kept alive for as long as it takes. A handler's error is not caught: the offset
   * is then not committed and the event comes again.
   */
  private async deliver(
    group: string,
    message: KafkaMessage,
    handler: EventHandler,
    delivery: { heartbeat: () => Promise<void>; signal: AbortSignal },
  ) {
    const replayFor = header(message, REPLAY_FOR);
    if (replayFor !== undefined && replayFor !== group) return;
    const text = message.value?.toString('utf8') ?? 'null';
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (err) {
      return this.deadLetter(text, new PoisonMessage(`not JSON: ${errorText(err)}`), group, { attempts: 1 });
    }
    if (!isEnvelope(event)) {
      return this.deadLetter(text, new PoisonMessage('not an event envelope (id and type)'), group, {
        attempts: 1,
      });
    }
    const beat = setInterval(() => void delivery.heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
    try {
      await handler(event, delivery);
    } catch (err) {
      if (!(err instanceof ConsumerStopping)) throw err;
    } finally {
      clearInterval(beat);
    }
  }

  /** Per partition, the offset of the first event published at or after `since`. */
  private async offsetsAt(since: Date) {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await admin.fetchTopicOffsetsByTimestamp(this.options.topic, since.getTime());
    } finally {
      await admin.disconnect();
    }
  }

  private async deleteGroup(groupId: string) {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    } catch (err) {
      log.debug({ groupId, err }, 'group not deleted; the broker expires it');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * Parks what a group could not handle on `<topic>.dlq` (deadLetterMessage says how).
   */
  async deadLetter(event: unknown, error: unknown, group: string, info: DeadLetterInfo = {}) {
    await this.start();
    await this.producer?.send({
      topic: this.dlqTopic,
      acks: -1,
      messages: [deadLetterMessage(event, error, group, info)],
    });
    const e = isEnvelope(event) ? event : undefined;
    log.error({ group, eventId: e?.id, type: e?.type, error: errorText(error) }, 'event dead-lettered');
  }

  /** Everything on the dead-letter topic, oldest first (read in a group of its own, removed after). */
  async listDeadLetters(): Promise<DeadLetter[]> {
    await this.start();
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: { partition: number; high: string }[];
    try {
      ends = (await admin.fetchTopicOffsets(this.dlqTopic)).map((p) => ({
        partition: p.partition,
        high: p.high,
      }));
    } finally {
      await admin.disconnect();
    }
    const total = ends.reduce((n, p) => n + Number(p.high), 0);
    if (total === 0) return [];
    const groupId = `${this.dlqTopic}.reader-${process.pid}-${Date.now()}`;
    const reader = this.kafka.consumer({ groupId, maxWaitTimeInMs: FETCH_WAIT_MS });
    const letters: DeadLetter[] = [];
    try {
      await reader.connect();
      await reader.subscribe({ topic: this.dlqTopic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('the dead-letter topic could not be read in time')),
          30_000,
        );
        const remaining = new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
        const check = () => {
          if ([...remaining.values()].every((v) => v <= 0n)) {
            clearTimeout(timer);
            resolve();
          }
        };
        check();
        void reader.run({
          eachMessage: async ({ partition, message }) => {
            letters.push({
              offset: `${partition}:${message.offset}`,
              eventId: header(message, 'x-event-id') ?? null,
              type: header(message, 'x-event-type') ?? null,
              source: header(message, 'x-event-source') ?? null,
              group: header(message, 'x-consumer-group') ?? '',
              errorClass: header(message, 'x-error-class') ?? 'Error',
              error: header(message, 'x-error') ?? '',
              attempts: Number(header(message, 'x-attempts') ?? 1),
              failedAt: header(message, 'x-failed-at') ?? new Date(Number(message.timestamp)).toISOString(),
              payload: message.value?.toString('utf8') ?? 'null',
            });
            const high = remaining.get(partition) ?? 0n;
            if (BigInt(message.offset) + 1n >= high) remaining.set(partition, 0n);
            check();
          },
        });
      });
    } finally {
      await reader.disconnect().catch(() => undefined);
      await this.deleteGroup(groupId);
    }
    return letters.sort((a, b) => a.failedAt.localeCompare(b.failedAt));
  }

  /** Hands a dead letter back to the group that failed it (only that group handles it; its inbox dedups). */
  async replay(letter: DeadLetter) {
    await this.start();
    const event = JSON.parse(letter.payload) as CloudEvent;
    await this.producer?.send({
      topic: this.options.topic,
      acks: -1,
      messages: [
        {
          key: event.partitionkey ?? null,
          value: letter.payload,
          headers: { ce_type: event.type, ce_id: event.id, [REPLAY_FOR]: letter.group },
        },
      ],
    });
  }

  async close() {
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    await this.producer?.disconnect();
  }
}
