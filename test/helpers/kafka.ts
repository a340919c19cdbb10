import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { config } from '../../platform/config';

const kafka = () =>
  new Kafka({ brokers: config().KAFKA_BROKERS?.split(',') ?? [], logLevel: logLevel.NOTHING });

/** How many messages a topic holds (the sum of its partitions' high-water marks). */
export async function topicSize(topic: string): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Reads a topic from the start in a fresh consumer group until `done` says so (or the time runs out). */
export async function readTopic(
  topic: string,
  done: (seen: KafkaMessage[]) => boolean,
  timeoutMs = 30_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka().consumer({ groupId: `probe-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: KafkaMessage[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic}: condition not met in time`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message);
          if (done(seen)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}
