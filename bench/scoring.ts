// npm run bench:scoring — needs `npm run stack:up` for part 2.
// 1. Risk scores per second of the pure engine on one core (target > 50,000/s), against the EMI
//    computation alone (its heaviest step) as the baseline.
// 2. Latency from kyc.approved committed to the RiskScore stored, at 100 events/s through the outbox,
//    Kafka, the risk consumer, the assessor and the bureau simulator (target p99 < 50 ms), against the
//    bare delivery of the same events to a consumer that does nothing, in the same run. Measured after a
//    warm-up of 300 events at the same rate (BENCH_WARMUP), which is reported and not counted.
import '../test/helpers/env';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openDatabase } from '../platform/db';
import { createBus, newEvent, OutboxRelay, recordEvent, startConsumer } from '../platform/events';
import { emiMinor } from '../platform/finance';
import { risk } from '../subgraphs/risk';
import { startBureauSimulator } from '../subgraphs/risk/bureau/simulator';
import { DEFAULT_POLICY } from '../subgraphs/risk/domain/policy';
import { type ScoringInput, scoreApplication } from '../subgraphs/risk/domain/scoring';
import { createDatabase, dropDatabase } from '../test/helpers/platform';

const ENGINE_RUNS = Number(process.env.BENCH_SCORES ?? 200_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);

const q = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: q(s, 0.5), p95: q(s, 0.95), p99: q(s, 0.99), max: s.at(-1) ?? 0 };
};

function engine() {
  const r = (n: number) => Math.floor(Math.random() * n);
  const inputs: ScoringInput[] = Array.from({ length: 10_000 }, () => ({
    amountMinor: BigInt(1_000_000 + r(500_000_000)),
    tenureMonths: 12 + r(229),
    monthlyIncomeMinor: BigInt(2_000_000 + r(50_000_000)),
    collateralValueMinor: r(2) ? BigInt(10_000_000 + r(900_000_000)) : null,
    bureau: {
      score: 300 + r(601),
      activeLoans: r(4),
      existingEmiMinor: BigInt(r(4_000_000)),
      defaults: r(10) === 0 ? 1 : 0,
    },
  }));
  const time = (fn: (i: ScoringInput) => unknown) => {
    for (let i = 0; i < 5000; i++) fn(inputs[i % inputs.length] as ScoringInput);
    const t = performance.now();
    for (let i = 0; i < ENGINE_RUNS; i++) fn(inputs[i % inputs.length] as ScoringInput);
    return (performance.now() - t) / 1000;
  };
  const baseline = time((i) => emiMinor(i.amountMinor, DEFAULT_POLICY.assumedAnnualRateBps, i.tenureMonths));
  const full = time((i) => scoreApplication(i, DEFAULT_POLICY));
  console.log(`\n1. pure scoring engine, ${ENGINE_RUNS} scores on one core`);
  console.log(`   EMI alone (baseline): ${(ENGINE_RUNS / baseline).toFixed(0)} /s`);
  console.log(
    `   full score:           ${(ENGINE_RUNS / full).toFixed(0)} /s  (target > 50,000/s: ${ENGINE_RUNS / full > 50_000 ? 'met' : 'NOT met'})`,
  );
  console.log(`   full score / EMI alone time = ${(full / baseline).toFixed(2)}×`);
}

const approvedEvent = (a: { id: string; customer: string }) =>
  newEvent({
    type: 'kyc.approved',
    source: '/bench',
    subject: randomUUID(),
    partitionKey: a.id,
    data: { reviewId: randomUUID(), applicationId: a.id, customerId: a.customer, reason: 'benchmark' },
  });

