import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDays } from '../business-date';
import { ASSET_CLASSES } from './delinquency';
import { PROVISION_CLASSES, provisionClassOf, provisioningRates, requiredProvision } from './provisioning';

test('the rates are RBI’s floor: 0.40 % standard, 15 %/25 % sub-standard, 25/40/100 % doubtful, 100 % loss', () => {
  const r = provisioningRates().rates;
  assert.deepEqual(r.STANDARD, { secured: 40, unsecured: 40 });
  assert.deepEqual(r.SUB_STANDARD, { secured: 1500, unsecured: 2500 });
  assert.deepEqual(
    [r.DOUBTFUL_1.secured, r.DOUBTFUL_2.secured, r.DOUBTFUL_3.secured, r.LOSS.secured],
    [2500, 4000, 10000, 10000],
  );
  for (const c of ['DOUBTFUL_1', 'DOUBTFUL_2', 'DOUBTFUL_3', 'LOSS'] as const)
    assert.equal(r[c].unsecured, 10000);
});

test('an NPA ages from sub-standard through doubtful 1, 2 and 3; every other class is standard', () => {
  const since = '2026-06-29';
  assert.equal(provisionClassOf('NPA', since, since), 'SUB_STANDARD');
  assert.equal(provisionClassOf('NPA', since, '2027-06-29'), 'SUB_STANDARD');
  assert.equal(provisionClassOf('NPA', since, '2027-07-01'), 'DOUBTFUL_1');
  assert.equal(provisionClassOf('NPA', since, '2028-07-01'), 'DOUBTFUL_2');
  assert.equal(provisionClassOf('NPA', since, '2030-07-01'), 'DOUBTFUL_3');
  for (const c of ASSET_CLASSES.filter((c) => c !== 'NPA'))
    assert.equal(provisionClassOf(c, null, since), 'STANDARD');
});

test('a provision is never short and never a paisa more than its rate needs; it only grows as an NPA ages', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 10_000_000_000_00n }),
      fc.constantFrom(...PROVISION_CLASSES),
      fc.boolean(),
      (outstanding, cls, secured) => {
        const p = requiredProvision(outstanding, cls, secured);
        const rate = BigInt(provisioningRates().rates[cls][secured ? 'secured' : 'unsecured']);
        assert.ok(p * 10_000n >= outstanding * rate);
        assert.ok((p - 1n) * 10_000n < outstanding * rate || p === 0n);
        assert.ok(p <= outstanding);
      },
    ),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 3000 }), fc.bigInt({ min: 1n, max: 10n ** 12n }), (days, out) => {
      const since = '2026-01-01';
      const a = requiredProvision(out, provisionClassOf('NPA', since, addDays(since, days)), false);
      const b = requiredProvision(out, provisionClassOf('NPA', since, addDays(since, days + 30)), false);
      assert.ok(b >= a);
    }),
  );
});

test('an NPA whose loss was identified is a loss asset from that day, whatever its age; days alone never make one', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3000 }),
      fc.integer({ min: 0, max: 3000 }),
      fc.constantFrom(...ASSET_CLASSES),
      (identifiedAfter, daysAfter, assetClass) => {
        const since = '2026-01-01';
        const lossOn = addDays(since, identifiedAfter);
        const day = addDays(since, daysAfter);
        const cls = provisionClassOf(assetClass, assetClass === 'NPA' ? since : null, day, lossOn);
        const without = provisionClassOf(assetClass, assetClass === 'NPA' ? since : null, day);
        assert.notEqual(without, 'LOSS');
        if (assetClass !== 'NPA') assert.equal(cls, 'STANDARD');
        else assert.equal(cls, day >= lossOn ? 'LOSS' : without);
      },
    ),
  );
});
