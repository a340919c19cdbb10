import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { config } from '../platform/config';
import { openDatabase } from '../platform/db';
import { type CloudEvent, KafkaBus, newEvent, type Subscription, startConsumer } from '../platform/events';
import { readTopic, topicSize } from './helpers/kafka';
import { createDatabase, dropDatabase, eventually } from './helpers/platform';

let bus: KafkaBus;
let db: DataSource;
const subscriptions: Subscription[] = [];

before(async () => {
  await createDatabase();
  bus = new KafkaBus({
    brokers: config().KAFKA_BROKERS?.split(',') ?? [],
    topic: config().KAFKA_TOPIC,
    clientId: 'dlq-test',
  });
  db = await openDatabase({ schema: 'dlqtest', entities: [], migrations: [] });
});
after(async () => {
  for (const s of subscriptions) await s.stop();
  await bus?.close();
  await db?.destroy();
  await dropDatabase();
});

/** Everything on the dead-letter topic so far, with the error and group from its headers. */
async function deadLetters(): Promise<{ value: string; error: string; group: string }[]> {
  const size = await topicSize(bus.dlqTopic);
  if (size === 0) return [];
  const messages = await readTopic(bus.dlqTopic, (seen) => seen.length >= size);
  return messages.map((m) => ({
    value: m.value?.toString() ?? '',
    error: m.headers?.['x-error']?.toString() ?? '',
    group: m.headers?.['x-consumer-group']?.toString() ?? '',
  }));
}

const kycEvent = () =>
  newEvent({
    type: 'customer.kyc.submitted',
    source: '/test',
    subject: '00000000-0000-4000-8000-00000000000a',
    data: {
      customerId: '00000000-0000-4000-8000-00000000000a',
      submittedAt: new Date().toISOString(),
      piiKeyId: 'k',
      panIndex: '0'.repeat(64),
    },
  });

test('a handler that keeps failing is retried with back-off, then dead-lettered with its error, its writes rolled back', async () => {
  const attempts: number[] = [];
  const event = kycEvent();
  subscriptions.push(
    await startConsumer({
      name: 'always-fails',
      ds: db,
      bus,
      maxAttempts: 3,
      backoffMs: 20,
      handlers: {
        'customer.kyc.submitted': async (_e: CloudEvent, m) => {
          attempts.push(Date.now());
          await m.query('CREATE TABLE IF NOT EXISTS side_effects (id int)');
          throw new Error('downstream refused');
        },
      },
    }),
  );
  await bus.publish([event]);
  const dead = await eventually(
    async () => (await deadLetters()).find((d) => d.value.includes(event.id)),
    30_000,
  );
  assert.equal(attempts.length, 3);
  assert.ok(
    (attempts[2] ?? 0) - (attempts[1] ?? 0) >= (attempts[1] ?? 0) - (attempts[0] ?? 0),
    'back-off grows',
  );
  assert.match(dead.error, /downstream refused/);
  assert.equal(dead.group, 'always-fails');
  const inbox = await db.query('SELECT count(*)::int n FROM inbox WHERE event_id = $1', [event.id]);
  assert.equal(inbox[0].n, 0, 'the failed attempts left no inbox row');
  const table = await db.query(`SELECT to_regclass('dlqtest.side_effects') AS t`);
  assert.equal(table[0].t, null, 'nor any other write');
});

test('an event that breaks its schema is dead-lettered at once, without calling the handler', async () => {
  const handled: string[] = [];
  subscriptions.push(
    await startConsumer({
      name: 'strict',
      ds: db,
      bus,
      handlers: {
        'customer.kyc.submitted': async (e: CloudEvent) => {
          handled.push(e.id);
        },
      },
    }),
  );
  const bad = { ...kycEvent(), data: { customerId: 'not-a-uuid' } };
  await bus.publish([bad as CloudEvent]);
  const dead = await eventually(
    async () => (await deadLetters()).find((d) => d.value.includes(bad.id) && d.group === 'strict'),
    30_000,
  );
  assert.match(dead.error, /InvalidEventError: invalid customer\.kyc\.submitted data/);
  assert.ok(!handled.includes(bad.id), 'the handler never saw the invalid event');
});
