// npm run bench:waterfall — (1) lender selection: evaluations per second on one core for a rule set of ten
// lenders, compiled once per rule version, against compiling the rules on every evaluation (what reading
// the JSON per request would cost). (2) checkout: from the start of an application's waterfall to its
// funded loan, three simulated lenders answering after 100 ms each (two decline, the third approves),
// against those 300 ms of lender time. (3) the same checkout through the whole platform: from the borrower's
// e-signature to the loan funded and booked (agreement.signed → loans → disbursement.initiated → lenders →
// lender.disbursed → loans, over Kafka), with the lenders at 100 ms against the lenders answering at once.
// (4) a new rule version reaching another replica: from the risk manager's mutation to the
// lender.rules.published event in a listener of its own consumer group (what each lenders replica runs),
// against the mutation's own round trip.
// Parts 2 to 4 need `npm run stack:up` (PostgreSQL; part 3 also Kafka and FerretDB).
import '../test/helpers/env';
import { performance } from 'node:perf_hooks';
import { bundledDescriptors } from '../subgraphs/lenders/descriptors';
import { BUREAU_BANDS, compileRuleSet, type Facts, ruleSetSchema } from '../subgraphs/lenders/domain/rules';
import { LenderPool } from '../subgraphs/lenders/pool';
import { runWaterfall } from '../subgraphs/lenders/service';
import { SIMULATOR_SECRETS, startLenderSimulator } from '../subgraphs/lenders/simulator';
import { staffUser } from '../test/helpers/flows';
import { knownApplication, openLendersDb } from '../test/helpers/lenders';
import { reaches, signedAgreement, staffDesk } from '../test/helpers/lifecycle';
import { createDatabase, dropDatabase, startTestPlatform } from '../test/helpers/platform';

const LENDERS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const STATES = ['Maharashtra', 'Karnataka', 'Gujarat', 'Delhi', 'Tamil Nadu'];

const rules = ruleSetSchema.parse(
  Array.from({ length: LENDERS }, (_, i) => ({
    lenderCode: `LENDER_${i}`,
    priority: i * 10,
    bandBonus: { GOOD: i % 3 === 0 ? 25 : 0 },
    bureauBands: BUREAU_BANDS.slice(0, 2 + (i % 4)),
    ageYears: { min: 21, max: 58 + (i % 5) },
    monthlyIncomeMinor: { min: String(2_000_000 + i * 500_000) },
    amountMinor: { min: '100000', max: String(50_000_000 * (1 + (i % 3))) },
    tenureMonths: { min: 3, max: 36 + 12 * (i % 4) },
    states: STATES.slice(0, 2 + (i % 4)),
    products: ['TERM_LOAN', 'PERSONAL_LOAN', 'WORKING_CAPITAL'].slice(0, 1 + (i % 3)),
    dailyExposureCapMinor: String(1_000_000_000 * (i + 1)),
  })),
);

// A varied stream of applicants, made up front so the loop measures only the selection.
const applicants: Facts[] = Array.from({ length: 4096 }, (_, i) => ({
  bureauBand: BUREAU_BANDS[i % BUREAU_BANDS.length] ?? null,
  ageYears: 19 + (i % 50),
  monthlyIncomeMinor: BigInt(1_000_000 + (i % 40) * 250_000),
  amountMinor: BigInt(200_000 + (i % 97) * 1_500_000),
  tenureMonths: 6 + (i % 60),
  state: STATES[i % (STATES.length + 1)] ?? 'Kerala',
  product: i % 2 ? 'TERM_LOAN' : 'PERSONAL_LOAN',
  merchantCategory: null,
}));
const lentToday = (code: string) => BigInt(code.length) * 10_000_000n;

function rate(evaluate: (f: Facts) => unknown) {
  let n = 0;
  let eligible = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1024; i++) {
      const v = evaluate(applicants[(n + i) & 4095] as Facts) as { eligible: boolean }[];
      if (v[0]?.eligible) eligible++;
    }
    n += 1024;
  }
  return { perSecond: n / SECONDS, eligibleShare: eligible / n };
}

