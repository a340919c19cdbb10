import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emiMinor } from '../../../platform/finance';
import { DEFAULT_POLICY, parsePolicy } from './policy';
import { scoreApplication } from './scoring';

const strong = {
  amountMinor: 50_000_000n,
  tenureMonths: 36,
  monthlyIncomeMinor: 15_000_000n,
  collateralValueMinor: 150_000_000n,
  bureau: { score: 780, activeLoans: 1, existingEmiMinor: 1_000_000n, defaults: 0 },
};

test('EMI in decimal arithmetic, rounded to the paisa', () => {
  // ₹5,00,000 at 14% for 36 months: ₹17,088.81 (checked independently with 50-digit decimals).
  assert.equal(emiMinor(50_000_000n, 1400, 36), 1_708_881n);
  assert.equal(emiMinor(1_200_000n, 0, 12), 100_000n);
});

test('a strong applicant is approved with grade A or B and the reasons say why', () => {
  const r = scoreApplication(strong, DEFAULT_POLICY);
  assert.equal(r.recommendation, 'APPROVE');
  assert.ok(['A', 'B'].includes(r.grade), r.grade);
  assert.equal(r.proposedEmiMinor, 1_708_881n);
  assert.equal(r.foirBps, 1805, '(10,000 + 17,088.81) / 1,50,000');
  assert.equal(r.ltvBps, 3333);
  assert.match(r.reasons.join('; '), /bureau score 780 \(EXCELLENT\)/);
});

test('hard limits decline whatever the score: defaults, low bureau, FOIR, LTV', () => {
  const decline = (patch: Partial<typeof strong>, bureau: Partial<typeof strong.bureau> = {}) =>
    scoreApplication({ ...strong, ...patch, bureau: { ...strong.bureau, ...bureau } }, DEFAULT_POLICY);
  assert.equal(decline({}, { defaults: 1 }).recommendation, 'DECLINE');
  assert.equal(decline({}, { score: 540 }).recommendation, 'DECLINE');
  assert.equal(decline({ monthlyIncomeMinor: 2_500_000n }).recommendation, 'DECLINE');
  assert.equal(decline({ collateralValueMinor: 55_000_000n }).recommendation, 'DECLINE');
  assert.match(decline({ monthlyIncomeMinor: 2_500_000n }).reasons.join(), /FOIR above the limit/);
});

test('the middle ground is referred to a person', () => {
  const r = scoreApplication(
    { ...strong, collateralValueMinor: null, bureau: { ...strong.bureau, score: 620, activeLoans: 3 } },
    DEFAULT_POLICY,
  );
  assert.equal(r.recommendation, 'REFER');
  assert.equal(r.ltvBps, null);
});

test('the policy is data: a stricter approve threshold changes the outcome, bad policies are refused', () => {
  const strict = { ...DEFAULT_POLICY, approveScore: 990, grades: { A: 995, B: 990, C: 500, D: 350 } };
  assert.equal(scoreApplication(strong, strict).recommendation, 'REFER');
  assert.throws(() => parsePolicy({ ...DEFAULT_POLICY, referScore: 700, approveScore: 600 }), /referScore/);
  assert.throws(() => parsePolicy({ ...DEFAULT_POLICY, maxFoirBps: 20 }), /maxFoirBps/);
});
