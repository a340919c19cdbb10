import { config } from '../config';
import type { EventBus } from './bus';
import { KafkaBus } from './kafka-bus';
import { MemoryBus } from './memory-bus';

export * from './bus';
export * from './consumer';
export * from './dead-letters';
export * from './envelope';
export { KafkaBus } from './kafka-bus';
export { MemoryBus } from './memory-bus';
export * from './outbox';

/** Kafka when KAFKA_BROKERS is set, otherwise in-process delivery (the embedded mode). */
export function createBus(clientId = config().KAFKA_CLIENT_ID): EventBus {
  const c = config();
  if (!c.KAFKA_BROKERS) return new MemoryBus();
  return new KafkaBus({ brokers: c.KAFKA_BROKERS.split(','), topic: c.KAFKA_TOPIC, clientId });
}
