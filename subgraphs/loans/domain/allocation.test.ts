import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPayment, type InstalmentDue } from './allocation';

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
