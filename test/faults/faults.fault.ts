// npm run test:faults — the fault suite (issue 22): the real stack broken on purpose, one fault at a time,
// while load runs through the gateway. After each fault every operation that answered success has all its
// downstream effects, nothing is doubled, nothing is left stuck, and the time to recover is printed.
// It restarts the shared stack's parts, so it runs alone, after the other test files.
import '../helpers/env';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createClient } from 'graphql-ws';
import { Kafka, logLevel } from 'kafkajs';
import WebSocket from 'ws';
import { config } from '../../platform/config';
import { type EventBus, listDeadLetters } from '../../platform/events';
import { SUBGRAPHS } from '../../subgraphs';
import { registerCustomer, staffUser, submittedApplication } from '../helpers/flows';
import { activeLoan, type Desk, staffDesk, type User } from '../helpers/lifecycle';
import { client, eventually, startTestPlatform } from '../helpers/platform';
import {
  killFerretDb,
  killKafka,
  startFerretDb,
  startKafka,
  startPostgres,
  stopPostgres,
} from './stack-control';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let desk: Desk;
let approvers: { internal: User; manager: User };
let officer: User;
const report: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  platform = await startTestPlatform();
  desk = await staffDesk(platform.gql);
  approvers = {
    internal: await staffUser(platform.gql, 'INTERNAL_APPROVER'),
    manager: await staffUser(platform.gql, 'MANAGER'),
  };
  officer = await staffUser(platform.gql, 'MANAGER');
});

after(async () => {
  console.log(`\nfault suite\n${report.join('\n')}`);
  await platform?.stop();
});

/** What a load run did, by operations that answered success. */
interface Ran {
  submitted: string[];
  verifiedPayments: string[];
  failed: number;
}

/**
 * Load through the gateway until `stop` says so: customers submitting applications (each makes a KYC
 * review, notifications) and staff verifying payments on active loans (each books ledger entries). Only
 * operations that answered success are counted; the others failed in the fault (and said so).
 */
async function load(loanIds: { loanId: string; token: string }[], stop: () => boolean): Promise<Ran> {
  const ran: Ran = { submitted: [], verifiedPayments: [], failed: 0 };
  const gql = platform.gql;
  const customers = async () => {
    while (!stop()) {
      try {
        const c = await submittedApplication(gql, 'Load Customer');
        ran.submitted.push(c.applicationId);
        // A steady trickle, not a flood: the point is what happens to work in flight.
        await sleep(300);
      } catch {
        ran.failed++;
        await sleep(500);
      }
    }
  };
  const payments = async () => {
    let i = 0;
    while (!stop()) {
      const loan = loanIds[i++ % loanIds.length];
      if (!loan) return;
      try {
        const paid = await gql(
          `mutation($i: PaymentInput!, $k: String!) { recordPayment(input: $i, idempotencyKey: $k) { id } }`,
          {
            i: {
              loanId: loan.loanId,
              amount: '1000',
              method: 'UPI',
              reference: `UPI-${randomUUID().slice(0, 8)}`,
            },
            k: randomUUID(),
          },
          loan.token,
        );
        const id = paid.data?.recordPayment?.id as string | undefined;
        if (!id) throw new Error(JSON.stringify(paid.errors));
        const verified = await gql(
          `mutation($p: ID!) { verifyPayment(paymentId: $p, accept: true, reason: "seen on the statement") { status } }`,
          { p: id },
          officer.token,
        );
        if (verified.data?.verifyPayment?.status !== 'VERIFIED')
          throw new Error(JSON.stringify(verified.errors));
        ran.verifiedPayments.push(id);
        await sleep(300);
      } catch {
        ran.failed++;
        await sleep(500);
      }
    }
  };
  await Promise.all([customers(), customers(), payments()]);
  return ran;
}

/**
 * The checker: every event in any outbox is in the inbox of every consumer that handles its type; each
 * submitted application has one KYC review; each verified payment has its ledger entry once; no event of
 * this run is parked. Returns when all of that holds (or fails after `timeoutMs`), and how long it took.
 */
