import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketOf, daysPastDue } from './delinquency';

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
