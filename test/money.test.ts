// Money a borrower signs and pays, end to end through the gateway (issue 15's defects): the APR of every
// frequency, offers that can become loans, paying ahead, the foreclosure quote, ₹0 instalments, credit.
import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { EventBus } from '../platform/events';
import { listDeadLetters } from '../platform/events';
import { closeOfBusiness } from '../subgraphs/loans/close-of-business';
import { staffUser } from './helpers/flows';
import {
  activeLoan,
  applicationInApproval,
  applicationInOffer,
  approveAndSign,
  booksOf,
  type Desk,
  offerTerms,
  payVerified,
  reaches,
  SEND_OFFER,
  staffDesk,
  timelineOf,
  type User,
} from './helpers/lifecycle';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

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

const LOAN = `query($id: ID!) { loan(id: $id) { status closureReason
    schedule { n dueDate status total { minor } interest { minor } }
    account { principalOutstanding { minor } interestDue { minor } penaltiesDue { minor } creditHeld { minor }
              nextDueAmount { minor } daysPastDue } } }`;

const pay = (c: { loanId: string; token: string }, amount: bigint, key: string, purpose = 'INSTALMENT') =>
  payVerified(platform.gql, c, amount, key, approvers.manager.token, purpose);

/** Waits until loans has applied `n` payments (they travel as payment.verified events). */
const applied = (loanId: string, n: number) =>
  eventually(async () => {
    const [row] = await platform
      .db('loans')
      .query(`SELECT count(*)::int n FROM journal WHERE loan_id = $1 AND kind = 'REPAYMENT'`, [loanId]);
    return row.n >= n;
  }, 30_000);

const loanOf = async (c: { loanId: string; token: string }) =>
  (await platform.gql(LOAN, { id: c.loanId }, c.token)).data?.loan;

test('the KFS shows the APR of the offer’s own frequency (weekly 24 % is 24 %; with a 2 % fee over 3 years 25.53 %)', async () => {
  const c = await applicationInOffer(platform.gql, desk);
  const terms = (fee: string) =>
    offerTerms({
      amount: '10000000',
      annualRateBps: 2400,
      tenureMonths: 36,
      processingFee: fee,
      frequency: 'WEEKLY',
    });
  const QUERY = `query($id: ID!) { offer(id: $id) { keyFacts { aprBps instalments } } }`;
  const sent = await platform.gql(SEND_OFFER, { a: c.applicationId, t: terms('0') }, desk.riskOfficer.token);
  assert.ok(sent.data, JSON.stringify(sent.errors));
  const plain = (await platform.gql(QUERY, { id: sent.data.sendOffer.id }, c.token)).data?.offer.keyFacts;
  assert.equal(plain.instalments, 156);
  assert.ok(Math.abs(plain.aprBps - 2400) <= 1, String(plain.aprBps));
  const revised = await platform.gql(
    SEND_OFFER,
    { a: c.applicationId, t: terms('200000') },
    desk.riskOfficer.token,
  );
  const withFee = (await platform.gql(QUERY, { id: revised.data?.sendOffer.id }, c.token)).data?.offer
    .keyFacts;
  assert.equal(withFee.aprBps, 2553);
});

test('offers that could never become loans, or end in a balloon, are refused when sent', async () => {
  const c = await applicationInOffer(platform.gql, desk);
  const refused = async (t: Record<string, unknown>, why: RegExp) => {
    const r = await platform.gql(
      SEND_OFFER,
      { a: c.applicationId, t: offerTerms(t) },
      desk.riskOfficer.token,
    );
    assert.equal(firstError(r), 'BAD_USER_INPUT', JSON.stringify(t));
    assert.match(r.errors?.[0]?.message ?? '', why);
  };
  await refused({ frequency: 'WEEKLY', tenureMonths: 360 }, /at most 1000 instalments/);
  await refused(
    { amount: '100000', processingFee: '0', annualRateBps: 3600, tenureMonths: 360 },
    /last instalment/,
  );
  await refused(
    {
      amount: '500000000',
      processingFee: '0',
      annualRateBps: 5000,
      tenureMonths: 360,
      frequency: 'FORTNIGHTLY',
    },
    /last instalment/,
  );
});