async function settled(ran: Ran, since: Date, timeoutMs = 120_000) {
  const started = Date.now();
  const consumers = SUBGRAPHS.filter((s) => s.consumes).map((s) => ({
    name: s.name,
    types: Object.keys(s.consumes?.(platform.db(s.name)) ?? {}),
  }));
  await eventually(async () => {
    for (const producer of SUBGRAPHS) {
      const unsent = await platform
        .db(producer.name)
        .query('SELECT count(*)::int n FROM outbox WHERE sent_at IS NULL');
      if (unsent[0].n > 0) return false;
    }
    for (const c of consumers) {
      for (const producer of SUBGRAPHS) {
        const missing = await platform
          .db(producer.name)
          .query(`SELECT count(*)::int n FROM outbox o WHERE o.created_at >= $1 AND o.type = ANY($2)`, [
            since,
            c.types,
          ]);
        const ids = await platform
          .db(producer.name)
          .query(`SELECT id FROM outbox WHERE created_at >= $1 AND type = ANY($2)`, [since, c.types]);
        if (missing[0].n === 0) continue;
        const seen = await platform
          .db(c.name)
          .query(`SELECT count(*)::int n FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])`, [
            c.name,
            ids.map((r: { id: string }) => r.id),
          ]);
        if (seen[0].n < missing[0].n) return false;
      }
    }
    const reviews = await platform
      .db('kyc')
      .query(
        `SELECT count(*)::int n, count(DISTINCT application_id)::int d FROM reviews WHERE application_id = ANY($1::uuid[])`,
        [ran.submitted],
      );
    if (reviews[0].d < ran.submitted.length) return false;
    assert.equal(reviews[0].n, reviews[0].d, 'one review per application, never two');
    const booked: { p: string; n: number }[] = await platform.db('loans').query(
      `SELECT p, count(j.id)::int n FROM unnest($1::text[]) p
         LEFT JOIN journal j ON j.reference LIKE '%payment ' || p || '%' GROUP BY p`,
      [ran.verifiedPayments],
    );
    if (booked.some((b) => b.n === 0)) return false;
    assert.deepEqual(
      booked.filter((b) => b.n > 1),
      [],
      'one ledger entry per verified payment, never two',
    );
    return true;
  }, timeoutMs);
  const parked = (await listDeadLetters(platform.bus as EventBus)).filter(
    (d) => Date.parse(d.failedAt) >= since.getTime(),
  );
  // Only what was never an event, or broke its schema, may be parked (the poison case puts both on the
  // topic; a redelivery may park it again): a dependency being away never parks anything.
  assert.deepEqual(
    parked
      .filter((d) => d.errorClass !== 'PoisonMessage' && d.errorClass !== 'InvalidEventError')
      .map((d) => `${d.group}: ${d.type} ${d.errorClass} ${d.error.slice(0, 200)}`),
    [],
    'nothing parked but poison',
  );
  return Date.now() - started;
}

/** Runs load, breaks the stack during it, and reports. */
async function underFault(
  name: string,
  loans: { loanId: string; token: string }[],
  fault: () => Promise<void>,
) {
  const since = new Date(Date.now() - 1000);
  let stopping = false;
  const running = load(loans, () => stopping);
  await sleep(3000);
  await fault();
  await sleep(3000);
  stopping = true;
  const ran = await running;
  const recovery = await settled(ran, since);
  report.push(
    `${name.padEnd(44)} ops ${String(ran.submitted.length + ran.verifiedPayments.length).padStart(4)}  failed-and-told ${String(ran.failed).padStart(3)}  lost 0  doubled 0  stuck 0  recovered in ${(recovery / 1000).toFixed(1)} s`,
  );
  assert.ok(ran.submitted.length + ran.verifiedPayments.length > 0, 'load ran');
}

const loans: { loanId: string; token: string }[] = [];

test('setup: two active loans to pay into', async () => {
  for (let i = 0; i < 2; i++) {
    const c = await activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '', '5000000');
    loans.push({ loanId: c.loanId, token: c.token });
  }
});

