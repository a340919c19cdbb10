// Part-prepayment end to end (issue 15): the borrower previews a lower EMI or a shorter tenure, pays,
// and the loan is rescheduled exactly as previewed; a payoff quote the same day agrees with the ledger.
import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { staffUser } from './helpers/flows';
import {
  activeLoan,
  booksOf,
  type Desk,
  journalled,
  payVerified,
  staffDesk,
  type User,
} from './helpers/lifecycle';
import { firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let desk: Desk;
let approvers: { internal: User; manager: User };
before(async () => {
  platform = await startTestPlatform();
  desk = await staffDesk(platform.gql);
  approvers = {
    internal: await staffUser(platform.gql, 'INTERNAL_APPROVER'),
    manager: await staffUser(platform.gql, 'MANAGER'),
  };
});
after(async () => {
  await platform?.stop();
});

const PREVIEW = `query($l: ID!, $a: MinorUnits!, $o: String!) { prepaymentPreview(loanId: $l, amount: $a, option: $o) {
  asOf dueSettled { minor } accruedInterest { minor } prepaid { minor } principalAfter { minor }
  instalmentBefore { minor } instalmentAfter { minor } instalmentsBefore instalmentsAfter interestSaved { minor }
  schedule { n dueDate principal { minor } interest { minor } total { minor } } } }`;
const LOAN = `query($id: ID!) { loan(id: $id) { status instalments
  schedule { n dueDate status principal { minor } interest { minor } total { minor } }
  account { principalOutstanding { minor } creditHeld { minor } } } }`;
const QUOTE = `query($l: ID!) { foreclosureQuote(loanId: $l) { total { minor } principal { minor } brokenPeriodInterest { minor } } }`;

async function pay(c: { loanId: string; token: string }, amount: bigint, purpose: string, key: string) {
  const id = await payVerified(platform.gql, c, amount, key, approvers.manager.token, purpose);
  await journalled(platform.db('loans'), id);
}

const loanOf = async (c: { loanId: string; token: string }) =>
  (await platform.gql(LOAN, { id: c.loanId }, c.token)).data?.loan;

for (const option of ['REDUCE_EMI', 'REDUCE_TENURE'] as const) {
  test(`${option}: the loan is rescheduled exactly as previewed, and the books agree`, async () => {
    const c = await activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '', '10000000', {
      tenureMonths: 24,
    });
    const start = await loanOf(c);
    const emi = BigInt(start.schedule[1].total.minor);
    const amount = emi * 5n;
    const r = await platform.gql(PREVIEW, { l: c.loanId, a: amount.toString(), o: option }, c.token);
    const p = r.data?.prepaymentPreview;
    assert.ok(p, JSON.stringify(r.errors));
    // Paid on the day of disbursement: nothing due, nothing accrued, all of it to principal.
    assert.equal(p.prepaid.minor, amount.toString());
    assert.equal(p.dueSettled.minor, '0');
    assert.ok(BigInt(p.interestSaved.minor) > 0n);
    if (option === 'REDUCE_EMI') {
      assert.equal(p.instalmentsAfter, 24);
      assert.ok(BigInt(p.instalmentAfter.minor) < BigInt(p.instalmentBefore.minor));
    } else {
      assert.ok(p.instalmentsAfter < 24, `${p.instalmentsAfter} instalments`);
      assert.ok(BigInt(p.instalmentAfter.minor) <= BigInt(p.instalmentBefore.minor));
    }

    await pay(c, amount, `PREPAY_${option}`, `prepay-${option}`);
    const after = await loanOf(c);
    assert.equal(after.instalments, p.instalmentsAfter);
    assert.deepEqual(
      after.schedule.map(
        (i: { n: number; dueDate: string; principal: unknown; interest: unknown; total: unknown }) => ({
          n: i.n,
          dueDate: i.dueDate,
          principal: i.principal,
          interest: i.interest,
          total: i.total,
        }),
      ),
      p.schedule,
      'the schedule is the one previewed',
    );
    assert.equal(after.account.principalOutstanding.minor, p.principalAfter.minor);
    assert.equal(after.account.creditHeld.minor, '0');
    const books = await booksOf(platform.db('loans'), c.loanId);
    assert.equal(books.LOAN_PRINCIPAL?.toString(), p.principalAfter.minor);
    // The borrower is told the new figures.
    const [event] = await platform
      .db('loans')
      .query(
        `SELECT payload->'data' AS d FROM outbox WHERE type = 'loan.prepaid' AND payload->'data'->>'loanId' = $1`,
        [c.loanId],
      );
    assert.equal(event?.d.option, option);
    assert.equal(event?.d.prepaidMinor, amount.toString());

    // Paying the payoff quote the same day closes the loan with nothing owed.
    const quote = (await platform.gql(QUOTE, { l: c.loanId }, c.token)).data?.foreclosureQuote;
    assert.equal(quote.principal.minor, p.principalAfter.minor);
    await pay(c, BigInt(quote.total.minor), 'FORECLOSURE', `payoff-${option}`);
    assert.equal((await loanOf(c)).status, 'CLOSED');
    await booksOf(platform.db('loans'), c.loanId, true);
  });
}

test('too little to prepay is a typed error in the preview; the same payment is held as credit, never lost', async () => {
  const c = await activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '', '10000000', {
    tenureMonths: 12,
  });
  const r = await platform.gql(PREVIEW, { l: c.loanId, a: '1000', o: 'REDUCE_EMI' }, c.token);
  assert.equal(firstError(r), 'BAD_USER_INPUT');
  assert.equal(
    firstError(await platform.gql(PREVIEW, { l: c.loanId, a: '5000000', o: 'SHORTER' }, c.token)),
    'BAD_USER_INPUT',
  );
  const before = await loanOf(c);
  await pay(c, 1000n, 'PREPAY_REDUCE_EMI', 'prepay-too-little');
  const after = await loanOf(c);
  assert.equal(after.account.creditHeld.minor, '1000');
  assert.deepEqual(after.schedule, before.schedule, 'the schedule is untouched');
  // Someone else's loan is not found.
  const other = await activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '', '10000000');
  assert.equal(
    firstError(await platform.gql(PREVIEW, { l: other.loanId, a: '5000000', o: 'REDUCE_EMI' }, c.token)),
    'NOT_FOUND',
  );
});
