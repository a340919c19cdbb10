import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { emiMinor } from './finance';

/**
 * The EMI as an exact fraction, rounded half-up in integers: P·r·(1+r)^n / ((1+r)^n − 1) with
 * r = bps / (10,000 × periods a year), so with D = 10,000 × periods and A = D + bps it is
 * P·bps·A^n / (D·(A^n − D^n)).
 */
function exactEmi(p: bigint, bps: number, n: number, perYear: number) {
  const d = 10_000n * BigInt(perYear);
  const a = d + BigInt(bps);
  const an = a ** BigInt(n);
  const num = p * BigInt(bps) * an;
  const den = d * (an - d ** BigInt(n));
  return (2n * num + den) / (2n * den);
}

test('the EMI is the exact value rounded half-up to the paisa, ties included, for any terms', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 100n, max: 100_000_000_000n }),
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 1, max: 400 }),
      fc.constantFrom(52, 26, 12, 4),
      (p, bps, n, perYear) => {
        assert.equal(emiMinor(p, bps, n, perYear), exactEmi(p, bps, n, perYear));
      },
    ),
    { numRuns: 2000 },
  );
  // An exact half: 60,000 paise for one month at 0.01 % is 60,000.5.
  assert.equal(exactEmi(60_000n, 1, 1, 12), 60_001n);
  assert.equal(emiMinor(60_000n, 1, 1, 12), 60_001n);
});