test('PostgreSQL restarted (down 15 s): nothing lost, nothing doubled; callers told UNAVAILABLE meanwhile', async () => {
  const loan = loans[0];
  assert.ok(loan);
  let during: { graphql?: string; rest?: number; retryAfter?: string | null } = {};
  await underFault('PostgreSQL down 15 s', loans, async () => {
    await stopPostgres();
    await sleep(2000);
    const q = await platform.gql('query($id: ID!) { loan(id: $id) { id } }', { id: loan.loanId }, loan.token);
    const rest = await fetch(
      `${platform.gateway.url.replace(/\/graphql$/, '')}/api/v1/payments/${loan.loanId}/outstanding`,
      {
        headers: { authorization: `Bearer ${loan.token}` },
      },
    );
    during = {
      graphql: q.errors?.[0]?.extensions?.code,
      rest: rest.status,
      retryAfter: rest.headers.get('retry-after'),
    };
    await sleep(13_000);
    await startPostgres();
  });
  assert.equal(during.graphql, 'UNAVAILABLE', 'GraphQL says the service is away, not an internal error');
  assert.equal(during.rest, 503);
  assert.ok(Number(during.retryAfter) >= 1);
});

test('Kafka broker killed (down 30 s): nothing lost, nothing doubled', async () => {
  await underFault('Kafka killed, down 30 s', loans, async () => {
    await killKafka();
    await sleep(30_000);
    await startKafka();
  });
});

test('FerretDB stopped for 60 s: in-app notifications wait, other channels do not', async () => {
  const c = await registerCustomer(platform.gql);
  await underFault('FerretDB down 60 s', loans, async () => {
    await killFerretDb();
    await sleep(60_000);
    await startFerretDb();
  });
  const inbox = await eventually(async () => {
    const r = await platform.gql('{ myNotifications(first: 5) { items { id } } }', {}, c.token);
    return r.data?.myNotifications ? r : undefined;
  }, 60_000);
  assert.ok(inbox.data?.myNotifications, 'the inbox answers again');
});

test('FerretDB away before its first use: the platform starts, the inbox waits and fills once it is back', async () => {
  const { lazyDocumentStore } = await import('../../platform/docstore');
  await killFerretDb();
  try {
    const store = lazyDocumentStore();
    await assert.rejects(store.get(), 'away at first use');
    await startFerretDb();
    const s = await eventually(async () => store.get().catch(() => undefined), 30_000);
    assert.equal(s.kind, 'mongodb', 'the next use opens it: the failure was not kept');
    await store.close();
  } finally {
    await startFerretDb();
  }
});

