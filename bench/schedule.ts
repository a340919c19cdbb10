// npm run bench:schedule — time to build a 360-instalment schedule (target < 1 ms), against computing
// its EMI alone (one decimal power) as the baseline measured in the same run.
import { emiMinor } from '../platform/finance';
import { buildSchedule, type ScheduleInput } from '../subgraphs/loans/domain/schedule';

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
