import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { AppError } from './errors';
import {
  CALCULATIONS_ON,
  type Charge,
  chargeFor,
  chargesOn,
  describeCharge,
  disbursementCharges,
  disclosedCharge,
  GST_BPS,
  gstInFee,
  type LoanProduct,
  parseProduct,
  productOfTerms,
} from './products';

const dir = join(__dirname, '..', 'schema', 'products');
const bundled = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as LoanProduct);
const standard = bundled.find((p) => p.code === 'STANDARD') as LoanProduct;

const refused = (doc: unknown, why: RegExp) =>
  assert.throws(
    () => parseProduct(doc),
    (e: unknown) => e instanceof AppError && e.code === 'BAD_USER_INPUT' && why.test(e.message),
  );

test('every bundled product is a valid product document', () => {
  assert.ok(bundled.length >= 4);
  for (const p of bundled) assert.equal(parseProduct(p).code, p.code);
});

test('a product document that breaks a rule is refused with the rule, whatever else it says', () => {
  refused({ ...standard, amountMinor: { min: '200', max: '100' } }, /amountMinor: min above max/);
  refused({ ...standard, tenureMonths: { min: 60, max: 6 } }, /tenureMonths: min above max/);
  refused({ ...standard, charges: [...standard.charges, standard.charges[0]] }, /PROCESSING twice/);
  refused({ ...standard, glAccounts: { LOAN_PRINCIPLE: '1201' } }, /LOAN_PRINCIPLE is not a ledger account/);
  refused({ ...standard, glAccounts: { INTEREST_INCOME: '9999' } }, /maps to 9999, not in the chart/);
  refused(
    {
      ...standard,
      charges: [
        {
          code: 'ODD',
          name: 'Odd',
          trigger: 'DISBURSEMENT',
          calculation: { kind: 'PERCENT_OF_OVERDUE_INSTALMENT', bps: 100 },
          gst: false,
        },
      ],
    },
    /ODD is levied on DISBURSEMENT, so it is FLAT or PERCENT_OF_AMOUNT/,
  );
  refused(
    {
      ...standard,
      foreclosureChargeBps: 100,
      charges: [
        ...standard.charges,
        {
          code: 'CLOSING',
          name: 'Closing',
          trigger: 'FORECLOSURE',
          calculation: { kind: 'FLAT', amountMinor: '100' },
          gst: true,
        },
      ],
    },
    /state the foreclosure charge once/,
  );
  // Money is digits in minor units: never a float, never a negative, never a number type.
  for (const bad of ['12.5', '-1', 1000, '1e3']) {
    refused({ ...standard, amountMinor: { min: bad, max: '100000' } }, /amountMinor/);
  }
  refused({ ...standard, penaltyInterestBps: 200 }, /additional properties/);
  refused({ ...standard, allocationOrder: ['interest', 'interest', 'principal', 'fees'] }, /allocationOrder/);
  refused({ ...standard, foreclosureChargeBps: 1.5 }, /foreclosureChargeBps/);
});

const charge = fc.record({
  code: fc.constant('X'),
  name: fc.constant('Charge'),
  trigger: fc.constantFrom('DISBURSEMENT' as const, 'OVERDUE' as const),
  calculation: fc.oneof(
    fc.record({ kind: fc.constant('FLAT' as const), amountMinor: fc.bigInt(0n, 10n ** 9n).map(String) }),
    fc.record({
      kind: fc.constantFrom('PERCENT_OF_AMOUNT' as const, 'PERCENT_OF_OVERDUE_INSTALMENT' as const),
      bps: fc.integer({ min: 1, max: 10_000 }),
    }),
  ),
  minMinor: fc.option(fc.bigInt(0n, 10n ** 6n).map(String), { nil: undefined }),
  maxMinor: fc.option(fc.bigInt(10n ** 6n, 10n ** 8n).map(String), { nil: undefined }),
  gst: fc.boolean(),
}) as fc.Arbitrary<Charge>;

