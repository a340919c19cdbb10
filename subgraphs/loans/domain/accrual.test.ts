import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDays } from '../business-date';
import { accruedBy } from './accrual';

const period = fc.record({
  open: fc.bigInt({ min: 0n, max: 10_000_000_000n }),
  start: fc.date({ min: new Date('2001-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }),
  length: fc.integer({ min: 1, max: 400 }),
});

test('accrued interest starts at nothing, never falls, never runs ahead of the days, and is the whole interest on the due date', () => {
  fc.assert(
    fc.property(period, ({ open, start, length }) => {
      const s = start.toISOString().slice(0, 10);
      const due = addDays(s, length);
      let before = accruedBy(open, s, due, addDays(s, -1));
      assert.equal(before, 0n);
      assert.equal(accruedBy(open, s, due, s), 0n);
      for (let k = 1; k <= length; k++) {
        const now = accruedBy(open, s, due, addDays(s, k));
        assert.ok(now >= before, 'never falls');
        // At most the days' share, and short of it by less than a paisa.
        assert.ok(now * BigInt(length) <= open * BigInt(k));
        assert.ok((now + 1n) * BigInt(length) > open * BigInt(k));
        before = now;
      }
      assert.equal(accruedBy(open, s, due, due), open);
      assert.equal(accruedBy(open, s, due, addDays(due, 5)), open);
    }),
    { numRuns: 200 },
  );
});

test('a worked month: ₹1,000 of interest over 31 days accrues ₹32.25 a day, the odd paise on the way', () => {
  const s = '2027-01-05';
  const due = '2027-02-05';
  assert.equal(accruedBy(100_000n, s, due, '2027-01-06'), 3_225n);
  assert.equal(accruedBy(100_000n, s, due, '2027-01-07'), 6_451n);
  assert.equal(accruedBy(100_000n, s, due, '2027-02-04'), 96_774n);
  assert.equal(accruedBy(100_000n, s, due, due), 100_000n);
});
