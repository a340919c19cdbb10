// npm run bench:waterfall — lender selection: waterfall evaluations per second on one core for a rule set
// of ten lenders, compiled once per rule version, against compiling the rules on every evaluation (what
// reading the JSON per request would cost), in one run. No stack needed.
import { performance } from 'node:perf_hooks';
import { BUREAU_BANDS, compileRuleSet, type Facts, ruleSetSchema } from '../subgraphs/lenders/domain/rules';

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

const compiled = compileRuleSet(rules);
rate((f) => compiled(f, lentToday)); // warm-up
const c = rate((f) => compiled(f, lentToday));
const i = rate((f) => compileRuleSet(rules)(f, lentToday));
console.log(`\n${LENDERS} lenders per evaluation, one thread, ${SECONDS} s each`);
console.log(`compiled once per rule version   ${Math.round(c.perSecond).toLocaleString('en')} evaluations/s`);
console.log(`compiled on every evaluation     ${Math.round(i.perSecond).toLocaleString('en')} evaluations/s`);
console.log(`share with an eligible lender    ${(c.eligibleShare * 100).toFixed(1)} %`);
console.log(
  `\ncompiled / per-evaluation = ${(c.perSecond / i.perSecond).toFixed(2)} (target: over 100,000/s compiled)`,
);