// What each trigger's levy is worked out on, as servicing passes it (the disbursement, the daily run, the
// foreclosure quote, the part-prepayment plan).
const BASE_AT = {
  DISBURSEMENT: { amountMinor: 1_000_000n },
  INSTALMENT: {},
  ON_DATE: { outstandingPrincipalMinor: 800_000n },
  OVERDUE: { overdueInstalmentMinor: 50_000n },
  FORECLOSURE: { outstandingPrincipalMinor: 800_000n },
  PREPAYMENT: { prepaidPrincipalMinor: 200_000n },
} as const;

test('a product that is accepted can levy every charge it names: each calculation is of a figure its trigger has', () => {
  const kinds = [
    'FLAT',
    'PERCENT_OF_AMOUNT',
    'PERCENT_OF_OUTSTANDING_PRINCIPAL',
    'PERCENT_OF_OVERDUE_INSTALMENT',
    'PERCENT_OF_PREPAID_PRINCIPAL',
  ] as const;
  fc.assert(
    fc.property(
      fc.constantFrom(...(Object.keys(BASE_AT) as (keyof typeof BASE_AT)[])),
      fc.constantFrom(...kinds),
      fc.integer({ min: 1, max: 10_000 }),
      (trigger, kind, bps) => {
        const c = {
          code: 'ANY',
          name: 'Any charge',
          trigger,
          calculation: kind === 'FLAT' ? { kind, amountMinor: String(bps) } : { kind, bps },
          gst: true,
        } as Charge;
        let product: LoanProduct;
        try {
          product = parseProduct({ ...standard, charges: [c] });
        } catch {
          assert.ok(!CALCULATIONS_ON[trigger].includes(kind), `${trigger} × ${kind} was refused`);
          return;
        }
        for (const levied of chargesOn(product, trigger)) {
          assert.ok(chargeFor(levied, BASE_AT[trigger]).amountMinor > 0n);
        }
      },
    ),
  );
});

test("a first product version's foreclosureChargeBps is its FORECLOSURE charge, without GST, and is disclosed", () => {
  const msme = bundled.find((p) => p.code === 'MSME_SECURED') as LoanProduct;
  const [fc1] = chargesOn(msme, 'FORECLOSURE');
  assert.deepEqual(fc1?.calculation, { kind: 'PERCENT_OF_OUTSTANDING_PRINCIPAL', bps: 200 });
  assert.equal(disclosedCharge(msme, 'FORECLOSURE').trigger, 'FORECLOSURE');
  assert.deepEqual(chargeFor(fc1 as Charge, BASE_AT.FORECLOSURE), { amountMinor: 16_000n, gstMinor: 0n });
  assert.deepEqual(chargesOn(standard, 'FORECLOSURE'), []);
});

test('a charge is its calculation, half-up to the minor unit, inside its bounds; GST is 18 % of it, half-up', () => {
  fc.assert(
    fc.property(charge, fc.bigInt(0n, 10n ** 12n), (c, base) => {
      const { amountMinor, gstMinor } = chargeFor(c, { amountMinor: base, overdueInstalmentMinor: base });
      let raw: bigint;
      if (c.calculation.kind === 'FLAT') raw = BigInt(c.calculation.amountMinor);
      else {
        // Half-up: the exact value times 2, rounded, compared with the result.
        const scaled = base * BigInt(c.calculation.bps);
        raw = scaled / 10_000n + ((scaled % 10_000n) * 2n >= 10_000n ? 1n : 0n);
      }
      const lo = c.minMinor === undefined ? raw : BigInt(c.minMinor);
      const hi = c.maxMinor === undefined ? raw : BigInt(c.maxMinor);
      const expected = raw < lo ? lo : raw > hi ? hi : raw;
      assert.equal(amountMinor, expected);
      const gst = amountMinor * GST_BPS;
      assert.equal(gstMinor, c.gst ? gst / 10_000n + ((gst % 10_000n) * 2n >= 10_000n ? 1n : 0n) : 0n);
    }),
  );
});

