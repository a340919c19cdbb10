import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { aprBps, instalmentsFor } from '../../../platform/finance';
import { keyFacts } from './kfs';

// [amount, rate bps, months, fee, EMI, total interest, total payable, APR bps], worked out independently
// by test/fixtures/kfs_expected.py (Python decimals, its own schedule and IRR).
const EXPECTED: [bigint, number, number, bigint, bigint, bigint, bigint, number][] = [
  [10000000n, 1200, 12, 100000n, 888488n, 661853n, 10661853n, 1391],
  [50000000n, 1400, 36, 500000n, 1708881n, 11519735n, 61519735n, 1471],
  [100000000n, 1050, 60, 1000000n, 2149390n, 28963402n, 128963402n, 1094],
  [250000000n, 950, 120, 1180000n, 3234939n, 138192674n, 388192674n, 961],
  [500000n, 2400, 6, 0n, 89263n, 35577n, 535577n, 2400],
  [1500000n, 1899, 18, 29500n, 96418n, 235526n, 1735526n, 2167],
  [75000000n, 1125, 84, 750000n, 1294063n, 33701225n, 108701225n, 1158],
  [30000000n, 1675, 24, 354000n, 1479667n, 5511998n, 35511998n, 1797],
  [999999999n, 875, 240, 5900000n, 8837107n, 1120905731n, 2120905730n, 883],
  [2000000n, 3600, 12, 59000n, 200924n, 411090n, 2411090n, 4206],
  [45000000n, 1325, 48, 0n, 1212828n, 13215771n, 58215771n, 1325],
  [12345678n, 1550, 30, 123457n, 499011n, 2624657n, 14970335n, 1634],
  [800000000n, 899, 180, 2360000n, 8109374n, 659687440n, 1459687440n, 904],
  [6000000n, 2099, 9, 118000n, 726320n, 536877n, 6536877n, 2598],
  [150000000n, 1199, 72, 1770000n, 2931749n, 61085918n, 211085918n, 1244],
  [3300000n, 2750, 15, 66000n, 262462n, 636923n, 3936923n, 3079],
  [60000000n, 1000, 36, 600000n, 1936031n, 9697126n, 69697126n, 1069],
  [20000000n, 1475, 42, 236000n, 612493n, 5724728n, 25724728n, 1548],
  [1000000000n, 800, 300, 10000000n, 7718162n, 1315448785n, 2315448785n, 812],
  [9000000n, 1999, 20, 90000n, 532821n, 1656423n, 10656423n, 2122],
  [100000n, 1200, 3, 1000n, 34002n, 2007n, 102007n, 1813],
  [40000000n, 0, 10, 400000n, 4000000n, 0n, 40000000n, 220],
];

test('Key Fact Statements match an independent computation for 22 loans', () => {
  for (const [
    amountMinor,
    annualRateBps,
    tenureMonths,
    processingFeeMinor,
    emi,
    interest,
    payable,
    apr,
  ] of EXPECTED) {
    const k = keyFacts({ amountMinor, annualRateBps, tenureMonths, processingFeeMinor });
    const label = `${amountMinor} at ${annualRateBps} bps for ${tenureMonths} months, fee ${processingFeeMinor}`;
    assert.equal(k.emiMinor, emi, `EMI of ${label}`);
    assert.equal(k.totalInterestMinor, interest, `interest of ${label}`);
    assert.equal(k.totalPayableMinor, payable, `total payable of ${label}`);
    assert.equal(k.aprBps, apr, `APR of ${label}`);
    assert.equal(k.netDisbursedMinor, amountMinor - processingFeeMinor);
  }
});

test('the schedule pays off the principal exactly; the last instalment absorbs the rounding', () => {
  const k = keyFacts({
    amountMinor: 12345678n,
    annualRateBps: 1550,
    tenureMonths: 30,
    processingFeeMinor: 0n,
  });
  assert.equal(k.schedule.length, 30);
  assert.equal(
    k.schedule.reduce((s, i) => s + i.principalMinor, 0n),
    12345678n,
  );
  assert.equal(k.schedule.at(-1)?.closingMinor, 0n);
  for (const i of k.schedule.slice(0, -1)) assert.equal(i.totalMinor, k.emiMinor);
  for (const [a, b] of k.schedule.slice(1).map((i, n) => [k.schedule[n], i])) {
    assert.equal(b?.openingMinor, a?.closingMinor);
  }
});

