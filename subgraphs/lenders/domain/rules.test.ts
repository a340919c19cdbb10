import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ageOn, compileRuleSet, type Facts, ruleSetSchema } from './rules';

const facts = (over: Partial<Facts> = {}): Facts => ({
  bureauBand: 'GOOD',
  ageYears: 34,
  monthlyIncomeMinor: 15_000_000n,
  amountMinor: 40_000_000n,
  tenureMonths: 36,
  state: 'Maharashtra',
  product: 'TERM_LOAN',
  merchantCategory: null,
  ...over,
});

const rules = ruleSetSchema.parse([
  {
    lenderCode: 'ALPHA',
    priority: 10,
    bureauBands: ['EXCELLENT', 'GOOD'],
    amountMinor: { min: '100000', max: '50000000' },
    states: ['Maharashtra', 'Karnataka'],
    dailyExposureCapMinor: '100000000',
  },
  { lenderCode: 'BETA', priority: 20, bandBonus: { FAIR: 15 }, ageYears: { min: 21, max: 60 } },
  { lenderCode: 'GAMMA', priority: 30, products: ['PERSONAL_LOAN'], tenureMonths: { max: 24 } },
]);
const none = () => 0n;

test('eligible lenders come first, in priority order, with reasons for the rest', () => {
  const v = compileRuleSet(rules)(facts(), none);
  assert.deepEqual(
    v.map((x) => [x.lenderCode, x.eligible]),
    [
      ['ALPHA', true],
      ['BETA', true],
      ['GAMMA', false],
    ],
  );
  assert.deepEqual(v[2]?.reasons, ['tenure above 24', 'product TERM_LOAN not served']);
});

test('a band bonus moves a lender up for the applicants it wants most', () => {
  const select = compileRuleSet(rules);
  const fair = select(facts({ bureauBand: 'FAIR' }), none);
  assert.deepEqual(
    fair.filter((x) => x.eligible).map((x) => x.lenderCode),
    ['BETA'],
    'ALPHA does not take FAIR',
  );
  const both = compileRuleSet(
    ruleSetSchema.parse([
      { lenderCode: 'AA', priority: 10 },
      { lenderCode: 'BB', priority: 20, bandBonus: { FAIR: 15 } },
    ]),
  );
  assert.deepEqual(
    both(facts({ bureauBand: 'FAIR' }), none).map((x) => x.lenderCode),
    ['BB', 'AA'],
  );
});

test('unknown facts fail the criteria that need them; money compares as integers', () => {
  const v = compileRuleSet(rules)(
    facts({ bureauBand: null, ageYears: null, amountMinor: 50_000_001n }),
    none,
  );
  const alpha = v.find((x) => x.lenderCode === 'ALPHA');
  assert.deepEqual(alpha?.reasons, ['bureau band unknown', 'amount above 50000000']);
  assert.deepEqual(v.find((x) => x.lenderCode === 'BETA')?.reasons, ['age unknown']);
});

test('the daily exposure cap counts what the lender already took today', () => {
  const select = compileRuleSet(rules);
  const lent = (code: string) => (code === 'ALPHA' ? 70_000_000n : 0n);
  assert.equal(select(facts({ amountMinor: 30_000_000n }), lent)[0]?.lenderCode, 'ALPHA');
  const over = select(facts({ amountMinor: 30_000_001n }), lent).find((x) => x.lenderCode === 'ALPHA');
  assert.deepEqual(over?.reasons, ['daily exposure cap of 100000000 reached']);
});

test('bad rule sets are refused: duplicate lenders, inverted ranges, bad codes', () => {
  assert.throws(() =>
    ruleSetSchema.parse([
      { lenderCode: 'A1', priority: 1 },
      { lenderCode: 'A1', priority: 2 },
    ]),
  );
  assert.throws(() =>
    ruleSetSchema.parse([{ lenderCode: 'A1', priority: 1, tenureMonths: { min: 12, max: 6 } }]),
  );
  assert.throws(() => ruleSetSchema.parse([{ lenderCode: 'lower', priority: 1 }]));
  assert.throws(() => ruleSetSchema.parse([{ lenderCode: 'A1', priority: 1, amountMinor: { min: -1 } }]));
});

test('a paused lender is never eligible', () => {
  const select = compileRuleSet(ruleSetSchema.parse([{ lenderCode: 'ALPHA', priority: 1, active: false }]));
  assert.deepEqual(select(facts(), none)[0]?.reasons, ['lender paused']);
});

test('age is completed years on the lending day', () => {
  assert.equal(ageOn('2005-12-03', '2026-12-02'), 20);
  assert.equal(ageOn('2005-12-03', '2026-12-03'), 21, 'a year older on the birthday');
  assert.equal(ageOn('2005-12-03', '2027-01-01'), 21);
  assert.equal(ageOn('2004-02-29', '2025-02-28'), 20);
  assert.equal(ageOn('2004-02-29', '2025-03-01'), 21);
  assert.equal(ageOn('2004-02-29', '2028-02-29'), 24);
});