test('only a charge the product (and so its KFS) discloses can be levied', () => {
  const personal = bundled.find((p) => p.code === 'PERSONAL') as LoanProduct;
  assert.equal(disclosedCharge(personal, 'PENAL').code, 'PENAL');
  for (const code of ['LATE_PAYMENT', 'BOUNCE', 'penal', '']) {
    assert.throws(
      () => disclosedCharge(personal, code),
      (e: unknown) => e instanceof AppError && e.code === 'FAILED_PRECONDITION',
    );
  }
});

test('a loan made before products were data keeps the standard terms it was offered under', () => {
  const p = productOfTerms({});
  assert.equal(p.code, 'STANDARD');
  assert.deepEqual(disclosedCharge(p, 'LATE_PAYMENT').calculation, { kind: 'FLAT', amountMinor: '50000' });
  assert.deepEqual(p.allocationOrder, ['penalty', 'fees', 'interest', 'principal']);
  const personal = bundled.find((x) => x.code === 'PERSONAL');
  assert.equal(productOfTerms({ product: personal }), personal);
});

test('a charge is described in words with its amount, bounds, GST and when it falls', () => {
  const personal = bundled.find((p) => p.code === 'PERSONAL') as LoanProduct;
  assert.equal(
    describeCharge(disclosedCharge(personal, 'PENAL')),
    '2 % of the overdue instalment (at least ₹100.00, at most ₹1,000.00), plus 18 % GST, per overdue instalment',
  );
  assert.equal(
    describeCharge(disclosedCharge(personal, 'PENAL'), { penalGraceDays: 5 }),
    '2 % of the overdue instalment (at least ₹100.00, at most ₹1,000.00), plus 18 % GST, per instalment still unpaid 5 days after its due date',
  );
});

test('the GST inside a fee taken at disbursement: all of it at the ceiling, its share below, never beyond the statutory rate', () => {
  const charge = fc.record({
    calculation: fc.oneof(
      fc.record({ kind: fc.constant('FLAT' as const), amountMinor: fc.bigInt(0n, 5_000_000n).map(String) }),
      fc.record({ kind: fc.constant('PERCENT_OF_AMOUNT' as const), bps: fc.integer({ min: 0, max: 1_500 }) }),
    ),
    gst: fc.boolean(),
  });
  fc.assert(
    fc.property(
      fc.array(charge, { minLength: 0, maxLength: 3 }),
      fc.bigInt(100_000n, 500_000_000n),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (cs, amount, taken) => {
        const p: LoanProduct = {
          ...standard,
          charges: cs.map((c, i) => ({ code: `D${i}`, name: `charge ${i}`, trigger: 'DISBURSEMENT', ...c })),
        };
        const all = disbursementCharges(p, amount);
        const ceiling = all.amountMinor + all.gstMinor;
        assert.equal(gstInFee(p, amount, ceiling), all.gstMinor, 'the whole ceiling carries all its GST');
        // A fee below the ceiling (the test picks a fraction of it; the fee itself is integer minor units).
        const fee = (ceiling * BigInt(Math.round(taken * 1_000))) / 1_000n;
        const gst = gstInFee(p, amount, fee);
        assert.ok(gst >= 0n && gst <= all.gstMinor && gst <= fee, `${gst} of ${fee}`);
        // Never more than 18/118 of the fee — 18 % on what is left as income — give or take each charge's
        // own half-up rounding of its GST.
        const slack = 11_800n * BigInt(Math.max(cs.length, 1));
        assert.ok(gst * 11_800n <= fee * 1_800n + slack, `${gst} > 18/118 of ${fee}`);
        if (fee < ceiling) assert.ok(gstInFee(p, amount, fee + 1n) >= gst, 'more fee, no less GST');
        if (all.gstMinor === 0n) assert.equal(gst, 0n, 'no GST-bearing charge, no GST');
      },
    ),
    { numRuns: 500 },
  );
});
