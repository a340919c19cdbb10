import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Charge } from '../../../platform/products';
import { foreclosureQuote, type ScheduledDue } from './foreclosure';

const i = (n: number, dueDate: string, interest: bigint, paid = false, interestPaid = 0n): ScheduledDue => ({
  n,
  dueDate,
  principalMinor: 1_000n,
  interestMinor: interest,
  principalPaidMinor: paid ? 1_000n : 0n,
  interestPaidMinor: paid ? interest : interestPaid,
});
const none = { penaltyMinor: 0n, feesMinor: 0n };
const base = { disbursedOn: '2026-01-01', charges: none, foreclosureCharges: [], creditMinor: 0n };
const onOutstanding = (bps: number, gst = false, minMinor?: string): Charge => ({
  code: 'FORECLOSURE',
  name: 'Foreclosure charge',
  trigger: 'FORECLOSURE',
  calculation: { kind: 'PERCENT_OF_OUTSTANDING_PRINCIPAL', bps },
  gst,
  ...(minMinor ? { minMinor } : {}),
});

test('mid-period: unpaid principal, the running period pro rata by days, penalties and the charge', () => {
  const q = foreclosureQuote({
    ...base,
    asOf: '2026-02-15',
    charges: { penaltyMinor: 500n, feesMinor: 0n },
    foreclosureCharges: [onOutstanding(200)],
    instalments: [i(1, '2026-02-01', 100n, true), i(2, '2026-03-01', 60n), i(3, '2026-04-01', 30n)],
  });
  // 14 of 28 days of instalment 2's 60 of interest; 2% of 2000.
  assert.deepEqual(q, {
    asOf: '2026-02-15',
    principalMinor: 2_000n,
    interestDueMinor: 0n,
    brokenPeriodInterestMinor: 30n,
    penaltyMinor: 500n,
    feesMinor: 0n,
    chargeMinor: 40n,
    chargeGstMinor: 0n,
    creditMinor: 0n,
    totalMinor: 2_570n,
    runningInstalment: 2,
  });
});

test('an instalment past due keeps all its interest; the running one is rounded half-up', () => {
  const q = foreclosureQuote({
    ...base,
    asOf: '2026-03-10',
    instalments: [i(1, '2026-02-01', 100n, true), i(2, '2026-03-01', 60n), i(3, '2026-04-01', 30n)],
  });
  assert.equal(q.interestDueMinor, 60n);
  assert.equal(q.brokenPeriodInterestMinor, 9n, '30 × 9 / 31 = 8.7 → 9');
  assert.equal(q.totalMinor, 2_069n);
  assert.equal(q.runningInstalment, 3);
});

test('on the disbursement day nothing has accrued; after the last due date all interest is due', () => {
  const rows = [i(1, '2026-02-01', 100n), i(2, '2026-03-01', 60n)];
  const first = foreclosureQuote({ ...base, asOf: '2026-01-01', instalments: rows });
  assert.equal(first.totalMinor, 2_000n);
  assert.equal(first.runningInstalment, 1);
  const late = foreclosureQuote({ ...base, asOf: '2026-05-01', instalments: rows });
  assert.equal(late.totalMinor, 2_160n);
  assert.equal(late.runningInstalment, null);
  assert.equal(late.brokenPeriodInterestMinor, 0n);
});

test('credit already held goes towards the payoff', () => {
  const rows = [i(1, '2026-02-01', 100n), i(2, '2026-03-01', 60n)];
  assert.equal(
    foreclosureQuote({ ...base, asOf: '2026-01-01', instalments: rows, creditMinor: 1_500n }).totalMinor,
    500n,
  );
  assert.equal(
    foreclosureQuote({ ...base, asOf: '2026-01-01', instalments: rows, creditMinor: 9_000n }).totalMinor,
    0n,
  );
});

test('after a part-prepayment in the running period, only the interest left runs, from that day', () => {
  // Instalment 2 (1 Feb – 1 Mar) had 20 of its interest paid by a part-prepayment on 8 Feb; 40 is left
  // for 8 Feb – 1 Mar (21 days). On 15 Feb, 7 of those 21 days have run: 13.33 → 13.
  const running = { ...i(2, '2026-03-01', 60n, false, 20n), interestFrom: '2026-02-08' };
  const q = foreclosureQuote({
    ...base,
    asOf: '2026-02-15',
    instalments: [i(1, '2026-02-01', 100n, true), running],
  });
  assert.equal(q.brokenPeriodInterestMinor, 13n);
  assert.equal(q.totalMinor, 1_013n);
  const fully = { ...i(2, '2026-03-01', 60n, false, 60n), interestFrom: '2026-02-08' };
  assert.equal(
    foreclosureQuote({ ...base, asOf: '2026-02-15', instalments: [i(1, '2026-02-01', 100n, true), fully] })
      .brokenPeriodInterestMinor,
    0n,
  );
});

test("foreclosure charges are the product's, each with its floor and its GST, and the total carries them", () => {
  const rows = [i(1, '2026-02-01', 100n, true), i(2, '2026-03-01', 60n), i(3, '2026-04-01', 30n)];
  const flat: Charge = {
    code: 'CLOSURE_LETTER',
    name: 'Closure letter',
    trigger: 'FORECLOSURE',
    calculation: { kind: 'FLAT', amountMinor: '100' },
    gst: true,
  };
  // 2 % of 2,000 = 40, raised to its floor of 50, plus 18 % GST (9); the flat 100 plus 18.
  const q = foreclosureQuote({
    ...base,
    asOf: '2026-02-01',
    instalments: rows,
    foreclosureCharges: [onOutstanding(200, true, '50'), flat],
  });
  assert.equal(q.chargeMinor, 50n + 9n + 100n + 18n);
  assert.equal(q.chargeGstMinor, 27n);
  assert.equal(q.totalMinor, 2_000n + q.chargeMinor);
});
