import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketOf, daysPastDue, portfolioLines, portfolioRatios } from './delinquency';

test('days past due and buckets: 1–30, 31–60, 61–90, then NPA', () => {
  assert.equal(daysPastDue(null, '2026-03-01'), 0);
  assert.equal(daysPastDue('2026-03-01', '2026-03-01'), 0);
  assert.equal(daysPastDue('2026-02-28', '2026-03-01'), 1);
  assert.deepEqual([0, 1, 30, 31, 60, 61, 90, 91].map(bucketOf), [
    'CURRENT',
    'DPD_1_30',
    'DPD_1_30',
    'DPD_31_60',
    'DPD_31_60',
    'DPD_61_90',
    'DPD_61_90',
    'NPA',
  ]);
});

test('portfolio: principal outstanding summed per currency and bucket, in integers', () => {
  const lines = portfolioLines(
    [
      { currency: 'INR', oldest: null, outstanding: '100000000' },
      { currency: 'INR', oldest: '2026-11-20', outstanding: '25000050' },
      { currency: 'INR', oldest: '2026-07-01', outstanding: '9007199254740993' },
      { currency: 'USD', oldest: '2026-12-01', outstanding: '500' },
    ],
    '2026-12-01',
  );
  assert.deepEqual(
    lines.map((l) => [l.currency, l.loans, l.outstandingMinor]),
    [
      ['INR', 3, 9007199379741043n],
      ['USD', 1, 500n],
    ],
  );
  const inr = lines[0]?.buckets
    .filter((b) => b.loans > 0)
    .map((b) => [b.bucket, b.loans, b.outstandingMinor]);
  assert.deepEqual(inr, [
    ['CURRENT', 1, 100000000n],
    ['DPD_1_30', 1, 25000050n],
    ['NPA', 1, 9007199254740993n],
  ]);
});

test('portfolio ratios: PAR30, PAR90, gross NPA and provision coverage, in basis points of exact sums', () => {
  const [inr] = portfolioLines(
    [
      { currency: 'INR', oldest: null, outstanding: '600000', assetClass: 'STANDARD', provision: '2400' },
      { currency: 'INR', oldest: '2026-10-15', outstanding: '100000', assetClass: 'SMA_1', provision: '400' },
      { currency: 'INR', oldest: '2026-08-01', outstanding: '300000', assetClass: 'NPA', provision: '75000' },
    ],
    '2026-12-01',
  );
  assert.ok(inr);
  assert.deepEqual(
    [inr.par30Minor, inr.par90Minor, inr.npaMinor, inr.provisionsMinor],
    [400000n, 300000n, 300000n, 77800n],
  );
  assert.deepEqual(portfolioRatios(inr), {
    par30Bps: 4000,
    par90Bps: 3000,
    npaBps: 3000,
    provisionCoverageBps: 2500,
  });
  const [none] = portfolioLines([{ currency: 'INR', oldest: null, outstanding: '5' }], '2026-12-01');
  assert.ok(none);
  assert.equal(portfolioRatios(none).provisionCoverageBps, null, 'no NPA, no coverage to speak of');
});
