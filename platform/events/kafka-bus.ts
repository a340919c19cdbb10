import { type Admin, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { logger } from '../log';
import { type EventBus, type EventHandler, errorText, type SubscribeOptions, type Subscription } from './bus';
import type { CloudEvent } from './envelope';

const log = logger('kafka-bus');
const COMMIT_EVERY_MS = 1000;

export interface KafkaBusOptions {
  brokers: string[];
  topic: string;
  clientId: string;
  partitions?: number;
}

/** Kafka adapter: one topic for all domain events keyed by application, and `<topic>.dlq`. */
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
      retry: { retries: 8, initialRetryTime: 200 },
    });
    this.dlqTopic = `${options.topic}.dlq`;
  }

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
      } finally {
        await admin.disconnect();
      }
      // At-least-once with idempotent consumers (the inbox); one request in flight keeps a key's order.
      this.producer = this.kafka.producer({
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await this.producer.connect();
    })();
    return this.ready;
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
    const consumer = this.kafka.consumer({
      groupId: `${this.options.topic}.${group}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    const startAt = options.since ? await this.offsetsAt(options.since) : [];
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.topic, fromBeginning: options.fromBeginning ?? true });
    // Offsets are committed once a second rather than after every fetched batch (kafkajs's default, one
    // broker write per event at low rates). A crash or a rebalance redelivers at most that second's
    // events, which the consumers' inboxes absorb.
    const done = new Map<number, string>();
    const commit = async () => {
      if (!done.size) return;
      const offsets = [...done].map(([partition, offset]) => ({
        topic: this.options.topic,
        partition,
        offset,
      }));
      done.clear();
      try {
        await consumer.commitOffsets(offsets);
      } catch (err) {
        log.debug({ group, err }, 'offset commit skipped (rebalance); those events will be redelivered');
      }
    };
    const committer = setInterval(() => void commit(), COMMIT_EVERY_MS);
    await consumer.run({
      autoCommit: false,
      // Partitions are handled side by side; order holds within one, which is all a key needs.
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ partition, message }) => {
        let event: unknown;
        try {
          event = JSON.parse(message.value?.toString('utf8') ?? '');
        } catch (err) {
          await this.deadLetter(message.value?.toString('utf8') ?? null, err, group);
          event = undefined;
        }
        // The consumer wrapper retries and dead-letters; an error here means the process should not
        // commit the offset, so it propagates and kafkajs redelivers.
        if (event !== undefined) await handler(event as CloudEvent);
        done.set(partition, (BigInt(message.offset) + 1n).toString());
      },
    });
    // A seek after run() applies once the group has its partitions; only new groups pass `since`.
    for (const { partition, offset } of startAt)
      consumer.seek({ topic: this.options.topic, partition, offset });
    const subscription = {
      stop: async () => {
        clearInterval(committer);
        this.subscriptions.delete(subscription);
        await commit();
        await consumer.disconnect();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
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

  async deadLetter(event: unknown, error: unknown, group: string) {
    await this.start();
    const e = event as Partial<CloudEvent> | null;
    await this.producer?.send({
      topic: this.dlqTopic,
      acks: -1,
      messages: [
        {
          key: e?.partitionkey ?? null,
          value: typeof event === 'string' ? event : JSON.stringify(event),
          headers: { 'x-error': errorText(error).slice(0, 2000), 'x-consumer-group': group },
        },
      ],
    });
    log.error({ group, eventId: e?.id, type: e?.type, error: errorText(error) }, 'event dead-lettered');
  }

  async close() {
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    await this.producer?.disconnect();
  }
}