test('poison on the topic (null, not JSON, unknown type, schema-invalid): every listener keeps going', async () => {
  const since = new Date();
  const kafka = new Kafka({ brokers: config().KAFKA_BROKERS?.split(',') ?? [], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: config().KAFKA_TOPIC,
    messages: [
      { value: 'null' },
      { value: '{"not json' },
      { value: JSON.stringify({ id: randomUUID(), type: 'no.such.type', specversion: '1.0', data: {} }) },
      {
        value: JSON.stringify({
          id: randomUUID(),
          type: 'application.status.changed',
          source: '/poison',
          specversion: '1.0',
          time: new Date().toISOString(),
          data: { applicationId: 'not-a-uuid' },
        }),
      },
    ],
  });
  await producer.disconnect();
  // The gateway's hub still pushes, and the consumers still apply.
  const c = await submittedApplication(platform.gql);
  const pushed = await new Promise<string>((resolve, reject) => {
    const ws = createClient({
      url: platform.gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${desk.kycOfficer.token}` },
    });
    const timer = setTimeout(() => reject(new Error('no push after the poison')), 30_000);
    ws.subscribe(
      { query: 'subscription { kycQueueChanged { type applicationId } }' },
      {
        next: (v) => {
          const d = (v.data as { kycQueueChanged: { type: string } } | undefined)?.kycQueueChanged;
          if (d) {
            clearTimeout(timer);
            void ws.dispose();
            resolve(d.type);
          }
        },
        error: reject,
        complete: () => undefined,
      },
    );
    setTimeout(() => void submittedApplication(platform.gql).catch(() => undefined), 1000);
  });
  assert.ok(pushed);
  const recovery = await settled({ submitted: [c.applicationId], verifiedPayments: [], failed: 0 }, since);
  const parked = (await listDeadLetters(platform.bus as EventBus)).filter(
    (d) => Date.parse(d.failedAt) >= since.getTime(),
  );
  assert.ok(
    parked.some((d) => d.errorClass === 'PoisonMessage'),
    'the poison is parked',
  );
  report.push(
    `${'poison on the topic'.padEnd(44)} parked ${parked.length}, listeners alive, recovered in ${(recovery / 1000).toFixed(1)} s`,
  );
});

/** One subgraph in a process of its own, so it can be killed for real. */
function subgraphProcess(name: string): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', '..', 'subgraphs', name, 'index.ts')],
    {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

test('a consumer killed mid-handler: its events are applied once when it is back', async () => {
  const kyc = platform.subgraphs.find((s) => s.name === 'kyc');
  assert.ok(kyc);
  const since = new Date();
  // The in-process KYC consumer stops; a KYC process takes over the group and is killed mid-flow.
  await kyc.stopConsumer();
  const child = subgraphProcess('kyc');
  const submitted: string[] = [];
  for (let i = 0; i < 4; i++) submitted.push((await submittedApplication(platform.gql)).applicationId);
  await sleep(500);
  child.kill('SIGKILL');
  for (let i = 0; i < 4; i++) submitted.push((await submittedApplication(platform.gql)).applicationId);
  await kyc.startConsumer();
  const recovery = await settled({ submitted, verifiedPayments: [], failed: 0 }, since);
  report.push(
    `${'KYC consumer killed mid-flow'.padEnd(44)} ops ${String(submitted.length).padStart(4)}  lost 0  doubled 0  stuck 0  recovered in ${(recovery / 1000).toFixed(1)} s`,
  );
});

test('the gateway crashes mid-REST-payment: the same Idempotency-Key then records the payment once', async () => {
  const gatewayProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', '..', 'gateway', 'index.ts')],
    {
      env: {
        ...process.env,
        GATEWAY_PORT: '0',
        LOG_LEVEL: 'info',
        REST_IDEMPOTENCY_LEASE_SECONDS: '5',
        ...Object.fromEntries(platform.subgraphs.map((s) => [`SUBGRAPH_URL_${s.name.toUpperCase()}`, s.url])),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  gatewayProcess.stdout?.on('data', (d) => {
    out += d;
  });
  const url = await eventually(async () => /"url":"(http:[^"]+)"/.exec(out)?.[1], 60_000);
  const loan = loans[0];
  assert.ok(loan);
  const key = `crash-${randomUUID()}`;
  const body = JSON.stringify({ loanId: loan.loanId, amount: '2000', method: 'UPI', reference: 'UPI-CRASH' });
  const pay = (base: string) =>
    fetch(`${base.replace(/\/graphql$/, '')}/api/v1/payments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${loan.token}`,
        'idempotency-key': key,
      },
      body,
    });
  // The request is on its way when the gateway dies.
  const inFlight = pay(url).catch(() => undefined);
  await sleep(30);
  gatewayProcess.kill('SIGKILL');
  await inFlight;
  // A retry through a gateway that is up: refused while the dead request's lease lasts, then run again,
  // where payments finds the payment the key already recorded (if the dead request got that far).
  const retried = await eventually(async () => {
    const r = await pay(platform.gateway.url);
    return r.status === 201 || r.status === 200 ? ((await r.json()) as { id: string }) : undefined;
  }, 60_000);
  const rows = await platform
    .db('payments')
    .query('SELECT count(*)::int n FROM payments WHERE loan_id = $1 AND idempotency_key = $2', [
      loan.loanId,
      key,
    ]);
  assert.equal(rows[0].n, 1, 'one payment for the key');
  assert.ok(retried.id);
  report.push(`${'gateway killed mid-REST-payment'.padEnd(44)} payments for the key 1, lost 0, doubled 0`);
});

test('a gateway that stops leaves no consumer group behind', async () => {
  const kafka = new Kafka({ brokers: config().KAFKA_BROKERS?.split(',') ?? [], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const mine = async () =>
      (await admin.listGroups()).groups.filter((g) =>
        g.groupId.startsWith(`${config().KAFKA_TOPIC}.gateway-`),
      ).length;
    const before = await mine();
    const { startGateway } = await import('../../gateway/server');
    const gateway = await startGateway({
      port: 0,
      bus: undefined,
      subgraphUrls: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
    });
    await eventually(async () => (await mine()) === before + 1, 30_000);
    await gateway.stop();
    assert.equal(await mine(), before);
  } finally {
    await admin.disconnect();
  }
  void client;
});
