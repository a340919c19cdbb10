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
  PAISA,
  ROUNDING_MODES,
  type Rounding,
  roundTo,
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
    rounding: fc.oneof(
      fc.constant(PAISA),
      fc.record({
        multipleMinor: fc.constantFrom(1n, 10n, 100n, 1000n),
        mode: fc.constantFrom(...ROUNDING_MODES),
      }) as fc.Arbitrary<Rounding>,
    ),
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
      const r = {
        frequency: t.frequency,
        method: t.method,
        moratoriumPeriods: t.moratorium,
        rounding: t.rounding,
      };
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
      if (!scheduleProblem(rows, t.method, t.moratorium, t.rounding)) {
        const repaying = rows.slice(t.moratorium);
        // Every repaying instalment but the last is the level one, a whole multiple of the product's unit.
        for (const i of repaying.slice(0, -1)) {
          const part = t.method === 'EMI' ? i.totalMinor : i.principalMinor;
          assert.equal(part % t.rounding.multipleMinor, 0n, `row ${i.n}: ${part}`);
        }
        const level = t.method === 'EMI' ? repaying[0]?.totalMinor : repaying[0]?.principalMinor;
        const last = t.method === 'EMI' ? repaying.at(-1)?.totalMinor : repaying.at(-1)?.principalMinor;
        const drift =
          (last ?? 0n) > (level ?? 0n) ? (last ?? 0n) - (level ?? 0n) : (level ?? 0n) - (last ?? 0n);
        const perUnit = BigInt(repaying.length) * t.rounding.multipleMinor;
        const allowed = (level ?? 0n) / 100n > perUnit ? (level ?? 0n) / 100n : perUnit;
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

test('an amount is rounded to the product unit by its exact value: a multiple, less than a unit away, in the mode’s direction', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 10n ** 14n }),
      fc.bigInt({ min: 1n, max: 10n ** 6n }),
      fc.constantFrom(1n, 10n, 100n, 1000n),
      fc.constantFrom(...ROUNDING_MODES),
      (a, b, multipleMinor, mode) => {
        // a / b exactly, as a decimal string with enough digits (b divides 10^k only sometimes: use a/b
        // only where it terminates within 30 digits, else its rounding at 30 digits is already exact enough
        // to decide every case but an exact tie, which then terminates).
        const exact = `${a / b}.${(((a % b) * 10n ** 30n) / b).toString().padStart(30, '0')}`;
        const got = roundTo(exact, { multipleMinor, mode });
        assert.equal(got % multipleMinor, 0n);
        // Compare got with a/b in integers: got·b against a.
        const diff = got * b - a; // sign says above or below
        assert.ok(diff < multipleMinor * b && -diff < multipleMinor * b, `${got} vs ${a}/${b}`);
        if (mode === 'UP') assert.ok(diff >= 0n);
        if (mode === 'DOWN') assert.ok(diff <= 0n);
        if (mode === 'HALF_UP') {
          // Half-up: never more than half a unit away, and an exact half goes up.
          assert.ok(2n * diff <= multipleMinor * b && -2n * diff < multipleMinor * b, `${got} vs ${a}/${b}`);
        }
      },
    ),
    { numRuns: 2000 },
  );
});