async function latency() {
  await createDatabase();
  const sim = await startBureauSimulator();
  const bus = createBus('bench-scoring');
  // The risk subgraph runs as its own process, as deployed; this process plays the KYC desk and measures.
  const riskDb = await openDatabase({
    schema: risk.dbSchema,
    entities: risk.entities,
    migrations: risk.migrations,
  });
  const riskProc = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', 'subgraphs', 'risk', 'index.ts')],
    {
      env: { ...process.env, PORT: '0', BUREAU_URL: sim.url, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  // Plays the KYC desk: its own outbox and relay, as the kyc subgraph would publish.
  const kyc = await openDatabase({ schema: 'bench_kyc', entities: [], migrations: [] });
  const relay = new OutboxRelay(kyc, bus, 250);
  relay.start();

  const committed = new Map<string, number>();
  const delivered = new Map<string, number>();
  const baseline = await startConsumer({
    name: 'bench-delivery',
    ds: kyc,
    bus,
    handlers: {
      'kyc.approved': async (e) => {
        delivered.set((e.data as { applicationId: string }).applicationId, Date.now());
      },
    },
  });

  const apps = Array.from({ length: EVENTS }, () => ({ id: randomUUID(), customer: randomUUID() }));
  const warmup = Array.from({ length: WARMUP }, () => ({ id: randomUUID(), customer: randomUUID() }));
  // What risk would have learnt from application.submitted and customer.kyc.submitted.
  const seed = async (a: { id: string; customer: string }) => {
    await riskDb.query(
      'INSERT INTO application_terms (application_id, customer_id, amount_minor, tenure_months, monthly_income_minor) VALUES ($1,$2,50000000,36,15000000)',
      [a.id, a.customer],
    );
    await riskDb.query('INSERT INTO customer_pan (customer_id, pan_index) VALUES ($1, $2)', [
      a.customer,
      randomBytes(32).toString('hex'),
    ]);
  };
  for (const a of [...warmup, ...apps]) await seed(a);

  const eventIds = new Map<string, string>();
  // Commits one kyc.approved per application at RATE, then waits until risk has assessed them all.
  const drive = async (list: { id: string; customer: string }[]) => {
    const started = Date.now();
    for (const [i, a] of list.entries()) {
      const due = started + (i * 1000) / RATE;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const e = await kyc.transaction((m) => recordEvent(m, approvedEvent(a)));
      committed.set(a.id, Date.now());
      eventIds.set(e.id, a.id);
    }
    const deadline = Date.now() + 60_000;
    let rows: { application_id: string; completed_at: Date }[] = [];
    while (Date.now() < deadline) {
      rows = await riskDb.query(
        `SELECT application_id, completed_at FROM assessments WHERE status = 'COMPLETED' AND application_id = ANY($1)`,
        [list.map((a) => a.id)],
      );
      if (rows.length >= list.length && list.every((a) => delivered.has(a.id))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return rows;
  };

  // Warm-up at the same rate, not counted: the first event waits for the risk process's consumer to join
  // its group, and the first seconds of a fresh process are spent compiling hot paths and opening pool
  // connections. A deployed service has long passed that point.
  await drive(warmup.slice(0, 1));
  await drive(warmup.slice(1));
  committed.clear();
  delivered.clear();
  eventIds.clear();

  const rows = await drive(apps);
  const scored = rows.map((r) => r.completed_at.getTime() - (committed.get(r.application_id) ?? 0));
  const carried = [...delivered].map(([id, t]) => t - (committed.get(id) ?? 0));
  const s = stats(scored);
  const d = stats(carried);
  // Where the time goes, from the timestamps each step leaves behind.
  const sent: { id: string; at: Date }[] = await kyc.query(
    'SELECT id, sent_at AS at FROM outbox WHERE id = ANY($1)',
    [[...eventIds.keys()]],
  );
  const received: { id: string; at: Date }[] = await riskDb.query(
    `SELECT event_id AS id, processed_at AS at FROM inbox WHERE consumer = 'risk' AND event_id = ANY($1)`,
    [[...eventIds.keys()]],
  );
  const steps: { application_id: string; created_at: Date; claimed_at: Date; completed_at: Date }[] =
    await riskDb.query(
      `SELECT application_id, created_at, claimed_at, completed_at FROM assessments WHERE status = 'COMPLETED'`,
    );
  const at = (rows: { id: string; at: Date }[]) =>
    new Map(rows.map((r) => [eventIds.get(r.id), r.at.getTime()]));
  const sentAt = at(sent);
  const receivedAt = at(received);
  const stage = (f: (id: string, x: (typeof steps)[number]) => number) =>
    stats(steps.filter((x) => committed.has(x.application_id)).map((x) => f(x.application_id, x)));
  console.log(
    `\n2. kyc.approved committed → RiskScore stored, ${EVENTS} events at ${RATE}/s after ${WARMUP} not counted (Kafka, real PostgreSQL)`,
  );
  console.log(
    `   ${'path'.padEnd(44)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)} ms`,
  );
  const row = (name: string, x: ReturnType<typeof stats>) =>
    `   ${name.padEnd(44)} ${[x.p50, x.p95, x.p99, x.max].map((v) => v.toFixed(0).padStart(7)).join(' ')}`;
  console.log(row('delivery to an idle consumer (baseline)', d));
  console.log(row('assessment stored (bureau + score + commit)', s));
  console.log(
    row(
      '  commit → relay publishes',
      stage((id) => (sentAt.get(id) ?? 0) - (committed.get(id) ?? 0)),
    ),
  );
  console.log(
    row(
      '  publish → risk consumer',
      stage((id) => (receivedAt.get(id) ?? 0) - (sentAt.get(id) ?? 0)),
    ),
  );
  console.log(
    row(
      '  consumer → assessor claims',
      stage((id, x) => x.claimed_at.getTime() - (receivedAt.get(id) ?? 0)),
    ),
  );
  console.log(
    row(
      '  claim → stored',
      stage((_, x) => x.completed_at.getTime() - x.claimed_at.getTime()),
    ),
  );
  console.log(
    `   assessed ${rows.length}/${EVENTS}; p99 ${s.p99} ms (target < 50 ms: ${rows.length === EVENTS && s.p99 < 50 ? 'met' : 'NOT met'}); p99 ratio to delivery ${(s.p99 / Math.max(1, d.p99)).toFixed(2)}×`,
  );

  await baseline.stop();
  await relay.stop();
  riskProc.kill('SIGTERM');
  await new Promise((r) => riskProc.once('exit', r));
  await riskDb.destroy();
  await kyc.destroy();
  await bus.close();
  await sim.stop();
  await dropDatabase();
}

async function main() {
  engine();
  if (process.argv.includes('--engine-only')) return;
  await latency();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
