import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPayment, type InstalmentDue, parseAllocationOrder } from './allocation';

const due = (n: number, principal: bigint, interest: bigint, pp = 0n, ip = 0n): InstalmentDue => ({
  n,
  principalMinor: principal,
  interestMinor: interest,
  principalPaidMinor: pp,
  interestPaidMinor: ip,
});

test('penalties, fees, then each instalment oldest first — its interest before its principal', () => {
  const r = applyPayment(1_500n, { penaltyMinor: 100n, feesMinor: 50n }, [
    due(2, 900n, 90n),
    due(1, 800n, 100n),
  ]);
  assert.deepEqual(r.applied, {
    penaltyMinor: 100n,
    feesMinor: 50n,
    interestMinor: 190n,
    principalMinor: 1_160n,
  });
  assert.deepEqual(r.instalments, [
    { n: 1, interestMinor: 100n, principalMinor: 800n, settled: true },
    { n: 2, interestMinor: 90n, principalMinor: 360n, settled: false },
  ]);
  assert.equal(r.advanceMinor, 0n);
});

test('a partly paid instalment is finished first; anything beyond the last instalment is owed back', () => {
  const r = applyPayment(2_000n, { penaltyMinor: 0n, feesMinor: 0n }, [due(1, 800n, 100n, 300n, 100n)]);
  assert.deepEqual(r.instalments, [{ n: 1, interestMinor: 0n, principalMinor: 500n, settled: true }]);
  assert.equal(r.advanceMinor, 1_500n);
});

test('a configured order: instalments first, charges after what is due and before any advance', () => {
  const order = parseAllocationOrder('interest, principal, penalty, fees');
  const rows = [
    { ...due(1, 800n, 100n), dueDate: '2027-01-05' },
    { ...due(2, 900n, 90n), dueDate: '2027-02-05' },
  ];
  const r = applyPayment(1_100n, { penaltyMinor: 500n, feesMinor: 50n }, rows, order, '2027-01-20');
  assert.deepEqual(r.instalments, [{ n: 1, interestMinor: 100n, principalMinor: 800n, settled: true }]);
  assert.deepEqual(r.applied, {
    penaltyMinor: 200n,
    feesMinor: 0n,
    interestMinor: 100n,
    principalMinor: 800n,
  });
  // Enough for everything: charges are settled before the next instalment gets an advance.
  const all = applyPayment(2_000n, { penaltyMinor: 500n, feesMinor: 50n }, rows, order, '2027-01-20');
  assert.deepEqual(all.instalments[1], { n: 2, interestMinor: 90n, principalMinor: 460n, settled: false });
  assert.equal(all.applied.feesMinor, 50n);
});

test('principal before interest within an instalment, when so ordered; bad orders are refused', () => {
  const r = applyPayment(
    850n,
    { penaltyMinor: 0n, feesMinor: 0n },
    [due(1, 800n, 100n)],
    parseAllocationOrder('penalty,fees,principal,interest'),
  );
  assert.deepEqual(r.instalments, [{ n: 1, interestMinor: 50n, principalMinor: 800n, settled: false }]);
  assert.throws(() => parseAllocationOrder('penalty,fees,interest'), /once each/);
  assert.throws(
    () => parseAllocationOrder('penalty,fees,interest,capital'),
    /unknown allocation bucket "capital"/,
  );
});
