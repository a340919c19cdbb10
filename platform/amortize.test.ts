import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  amortizeTerms,
  aprBps,
  FREQUENCIES,
  instalmentsFor,
  MAX_INSTALMENTS,
  METHODS,
  scheduleProblem,
} from './finance';

/** Terms of every frequency and method, as an offer may carry them. */
const terms = fc
  .record({
    principal: fc.bigInt({ min: 100_000n, max: 10_000_000_000n }),
    rate: fc.integer({ min: 0, max: 5000 }),
    tenureMonths: fc.integer({ min: 3, max: 360 }),
    frequency: fc.constantFrom(...FREQUENCIES),
    method: fc.constantFrom(...METHODS),
    moratorium: fc.integer({ min: 0, max: 6 }),
  })
  .filter(
    (t) =>
      (t.frequency !== 'QUARTERLY' || t.tenureMonths % 3 === 0) &&
      instalmentsFor(t.tenureMonths, t.frequency) <= MAX_INSTALMENTS &&
      t.moratorium < instalmentsFor(t.tenureMonths, t.frequency),
  );

test('every schedule repays exactly the amount, never goes below zero, and an offerable one ends within bounds', () => {
  fc.assert(
    fc.property(terms, (t) => {
      const r = { frequency: t.frequency, method: t.method, moratoriumPeriods: t.moratorium };
      const rows = amortizeTerms(t.principal, t.rate, t.tenureMonths, r);
      assert.equal(
        rows.reduce((s, i) => s + i.principalMinor, 0n),
        t.principal,
        'Σ principal = amount',
      );
      for (const i of rows) {
        assert.ok(i.closingMinor >= 0n && i.principalMinor >= 0n && i.interestMinor >= 0n, `row ${i.n}`);
      }
      assert.equal(rows.at(-1)?.closingMinor, 0n);
      if (!scheduleProblem(rows, t.method, t.moratorium)) {
        const repaying = rows.slice(t.moratorium);
        const level = t.method === 'EMI' ? repaying[0]?.totalMinor : repaying[0]?.principalMinor;
        const last = t.method === 'EMI' ? repaying.at(-1)?.totalMinor : repaying.at(-1)?.principalMinor;
        const drift =
          (last ?? 0n) > (level ?? 0n) ? (last ?? 0n) - (level ?? 0n) : (level ?? 0n) - (last ?? 0n);
        const allowed =
          (level ?? 0n) / 100n > BigInt(repaying.length) ? (level ?? 0n) / 100n : BigInt(repaying.length);
        assert.ok(drift <= allowed);
      }
    }),
    { numRuns: 400 },
  );
});

test('a fee never lowers the APR below the nominal rate, whatever the frequency', () => {
  fc.assert(
    fc.property(terms, fc.integer({ min: 1, max: 1000 }), (t, feeBps) => {
      fc.pre(t.moratorium === 0 && t.method === 'EMI' && t.rate > 0);
      const r = { frequency: t.frequency, method: t.method, moratoriumPeriods: 0 };
      const rows = amortizeTerms(t.principal, t.rate, t.tenureMonths, r);
      fc.pre(!scheduleProblem(rows, 'EMI'));
      const fee = (t.principal * BigInt(feeBps)) / 10_000n;
      fc.pre(fee > 0n);
      const perYear = { WEEKLY: 52, FORTNIGHTLY: 26, MONTHLY: 12, QUARTERLY: 4 }[t.frequency];
      const apr = aprBps(
        t.principal - fee,
        rows.map((i) => i.totalMinor),
        perYear,
      );
      assert.ok(apr >= t.rate - 1, `${apr} < ${t.rate}`);
    }),
    { numRuns: 200 },
  );
});
