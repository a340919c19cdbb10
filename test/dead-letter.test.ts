import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { config } from '../platform/config';
import { openDatabase } from '../platform/db';
import {
  type CloudEvent,
  KafkaBus,
  listDeadLetters,
  newEvent,
  replayDeadLetters,
  type Subscription,
  startConsumer,
} from '../platform/events';
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

/** Everything on the dead-letter topic so far, as the bus lists it. */
async function deadLetters() {
  return (await listDeadLetters(bus)).map((d) => ({ ...d, value: d.payload }));
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
  assert.equal(dead.eventId, event.id, 'the headers name the event…');
  assert.equal(dead.type, 'customer.kyc.submitted');
  assert.equal(dead.source, '/test');
  assert.equal(dead.errorClass, 'Error', '…the class of error…');
  assert.equal(dead.attempts, 3, '…and the tries');
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

test('a dependency that is away is waited out, however many tries it takes: never dead-lettered, applied once', async () => {
  const event = kycEvent();
  let tries = 0;
  subscriptions.push(
    await startConsumer({
      name: 'waits',
      ds: db,
      bus,
      maxAttempts: 2,
      backoffMs: 10,
      maxBackoffMs: 50,
      handlers: {
        'customer.kyc.submitted': async (e: CloudEvent, m) => {
          if (e.id !== event.id) return;
          tries++;
          // What pg answers while PostgreSQL restarts, eight times over (more than maxAttempts).
          if (tries <= 8)
            throw Object.assign(new Error('the database system is starting up'), { code: '57P03' });
          await m.query('SELECT 1');
        },
      },
    }),
  );
  await bus.publish([event]);
  await eventually(async () => {
    const [row] = await db.query(
      `SELECT count(*)::int n FROM inbox WHERE consumer = 'waits' AND event_id = $1`,
      [event.id],
    );
    return row.n === 1;
  }, 30_000);
  assert.equal(tries, 9);
  assert.equal((await deadLetters()).filter((d) => d.eventId === event.id && d.group === 'waits').length, 0);
});

test('poison on the topic is parked and passed over: the consumer keeps going', async () => {
  const handled: string[] = [];
  subscriptions.push(
    await startConsumer({
      name: 'poison-proof',
      ds: db,
      bus,
      handlers: {
        'customer.kyc.submitted': async (e: CloudEvent) => {
          handled.push(e.id);
        },
      },
    }),
  );
  const kafka = new Kafka({ brokers: config().KAFKA_BROKERS?.split(',') ?? [], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const marker = `poison-${Date.now()}`;
  await producer.send({
    topic: config().KAFKA_TOPIC,
    messages: ['null', `{"not json ${marker}`, '42', `{"unknown":"${marker}"}`].map((value) => ({ value })),
  });
  await producer.disconnect();
  const after = kycEvent();
  await bus.publish([after]);
  await eventually(async () => handled.includes(after.id), 30_000);
  const parked = await eventually(async () => {
    const mine = (await deadLetters()).filter(
      (d) => d.group === 'poison-proof' && d.errorClass === 'PoisonMessage',
    );
    return mine.length >= 4 ? mine : undefined;
  }, 30_000);
  assert.ok(parked.some((d) => d.payload.includes(`not json ${marker}`)));
  assert.ok(parked.every((d) => d.eventId === null));
});

test('a dead letter replayed goes back to the group that failed it only, and is applied once', async () => {
  const event = kycEvent();
  let broken = true;
  const applied: string[] = [];
  const seenByOther: string[] = [];
  subscriptions.push(
    await startConsumer({
      name: 'fixed-later',
      ds: db,
      bus,
      maxAttempts: 1,
      handlers: {
        'customer.kyc.submitted': async (e: CloudEvent) => {
          if (e.id !== event.id) return;
          if (broken) throw new Error('a bug, since fixed');
          applied.push(e.id);
        },
      },
    }),
    await startConsumer({
      name: 'bystander',
      ds: db,
      bus,
      handlers: {
        'customer.kyc.submitted': async (e: CloudEvent) => {
          if (e.id === event.id) seenByOther.push(e.id);
        },
      },
    }),
  );
  await bus.publish([event]);
  await eventually(
    async () => (await deadLetters()).some((d) => d.eventId === event.id && d.group === 'fixed-later'),
    30_000,
  );
  await eventually(async () => seenByOther.length === 1, 30_000);
  broken = false;
  // (The first test's consumer, still running, fails every event too: name the group.)
  const replayed = await replayDeadLetters(bus, { eventIds: [event.id], group: 'fixed-later' });
  assert.deepEqual(
    replayed.map((d) => d.group),
    ['fixed-later'],
  );
  await replayDeadLetters(bus, { eventIds: [event.id], group: 'fixed-later' });
  await eventually(async () => applied.length >= 1, 30_000);
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(applied, [event.id], 'applied once, though replayed twice');
  assert.equal(seenByOther.length, 1, 'the other group was not handed it again');
});

test('a handler slower than the session timeout keeps its event: one member handles it, once', async () => {
  const event = kycEvent();
  let running = 0;
  let most = 0;
  let calls = 0;
  // Straight on the bus (no inbox to absorb a second delivery): what the group itself does.
  const slow = async (e: CloudEvent) => {
    if (e.id !== event.id) return;
    calls++;
    running++;
    most = Math.max(most, running);
    // Longer than the group's 10 s session: without heartbeats the group gives the partition to the other member.
    await new Promise((r) => setTimeout(r, 13_000));
    running--;
  };
  for (let i = 0; i < 2; i++) subscriptions.push(await bus.subscribe('slow-pair', slow));
  await bus.publish([event]);
  await eventually(async () => calls >= 1 && running === 0, 40_000);
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(most, 1, 'never two at once');
  assert.equal(calls, 1, 'handled once');
});