test('an accepted offer that cannot become a loan fails visibly at activation: DISBURSEMENT_FAILED with the reason, nothing dead-lettered', async () => {
  // An offer accepted under older, looser rules (weekly over 30 years: 1,560 instalments).
  const c = await applicationInApproval(platform.gql, desk, '1000000');
  const loans = platform.db('loans');
  await eventually(
    async () =>
      (await loans.query('SELECT 1 FROM contracts WHERE application_id = $1', [c.applicationId])).length > 0,
  );
  await loans.query(
    `UPDATE contracts SET offer = offer || '{"tenureMonths": 360, "frequency": "WEEKLY"}'::jsonb WHERE application_id = $1`,
    [c.applicationId],
  );
  await approveAndSign(platform.gql, approvers, platform.notifyUrl ?? '', c);
  await reaches(platform.gql, c.applicationId, c.token, 'DISBURSEMENT_FAILED');
  const timeline = await timelineOf(platform.gql, c.applicationId, c.token);
  assert.ok(
    JSON.stringify(timeline).includes('could not be opened on the accepted terms'),
    JSON.stringify(timeline),
  );
  const parked = (await listDeadLetters(platform.bus as EventBus)).filter((d) =>
    JSON.stringify(d).includes(c.applicationId),
  );
  assert.deepEqual(parked, [], 'nothing dead-lettered');
});

test('paying ahead books no future interest; paying exactly the quote then closes the loan with nothing owed', async () => {
  const c = await activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '', '1000000');
  const start = await loanOf(c);
  const emi = BigInt(start.schedule[0].total.minor);
  await pay(c, emi + 100n, 'ahead-0001');
  await applied(c.loanId, 1);
  const books = await booksOf(platform.db('loans'), c.loanId);
  assert.equal(books.INTEREST_INCOME ?? 0n, 0n, 'no interest of a period not run');
  assert.equal(books.CUSTOMER_ADVANCE, -(emi + 100n), 'held as credit');
  const held = await loanOf(c);
  assert.equal(held.account.creditHeld.minor, (emi + 100n).toString());
  assert.equal(held.account.nextDueAmount.minor, '0', 'the next instalment is covered by the credit');

  const quote = (
    await platform.gql(
      `query($id: ID!) { foreclosureQuote(loanId: $id) { total { minor } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.foreclosureQuote;
  await pay(c, BigInt(quote.total.minor), 'payoff-at-quote', 'FORECLOSURE');
  await reaches(platform.gql, c.applicationId, c.token, 'CLOSED');
  const closed = await loanOf(c);
  assert.equal(closed.closureReason, 'FORECLOSED');
  await booksOf(platform.db('loans'), c.loanId, true);
  const parked = (await listDeadLetters(platform.bus as EventBus)).filter((d) =>
    d.payload.includes(c.loanId),
  );
  assert.deepEqual(parked, [], 'nothing dead-lettered');
});

test('₹0 instalments (0 % with a moratorium) are paid on their due date: no fee, no days past due', async () => {
  const c = await activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '', '1200000', {
    annualRateBps: 0,
    tenureMonths: 6,
    moratoriumPeriods: 2,
  });
  const start = await loanOf(c);
  assert.deepEqual(
    start.schedule.slice(0, 2).map((i: { total: { minor: string } }) => i.total.minor),
    ['0', '0'],
  );
  const asOf = new Date(Date.parse(start.schedule[1].dueDate) + 5 * 86_400_000).toISOString().slice(0, 10);
  await closeOfBusiness(platform.db('loans'), asOf);
  const after = await loanOf(c);
  assert.deepEqual(
    after.schedule.slice(0, 2).map((i: { status: string }) => i.status),
    ['PAID', 'PAID'],
  );
  assert.equal(after.account.penaltiesDue.minor, '0');
  assert.equal(after.account.daysPastDue, 0);
  const notices = await platform
    .db('loans')
    .query(
      `SELECT count(*)::int n FROM outbox WHERE type = 'payment.overdue' AND payload->'data'->>'loanId' = $1`,
      [c.loanId],
    );
  assert.equal(notices[0].n, 0);
});

test('credit held from a short foreclosure payment settles the next instalment before any fee', async () => {
  const c = await activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '', '1000000');
  const start = await loanOf(c);
  const emi = BigInt(start.schedule[0].total.minor);
  // Short of the quote: held as credit towards the payoff.
  await pay(c, emi * 2n, 'short-foreclosure', 'FORECLOSURE');
  await applied(c.loanId, 1);
  const asOf = new Date(Date.parse(start.schedule[0].dueDate) + 3 * 86_400_000).toISOString().slice(0, 10);
  await closeOfBusiness(platform.db('loans'), asOf);
  const after = await loanOf(c);
  assert.equal(after.schedule[0].status, 'PAID', 'settled from the credit on its due date');
  assert.equal(after.account.penaltiesDue.minor, '0', 'no late fee');
  assert.equal(after.account.daysPastDue, 0);
  assert.equal(after.account.creditHeld.minor, emi.toString(), 'the rest still held');
});
