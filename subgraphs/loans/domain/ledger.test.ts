import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { chartOfAccounts, glAccountOf } from '../../../platform/chart-of-accounts';
import type { LoanProduct } from '../../../platform/products';
import { SCHEMA_DIR, schemaJson } from '../../../platform/schema-files';
import {
  ACCOUNTS,
  allocate,
  balances,
  creditHeld,
  dailyAccrual,
  disbursement,
  type Entry,
  feeCharge,
  interestDue,
  journal,
  owed,
  penaltyCharge,
  repayment,
  writeOff,
} from './ledger';

const sum = (b: Map<string, bigint>) => [...b.values()].reduce((s, v) => s + v, 0n);

test('an entry that does not balance, or moves a negative amount, is refused', () => {
  assert.throws(() =>
    journal('FEE', [
      { account: 'FEES_RECEIVABLE', debitMinor: 100n, creditMinor: 0n },
      { account: 'FEE_INCOME', debitMinor: 0n, creditMinor: 99n },
    ]),
  );
  assert.throws(() => feeCharge(-5n));
  assert.throws(() =>
    allocate(0n, { penaltyMinor: 0n, feesMinor: 0n, interestMinor: 0n, principalMinor: 1n }),
  );
});

test('a payment goes to penalties, fees, interest, then principal; the rest is an advance', () => {
  const r = allocate(1_000n, {
    penaltyMinor: 100n,
    feesMinor: 50n,
    interestMinor: 300n,
    principalMinor: 400n,
  });
  assert.deepEqual(r, {
    applied: { penaltyMinor: 100n, feesMinor: 50n, interestMinor: 300n, principalMinor: 400n },
    advanceMinor: 150n,
  });
  const partial = allocate(120n, {
    penaltyMinor: 100n,
    feesMinor: 50n,
    interestMinor: 300n,
    principalMinor: 400n,
  });
  assert.deepEqual(partial.applied, {
    penaltyMinor: 100n,
    feesMinor: 20n,
    interestMinor: 0n,
    principalMinor: 0n,
  });
});

// Any sequence of accruals, charges, payments and a possible write-off keeps the books balanced, never
// owes a negative amount, and never allocates more than was due.
test('the ledger balances after every operation (random operation sequences)', () => {
  const amount = fc.bigInt({ min: 1n, max: 5_000_000n });
  const op = fc.oneof(
    fc.record({ kind: fc.constant('accrue' as const), amount }),
    fc.record({ kind: fc.constant('fee' as const), amount }),
    fc.record({ kind: fc.constant('penalty' as const), amount }),
    fc.record({ kind: fc.constant('pay' as const), amount }),
  );
  fc.assert(
    fc.property(
      fc.bigInt({ min: 10_000n, max: 50_000_000n }),
      fc.array(op, { maxLength: 60 }),
      fc.boolean(),
      fc.boolean(),
      (principal, ops, writeOffAtEnd, feeBearsGst) => {
        const fee = principal / 100n;
        const gst = feeBearsGst ? (fee * 18n) / 118n : 0n;
        const entries: Entry[] = [disbursement(principal, fee, gst)];
        assert.equal(
          -(balances(entries).get('GST_PAYABLE') ?? 0n),
          gst,
          'the GST in the fee is owed, not income',
        );
        const check = () => {
          const b = balances(entries);
          assert.equal(sum(b), 0n, 'debits equal credits');
          const o = owed(b);
          for (const v of Object.values(o)) assert.ok(v >= 0n, 'nothing owed is negative');
          assert.ok((b.get('CUSTOMER_ADVANCE') ?? 0n) <= 0n, 'an advance is owed to the customer');
        };
        check();
        for (const o of ops) {
          if (o.kind === 'accrue') entries.push(interestDue(o.amount));
          else if (o.kind === 'fee') entries.push(feeCharge(o.amount));
          else if (o.kind === 'penalty') entries.push(penaltyCharge(o.amount));
          else {
            // Credit held from earlier overpayments is spent first, with the new money.
            const b = balances(entries);
            const due = owed(b);
            const held = creditHeld(b);
            const { applied, advanceMinor } = allocate(o.amount + held, due);
            for (const k of Object.keys(applied) as (keyof typeof applied)[]) assert.ok(applied[k] <= due[k]);
            entries.push(repayment(applied, advanceMinor, held));
          }
          check();
        }
        const left = owed(balances(entries));
        if (writeOffAtEnd && Object.values(left).some((v) => v > 0n)) {
          entries.push(writeOff(left));
          check();
          assert.deepEqual(Object.values(owed(balances(entries))), [0n, 0n, 0n, 0n]);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('accrued day by day or not, interest falling due leaves exactly what is due as income and receivable, nothing accrued', () => {
  fc.assert(
    fc.property(
      fc.array(fc.bigInt({ min: 0n, max: 100_000n }), { maxLength: 40 }),
      fc.bigInt({ min: 0n, max: 4_000_000n }),
      (days, dueMinor) => {
        const entries = days.filter((d) => d > 0n).map(dailyAccrual);
        const accrued = days.reduce((s, d) => s + d, 0n);
        if (dueMinor > 0n || accrued > 0n) entries.push(interestDue(dueMinor, accrued));
        const b = balances(entries);
        assert.equal(b.get('INTEREST_ACCRUED') ?? 0n, 0n, 'nothing left accrued');
        assert.equal(b.get('INTEREST_RECEIVABLE') ?? 0n, dueMinor);
        assert.equal(
          -(b.get('INTEREST_INCOME') ?? 0n),
          dueMinor,
          'income is what fell due, however it was accrued',
        );
      },
    ),
  );
});

test('every ledger account is reported in a GL account of the chart: by default, for a funded loan, under every bundled product', () => {
  const chart = chartOfAccounts();
  assert.deepEqual(
    Object.keys(chart.defaults).sort(),
    [...ACCOUNTS].sort(),
    'the chart maps the ledger’s accounts, no others',
  );
  const products = readdirSync(join(SCHEMA_DIR, 'products')).map(
    (f) => schemaJson('products', f) as LoanProduct,
  );
  for (const product of [{}, ...products]) {
    for (const funded of [false, true]) {
      for (const account of ACCOUNTS) {
        const gl = glAccountOf(account, product, funded);
        assert.equal(gl.name, chart.codes[gl.code].name);
      }
    }
  }
  // The cash of a loan a lender funded is the lender's: what it lent and what is collected for it.
  assert.equal(glAccountOf('BANK', {}, false).type, 'ASSET');
  assert.equal(glAccountOf('BANK', {}, true).type, 'LIABILITY');
  // A product's own mapping wins; the accounts it does not map keep the default.
  fc.assert(
    fc.property(
      fc.constantFrom(...ACCOUNTS),
      fc.constantFrom(...Object.keys(chart.codes)),
      fc.boolean(),
      (account, code, funded) => {
        assert.equal(glAccountOf(account, { glAccounts: { [account]: code } }, funded).code, code);
        const other = ACCOUNTS.find((a) => a !== account && a !== 'BANK') as string;
        assert.equal(
          glAccountOf(other, { glAccounts: { [account]: code } }, funded).code,
          chart.defaults[other],
        );
      },
    ),
  );
});