const LATENCY_MS = 100;
const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 40);
const SECRETS = SIMULATOR_SECRETS;

async function checkout() {
  await createDatabase();
  const db = await openLendersDb();
  const descriptors = bundledDescriptors();
  const sim = await startLenderSimulator(descriptors, SECRETS);
  try {
    const pool = new LenderPool(descriptors, { ...SECRETS, ...sim.env });
    sim.behave('ALPHA', 'decline', LATENCY_MS);
    sim.behave('BETA', 'decline', LATENCY_MS);
    sim.behave('GAMMA', 'approve', LATENCY_MS);
    const times: number[] = [];
    for (let i = 0; i < CHECKOUTS; i++) {
      const t0 = performance.now();
      const applicationId = await knownApplication(db);
      const done = await runWaterfall(db, pool, applicationId, 'bench');
      if (done?.lenderCode !== 'GAMMA') throw new Error(`checkout ${i} ended ${done?.status}`);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
    const lenderTime = 3 * LATENCY_MS;
    console.log(
      `\n${CHECKOUTS} checkouts, three lenders answering after ${LATENCY_MS} ms (decline, decline, approve)`,
    );
    console.log(
      `checkout p50 ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms, max ${at(1).toFixed(0)} ms (target: p95 under 1,000 ms)`,
    );
    console.log(`checkout p95 / lender time (${lenderTime} ms) = ${(at(0.95) / lenderTime).toFixed(2)}`);
  } finally {
    await sim.stop();
    await db.destroy();
    await dropDatabase();
  }
}

const PLATFORM_CHECKOUTS = Number(process.env.BENCH_PLATFORM_CHECKOUTS ?? 8);
const percentile = (times: number[], q: number) => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
};

async function platformCheckout() {
  const platform = await startTestPlatform();
  try {
    const { gql } = platform;
    const desk = await staffDesk(gql);
    const approvers = {
      internal: await staffUser(gql, 'INTERNAL_APPROVER'),
      manager: await staffUser(gql, 'MANAGER'),
    };
    // Every applicant goes to the three lenders in this order, whatever its bureau band.
    const open = ['ALPHA', 'BETA', 'GAMMA'].map((lenderCode, i) => ({ lenderCode, priority: 10 * (i + 1) }));
    const published = await gql(
      `mutation($r: String!) { updateLenderRules(rulesJson: $r) { version } }`,
      { r: JSON.stringify(open) },
      desk.riskManager.token,
    );
    if (!published.data) throw new Error(JSON.stringify(published.errors));
    const signedToFunded = async (latencyMs: number) => {
      platform.lenders?.behave('ALPHA', 'decline', latencyMs);
      platform.lenders?.behave('BETA', 'decline', latencyMs);
      platform.lenders?.behave('GAMMA', 'approve', latencyMs);
      const times: number[] = [];
      for (let i = 0; i < PLATFORM_CHECKOUTS; i++) {
        const c = await signedAgreement(gql, desk, approvers, platform.notifyUrl ?? '');
        await reaches(gql, c.applicationId, c.token, 'ACTIVE');
        const [row] = await platform.db('loans').query(
          `SELECT extract(epoch FROM l.funded_at - a.signed_at) * 1000 AS ms, l.lender_code
             FROM loans l JOIN agreements a ON a.application_id = l.application_id WHERE l.application_id = $1`,
          [c.applicationId],
        );
        const [tried] = await platform
          .db('lenders')
          .query(
            `SELECT string_agg(lender_code || ':' || outcome, ',' ORDER BY started_at) AS trail FROM lender_attempts WHERE application_id = $1`,
            [c.applicationId],
          );
        if (tried.trail !== 'ALPHA:DECLINED,BETA:DECLINED,GAMMA:APPROVED') {
          throw new Error(`checkout ${i} went ${tried.trail}`);
        }
        times.push(Number(row.ms));
      }
      return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
    };
    const instant = await signedToFunded(0);
    const slow = await signedToFunded(LATENCY_MS);
    console.log(
      `\nthrough the platform, e-signature to funded loan, ${PLATFORM_CHECKOUTS} checkouts each (decline, decline, approve)`,
    );
    console.log(
      `lenders answering at once     p50 ${instant.p50.toFixed(0)} ms, p95 ${instant.p95.toFixed(0)} ms`,
    );
    console.log(
      `lenders answering in ${LATENCY_MS} ms    p50 ${slow.p50.toFixed(0)} ms, p95 ${slow.p95.toFixed(0)} ms (target: p95 under 1,000 ms)`,
    );
    console.log(`p95 at ${LATENCY_MS} ms / p95 at once = ${(slow.p95 / instant.p95).toFixed(2)}`);
    await ruleSpread(platform, desk.riskManager.token);
  } finally {
    await platform.stop();
  }
}

