import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDays, nextDay } from '../business-date';
import { ASSET_CLASSES, type AssetClass, classifyBorrower, classOfDays, daysPastDue } from './delinquency';

/** The class of an instalment left unpaid, at the end of a business day (its run opens the next day). */
const atDayEnd = (due: string, day: string) => classOfDays(daysPastDue(due, nextDay(day)));

test('RBI’s worked dates: due 31 March and unpaid — SMA-0 that day, SMA-1 on 30 April, SMA-2 on 30 May, NPA on 29 June', () => {
  const due = '2026-03-31';
  assert.equal(atDayEnd(due, '2026-03-30'), 'STANDARD');
  assert.equal(atDayEnd(due, '2026-03-31'), 'SMA_0');
  assert.equal(atDayEnd(due, '2026-04-29'), 'SMA_0');
  assert.equal(atDayEnd(due, '2026-04-30'), 'SMA_1');
  assert.equal(atDayEnd(due, '2026-05-29'), 'SMA_1');
  assert.equal(atDayEnd(due, '2026-05-30'), 'SMA_2');
  assert.equal(atDayEnd(due, '2026-06-28'), 'SMA_2');
  assert.equal(atDayEnd(due, '2026-06-29'), 'NPA');
});

test('an unpaid instalment moves up a class exactly 30, 60 and 90 days after the day it fell due, whatever the date', () => {
  fc.assert(
    fc.property(
      fc.date({ min: new Date('2000-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }),
      (d) => {
        const due = d.toISOString().slice(0, 10);
        assert.equal(atDayEnd(due, addDays(due, -1)), 'STANDARD');
        assert.equal(atDayEnd(due, due), 'SMA_0');
        assert.equal(atDayEnd(due, addDays(due, 29)), 'SMA_0');
        assert.equal(atDayEnd(due, addDays(due, 30)), 'SMA_1');
        assert.equal(atDayEnd(due, addDays(due, 60)), 'SMA_2');
        assert.equal(atDayEnd(due, addDays(due, 89)), 'SMA_2');
        assert.equal(atDayEnd(due, addDays(due, 90)), 'NPA');
      },
    ),
  );
});

const account = fc.record({
  loanId: fc.uuid(),
  daysPastDue: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 400 })),
  current: fc.constantFrom(...ASSET_CLASSES),
});
const borrower = fc.uniqueArray(account, { minLength: 1, maxLength: 6, selector: (a) => a.loanId });
const classes = (m: Map<string, AssetClass>) => [...m.values()];

test('non-performance is the borrower’s: one account over 90 days makes every account of the borrower NPA', () => {
  fc.assert(
    fc.property(borrower, (accounts) => {
      const out = classifyBorrower(accounts);
      assert.equal(out.size, accounts.length);
      if (accounts.some((a) => a.daysPastDue > 90)) assert.ok(classes(out).every((c) => c === 'NPA'));
      // Either all of the borrower's accounts are NPA or none is.
      assert.ok(classes(out).every((c) => c === 'NPA') || classes(out).every((c) => c !== 'NPA'));
    }),
  );
});

test('an NPA borrower stays NPA while any arrears are left, and is standard on every account once none are', () => {
  fc.assert(
    fc.property(borrower, (accounts) => {
      const wasNpa = accounts.some((a) => a.current === 'NPA');
      const arrears = accounts.some((a) => a.daysPastDue > 0);
      const out = classes(classifyBorrower(accounts));
      if (wasNpa && arrears) assert.ok(out.every((c) => c === 'NPA'));
      if (!arrears) assert.ok(out.every((c) => c === 'STANDARD'));
    }),
  );
});

test('short of NPA, each account is in the special-mention class of its own days past due', () => {
  fc.assert(
    fc.property(borrower, (accounts) => {
      const out = classifyBorrower(accounts);
      if (classes(out).includes('NPA')) return;
      for (const a of accounts) assert.equal(out.get(a.loanId), classOfDays(a.daysPastDue));
    }),
  );
});