test('without a fee the APR is the nominal rate; a fee raises it', () => {
  const plain = keyFacts({
    amountMinor: 45_000_000n,
    annualRateBps: 1325,
    tenureMonths: 48,
    processingFeeMinor: 0n,
  });
  const withFee = keyFacts({
    amountMinor: 45_000_000n,
    annualRateBps: 1325,
    tenureMonths: 48,
    processingFeeMinor: 450_000n,
  });
  assert.equal(plain.aprBps, 1325);
  assert.ok(withFee.aprBps > plain.aprBps);
});

test('repayment terms: weekly, fortnightly or quarterly instalments, equal principal, a moratorium within the tenure', () => {
  const k = keyFacts({
    amountMinor: 2_400_000n,
    annualRateBps: 1200,
    tenureMonths: 12,
    processingFeeMinor: 0n,
    repayment: { frequency: 'FORTNIGHTLY', method: 'EQUAL_PRINCIPAL', moratoriumPeriods: 2 },
  });
  assert.equal(k.instalments, 26);
  assert.deepEqual(
    k.schedule.slice(0, 2).map((i) => i.principalMinor),
    [0n, 0n],
    'interest only during the moratorium',
  );
  assert.equal(
    k.schedule.reduce((s, i) => s + i.principalMinor, 0n),
    2_400_000n,
  );
  assert.equal(k.schedule[2]?.principalMinor, 100_000n, '2,400,000 over 24 repaying instalments');
  assert.equal(
    k.emiMinor,
    k.schedule[2]?.totalMinor,
    'the regular instalment is the first that repays principal',
  );
  const weekly = keyFacts({
    amountMinor: 2_400_000n,
    annualRateBps: 1200,
    tenureMonths: 36,
    processingFeeMinor: 0n,
    repayment: { frequency: 'WEEKLY', method: 'EMI', moratoriumPeriods: 0 },
  });
  assert.equal(weekly.instalments, 156);
  const quarterly = keyFacts({
    amountMinor: 2_400_000n,
    annualRateBps: 1200,
    tenureMonths: 36,
    processingFeeMinor: 0n,
    repayment: { frequency: 'QUARTERLY', method: 'EMI', moratoriumPeriods: 0 },
  });
  assert.equal(quarterly.instalments, 12);
  assert.ok(quarterly.emiMinor > weekly.emiMinor * 12n, 'a quarter repays about 13 weeks');
});

test('APR: the ONDC KFS example — ₹20,000 over 24 monthly EMIs of ₹969.75, ₹400 fees, ₹19,600 paid out → 17.07 %', () => {
  assert.equal(
    aprBps(
      1_960_000n,
      Array.from({ length: 24 }, () => 96_975n),
      12,
    ),
    1707,
  );
});