const RULE_VERSIONS = Number(process.env.BENCH_RULE_VERSIONS ?? 20);

async function ruleSpread(platform: Awaited<ReturnType<typeof startTestPlatform>>, token: string) {
  const heard = new Map<number, number>();
  const replica = await platform.bus.subscribe(
    `bench-replica-${Date.now()}`,
    async (e) => {
      if (e.type === 'lender.rules.published')
        heard.set((e.data as { version: number }).version, performance.now());
    },
    { fromBeginning: false },
  );
  const UPDATE = `mutation($r: String!) { updateLenderRules(rulesJson: $r) { version } }`;
  const current = JSON.parse(
    (await platform.gql('{ lenderRules { rulesJson } }', {}, token)).data?.lenderRules.rulesJson,
  ) as { lenderCode: string; priority: number }[];
  const publish = async (i: number) => {
    const rules = current.map((r) => (r.lenderCode === 'GAMMA' ? { ...r, priority: 30 + (i % 2) } : r));
    const t0 = performance.now();
    const r = await platform.gql(UPDATE, { r: JSON.stringify(rules) }, token);
    const version = r.data?.updateLenderRules.version as number;
    if (!version) throw new Error(JSON.stringify(r.errors));
    return { version, t0, answered: performance.now() };
  };
  try {
    // The listener's group joins the topic first (an event before that is not for it).
    const first = await publish(0);
    while (!heard.has(first.version)) await new Promise((r) => setTimeout(r, 50));
    const spread: number[] = [];
    const roundTrip: number[] = [];
    for (let i = 1; i <= RULE_VERSIONS; i++) {
      const p = await publish(i);
      while (!heard.has(p.version)) await new Promise((r) => setTimeout(r, 5));
      spread.push((heard.get(p.version) as number) - p.t0);
      roundTrip.push(p.answered - p.t0);
    }
    const p95 = percentile(spread, 0.95);
    console.log(`\n${RULE_VERSIONS} rule versions published, each heard by another replica's listener`);
    console.log(
      `mutation to replica  p50 ${percentile(spread, 0.5).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (target: within 1,000 ms)`,
    );
    console.log(`mutation round trip  p95 ${percentile(roundTrip, 0.95).toFixed(0)} ms`);
    console.log(`replica p95 / mutation p95 = ${(p95 / percentile(roundTrip, 0.95)).toFixed(2)}`);
  } finally {
    await replica.stop();
  }
}

async function main() {
  const compiled = compileRuleSet(rules);
  rate((f) => compiled(f, lentToday)); // warm-up
  const c = rate((f) => compiled(f, lentToday));
  const i = rate((f) => compileRuleSet(rules)(f, lentToday));
  console.log(`\n${LENDERS} lenders per evaluation, one thread, ${SECONDS} s each`);
  console.log(
    `compiled once per rule version   ${Math.round(c.perSecond).toLocaleString('en')} evaluations/s`,
  );
  console.log(
    `compiled on every evaluation     ${Math.round(i.perSecond).toLocaleString('en')} evaluations/s`,
  );
  console.log(`share with an eligible lender    ${(c.eligibleShare * 100).toFixed(1)} %`);
  console.log(
    `\ncompiled / per-evaluation = ${(c.perSecond / i.perSecond).toFixed(2)} (target: over 100,000/s compiled)`,
  );
  if (process.env.BENCH_SKIP_CHECKOUT !== 'true') {
    await checkout();
    await platformCheckout();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
