import './helpers/env';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { config } from '../platform/config';
import { openDatabase } from '../platform/db';
import { type CloudEvent, createBus, type EventBus, OutboxRelay } from '../platform/events';
import { channelNotifier, useNotifier } from '../platform/notify/http';
import { startMessagingSimulator } from '../platform/notify/simulator';
import { Role } from '../platform/roles';
import { type RunningSubgraph, runSubgraph } from '../platform/subgraph';
import { applications } from '../subgraphs/applications';
import { createApplication } from '../subgraphs/applications/service';
import { identity } from '../subgraphs/identity';
import { register, verifyEmail } from '../subgraphs/identity/accounts';
import { submitKyc } from '../subgraphs/identity/service';
import { applicationInput, emailedLink, kycInput } from './helpers/flows';
import { topicSize } from './helpers/kafka';
import { createDatabase, dropDatabase, eventually } from './helpers/platform';

const CUSTOMERS = 6;
let bus: EventBus;
let identitySvc: RunningSubgraph;
let appsDb: DataSource;
let child: ChildProcess | undefined;
let messaging: Awaited<ReturnType<typeof startMessagingSimulator>>;

/** The applications subgraph as its own process, so it can be killed for real. */
function startApplicationsProcess(): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', 'subgraphs', 'applications', 'index.ts')],
    {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

async function kill(p: ChildProcess | undefined) {
  if (!p || p.exitCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await exited;
}

before(async () => {
  await createDatabase();
  messaging = await startMessagingSimulator();
  useNotifier(channelNotifier(messaging.url, messaging.smtpUrl));
  bus = createBus();
  identitySvc = await runSubgraph(identity, { bus, relay: false });
  appsDb = await openDatabase({
    schema: applications.dbSchema,
    entities: applications.entities,
    migrations: applications.migrations,
  });
});

after(async () => {
  await kill(child);
  await identitySvc?.stop();
  useNotifier(undefined);
  await messaging?.stop();
  await appsDb?.destroy();
  await bus?.close();
  await dropDatabase();
});

const kycApplied = async () =>
  Number(
    (
      await appsDb.query(
        `SELECT count(*) n FROM inbox WHERE consumer = 'applications' AND event_type = 'customer.kyc.submitted'`,
      )
    )[0].n,
  );

test('a relay crash after the broker ack and a consumer killed mid-flow lose no event and apply none twice', async () => {
  // Customers with a DRAFT application each, then KYC: the KYC events note each application's timeline.
  const applicationIds: string[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const email = `r${i}-${Date.now()}@example.com`;
    await register(identitySvc.ds, { email, password: 'correct-horse-battery', fullName: `Customer ${i}` });
    const t = await verifyEmail(
      identitySvc.ds,
      (await emailedLink(messaging.url, email, 'verify')) as string,
    );
    const app = await createApplication(
      appsDb,
      { userId: t.user.id, roles: [Role.CUSTOMER] },
      applicationInput(),
    );
    applicationIds.push(app.id);
    await submitKyc(identitySvc.ds, t.user.id, kycInput());
  }
  const unsent = async () =>
    Number((await identitySvc.ds.query('SELECT count(*) n FROM outbox WHERE sent_at IS NULL'))[0].n);
  const recorded = await unsent();
  assert.equal(
    recorded,
    CUSTOMERS * 3,
    'registered, contact card and kyc submitted per customer, none sent yet',
  );

  // The relay publishes half its batch, the broker acknowledges, and the process dies before commit.
  const crashing: EventBus = {
    ...bus,
    kind: 'kafka',
    publish: async (events: CloudEvent[]) => {
      await bus.publish(events.slice(0, events.length / 2));
      throw new Error('simulated crash after the broker ack');
    },
    subscribe: bus.subscribe.bind(bus),
    deadLetter: bus.deadLetter.bind(bus),
    close: async () => {},
  };
  await assert.rejects(new OutboxRelay(identitySvc.ds, crashing).drainOnce(), /simulated crash/);
  assert.equal(await unsent(), recorded, 'nothing was marked sent: the rows are still due');
  const [refusal] = await identitySvc.ds.query(
    `SELECT min(attempts)::int AS attempts, min(last_error) AS error FROM outbox WHERE sent_at IS NULL`,
  );
  assert.deepEqual(refusal, { attempts: 1, error: 'simulated crash after the broker ack' });

  // The restarted relay sends everything, including the events already on the broker.
  identitySvc.relay.start();
  await eventually(async () => (await unsent()) === 0);
  const onTopic = await topicSize(config().KAFKA_TOPIC);
  assert.ok(onTopic > recorded, `the broker holds duplicates (${onTopic} messages for ${recorded} events)`);

  // The consumer process is killed in the middle of a handler: its transaction has written the inbox
  // row and waits on a lock the test holds, so the kill lands before the commit, deterministically.
  const blocker = appsDb.createQueryRunner();
  await blocker.startTransaction();
  await blocker.query('LOCK TABLE timeline IN EXCLUSIVE MODE');
  child = startApplicationsProcess();
  await eventually(
    async () =>
      Number((await identitySvc.ds.query('SELECT count(*) n FROM pg_locks WHERE NOT granted'))[0].n) > 0,
    60_000,
  );
  await kill(child);
  await blocker.rollbackTransaction();
  await blocker.release();
  assert.equal(await kycApplied(), 0, 'the killed handler left nothing behind, not even its inbox row');

  child = startApplicationsProcess();
  await eventually(async () => (await kycApplied()) === CUSTOMERS, 90_000);

  // Exactly once in effect: one milestone per application, one read-model row per customer.
  const milestones = await appsDb.query(
    `SELECT application_id, count(*)::int n FROM timeline WHERE action = 'KYC_DATA_RECEIVED' GROUP BY application_id`,
  );
  assert.equal(milestones.length, CUSTOMERS);
  assert.ok(
    milestones.every((m: { n: number }) => m.n === 1),
    JSON.stringify(milestones),
  );
  assert.deepEqual(
    milestones.map((m: { application_id: string }) => m.application_id).sort(),
    [...applicationIds].sort(),
  );
  assert.equal(Number((await appsDb.query('SELECT count(*) n FROM customer_kyc'))[0].n), CUSTOMERS);
  assert.equal(await topicSize(`${config().KAFKA_TOPIC}.dlq`), 0, 'nothing was dead-lettered');
});