test('APR is annualised by the instalments a year: weekly, fortnightly, monthly and quarterly alike', () => {
  const frequencies = ['WEEKLY', 'FORTNIGHTLY', 'MONTHLY', 'QUARTERLY'] as const;
  fc.assert(
    fc.property(
      fc.constantFrom(...frequencies),
      fc.integer({ min: 100, max: 3600 }),
      fc.constantFrom(12, 24, 36, 60),
      fc.bigInt({ min: 5_000_000n, max: 500_000_000n }),
      (frequency, rateBps, tenureMonths, amountMinor) => {
        const repayment = { frequency, method: 'EMI' as const, moratoriumPeriods: 0 };
        const plain = keyFacts({
          amountMinor,
          annualRateBps: rateBps,
          tenureMonths,
          processingFeeMinor: 0n,
          repayment,
        });
        // Without a fee the APR is the nominal rate, whatever the frequency (rounding moves it a bp at most).
        assert.ok(Math.abs(plain.aprBps - rateBps) <= 1, `${frequency} ${rateBps}: ${plain.aprBps}`);
        const fee = amountMinor / 50n;
        const withFee = keyFacts({
          amountMinor,
          annualRateBps: rateBps,
          tenureMonths,
          processingFeeMinor: fee,
          repayment,
        });
        assert.ok(withFee.aprBps > plain.aprBps, 'a fee raises it');
      },
    ),
    { numRuns: 150 },
  );
  // The cases: weekly 12 % shows 12 % (not 2.77 %), quarterly 12 % shows 12 % (not 36 %), weekly
  // 24 % over three years with a 2 % fee 25.53 % (not 5.89 %; Python decimals on the unrounded EMI agree).
  const weekly = (rate: number, fee: bigint) =>
    keyFacts({
      amountMinor: 10_000_000n,
      annualRateBps: rate,
      tenureMonths: 36,
      processingFeeMinor: fee,
      repayment: { frequency: 'WEEKLY', method: 'EMI', moratoriumPeriods: 0 },
    }).aprBps;
  assert.equal(weekly(1200, 0n), 1200);
  assert.ok(Math.abs(weekly(2400, 200_000n) - 2553) <= 1, String(weekly(2400, 200_000n)));
  const quarterly = keyFacts({
    amountMinor: 10_000_000n,
    annualRateBps: 1200,
    tenureMonths: 24,
    processingFeeMinor: 0n,
    repayment: { frequency: 'QUARTERLY', method: 'EMI', moratoriumPeriods: 0 },
  }).aprBps;
  assert.equal(quarterly, 1200);
});

test('APR with a broken first period: a longer first period lowers it, a shorter raises it', () => {
  const payments = Array.from({ length: 12 }, () => 90_000n);
  const regular = aprBps(1_000_000n, payments, 12);
  assert.ok(aprBps(1_000_000n, payments, 12, 1.5) < regular);
  assert.ok(aprBps(1_000_000n, payments, 12, 0.5) > regular);
  assert.equal(aprBps(1_000_000n, payments, 12, 1), regular);
});

test('a charge on each instalment is in the total payable and the APR: it is the IRR of what the borrower really pays', () => {
  fc.assert(
    fc.property(
      fc.bigInt(100_000n, 100_000_000n),
      fc.integer({ min: 0, max: 3600 }),
      fc.integer({ min: 3, max: 36 }),
      fc.constantFrom('WEEKLY' as const, 'FORTNIGHTLY' as const, 'MONTHLY' as const, 'QUARTERLY' as const),
      fc.integer({ min: 0, max: 2 }),
      fc.bigInt(1n, 50_000n),
      (amountMinor, annualRateBps, tenureMonths, frequency, moratoriumPeriods, chargeMinor) => {
        const terms = {
          amountMinor,
          annualRateBps,
          tenureMonths,
          processingFeeMinor: 0n,
          repayment: { frequency, method: 'EMI' as const, moratoriumPeriods },
        };
        // Only terms a product check lets through: some instalment repays principal.
        fc.pre(instalmentsFor(tenureMonths, frequency) > moratoriumPeriods);
        const plain = keyFacts(terms);
        const charged = keyFacts({ ...terms, instalmentChargeMinor: chargeMinor });
        // Only instalments with something to pay carry it (a ₹0 moratorium row carries nothing).
        const paying = plain.schedule.filter((i) => i.totalMinor > 0n);
        assert.equal(charged.recurringChargesMinor, chargeMinor * BigInt(paying.length));
        assert.equal(charged.totalPayableMinor, plain.totalPayableMinor + charged.recurringChargesMinor);
        assert.deepEqual(charged.schedule, plain.schedule, 'the schedule itself is unchanged');
        assert.equal(
          charged.aprBps,
          aprBps(
            amountMinor,
            plain.schedule.map((i) => (i.totalMinor > 0n ? i.totalMinor + chargeMinor : 0n)),
            { WEEKLY: 52, FORTNIGHTLY: 26, MONTHLY: 12, QUARTERLY: 4 }[frequency],
          ),
        );
        assert.ok(charged.aprBps >= plain.aprBps, 'a charge never lowers the APR');
      },
    ),
    // Each run solves two IRRs over up to 156 weekly flows: 60 runs keep the unit suite quick.
    { numRuns: 60 },
  );
});
