// npm run bench:schedule — time to build a 360-instalment schedule (target < 1 ms), against computing
// its EMI alone (one decimal power) as the baseline measured in the same run; the same with a product's
// rules checked; and quote + payoff (and part-prepayment plans) for 1,000 loans.
import { emiMinor } from '../platform/finance';
import { productOfTerms, roundingOf } from '../platform/products';
import { applyPayment } from '../subgraphs/loans/domain/allocation';
import { foreclosureQuote } from '../subgraphs/loans/domain/foreclosure';
import { planPrepayment } from '../subgraphs/loans/domain/prepayment';
import { buildSchedule, type ScheduleInput } from '../subgraphs/loans/domain/schedule';
import { kfsCharges, productProblems } from '../subgraphs/offers/domain/product-terms';

const RUNS = Number(process.env.BENCH_RUNS ?? 2000);
const loan: ScheduleInput = {
  principalMinor: 50_000_000n,
  annualRateBps: 875,
  instalments: 360,
  frequency: 'MONTHLY',
  method: 'EMI',
  disbursementDate: '2026-01-31',
};

function time(fn: () => unknown) {
  for (let i = 0; i < 200; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? 0;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

const baseline = time(() => emiMinor(loan.principalMinor, loan.annualRateBps, loan.instalments));
const full = time(() => buildSchedule(loan));
const f = (x: number) => `${x.toFixed(3)} ms`;
console.log(`360-instalment schedule, ${RUNS} runs`);
console.log(`  EMI alone (baseline): p50 ${f(baseline.p50)}  p95 ${f(baseline.p95)}  p99 ${f(baseline.p99)}`);
console.log(`  full schedule:        p50 ${f(full.p50)}  p95 ${f(full.p95)}  p99 ${f(full.p99)}`);
console.log(
  `  target p99 < 1 ms: ${full.p99 < 1 ? 'met' : 'NOT met'}; schedule / EMI alone (p50) = ${(full.p50 / baseline.p50).toFixed(1)}×`,
);

// Products in play. The loan's schedule under a product: the product's instalment rounding (₹1, up) and
// the charges its KFS lists; and, apart, the offer-time check of terms against the product (ranges,
// fee ceiling and the schedule-shape check, which amortises the terms once more).
const personal = productOfTerms({});
const rupeeUp = { ...personal, instalmentRounding: { multipleMinor: '100', mode: 'UP' as const } };
const withProduct = time(() => {
  kfsCharges(rupeeUp, 0n);
  return buildSchedule({ ...loan, rounding: roundingOf(rupeeUp) });
});
console.log(
  `  schedule + product:   p50 ${f(withProduct.p50)}  p95 ${f(withProduct.p95)}  p99 ${f(withProduct.p99)}`,
);
console.log(
  `  target p99 < 1 ms with products: ${withProduct.p99 < 1 ? 'met' : 'NOT met'}; / schedule alone (p50) = ${(withProduct.p50 / full.p50).toFixed(2)}×`,
);
const offerCheck = time(() =>
  productProblems(rupeeUp, {
    amountMinor: loan.principalMinor,
    annualRateBps: loan.annualRateBps,
    tenureMonths: 360,
    frequency: 'MONTHLY',
    method: 'EMI',
    moratoriumPeriods: 0,
    processingFeeMinor: 0n,
  }),
);
console.log(
  `  offer check vs product: p50 ${f(offerCheck.p50)}  p95 ${f(offerCheck.p95)}  p99 ${f(offerCheck.p99)}  (/ schedule alone (p50) = ${(offerCheck.p50 / full.p50).toFixed(2)}×)`,
);

// Quote + payoff for 1,000 loans (the servicing arithmetic: the foreclosure quote on a date, then the
// payoff allocated over what is owed), and a part-prepayment plan for each, against building their
// 1,000 schedules as the baseline.
const LOANS = 1000;
const books = Array.from({ length: LOANS }, (_, k) => {
  const rows = buildSchedule({
    principalMinor: 1_000_000n + BigInt(k) * 97_531n,
    annualRateBps: 900 + (k % 25) * 100,
    instalments: 12 + (k % 10) * 12,
    frequency: (['WEEKLY', 'FORTNIGHTLY', 'MONTHLY', 'QUARTERLY'] as const)[k % 4],
    method: k % 3 ? 'EMI' : 'EQUAL_PRINCIPAL',
    disbursementDate: '2026-01-15',
  });
  const asOf = rows[Math.floor(rows.length / 3)]?.dueDate ?? '2026-01-15';
  return {
    asOf,
    instalments: rows.map((r) => ({
      ...r,
      principalPaidMinor: r.dueDate < asOf ? r.principalMinor : 0n,
      interestPaidMinor: r.dueDate < asOf ? r.interestMinor : 0n,
    })),
  };
});
const none = { penaltyMinor: 0n, feesMinor: 0n };
const one = (fn: () => unknown) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const rebuild = one(() => {
  for (let k = 0; k < LOANS; k++) {
    buildSchedule({
      principalMinor: 1_000_000n + BigInt(k) * 97_531n,
      annualRateBps: 900 + (k % 25) * 100,
      instalments: 12 + (k % 10) * 12,
      frequency: (['WEEKLY', 'FORTNIGHTLY', 'MONTHLY', 'QUARTERLY'] as const)[k % 4],
      method: k % 3 ? 'EMI' : 'EQUAL_PRINCIPAL',
      disbursementDate: '2026-01-15',
    });
  }
});
const payoff = one(() => {
  for (const b of books) {
    const q = foreclosureQuote({
      asOf: b.asOf,
      disbursedOn: '2026-01-15',
      charges: none,
      creditMinor: 0n,
      foreclosureCharges: [],
      instalments: b.instalments,
    });
    applyPayment(
      q.totalMinor,
      none,
      b.instalments.filter((i) => i.dueDate <= b.asOf),
      undefined,
      b.asOf,
    );
  }
});
const prepayments = one(() => {
  for (const [k, b] of books.entries()) {
    planPrepayment({
      asOf: b.asOf,
      disbursedOn: '2026-01-15',
      annualRateBps: 900 + (k % 25) * 100,
      frequency: (['WEEKLY', 'FORTNIGHTLY', 'MONTHLY', 'QUARTERLY'] as const)[k % 4],
      method: k % 3 ? 'EMI' : 'EQUAL_PRINCIPAL',
      moratoriumPeriods: 0,
      instalments: b.instalments,
      charges: none,
      creditMinor: 0n,
      amountMinor: (1_000_000n + BigInt(k) * 97_531n) / 4n,
      option: k % 2 ? 'REDUCE_EMI' : 'REDUCE_TENURE',
    });
  }
});
console.log(`${LOANS} loans of every frequency and method, a third of the way through`);
console.log(`  building their schedules (baseline): ${f(rebuild)}`);
console.log(
  `  quote + payoff allocation:          ${f(payoff)}  (${(payoff / rebuild).toFixed(2)}× the baseline)`,
);
console.log(
  `  part-prepayment plans:              ${f(prepayments)}  (${(prepayments / rebuild).toFixed(2)}× the baseline)`,
);
