// The business date (issue 16): the loan book runs on it, apart from the clock. Here, where
// BUSINESS_DATE_SETTABLE is on (test/helpers/env), an admin walks a loan through weeks in seconds.
import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { lendingDay } from '../platform/finance';
import { calendarBusinessDay, nextDay, valueDateOf } from '../subgraphs/loans/business-date';
import { staffUser } from './helpers/flows';
import { activeLoan, type Desk, staffDesk, type User } from './helpers/lifecycle';
import { firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let desk: Desk;
let internal: User;
let manager: User;
let admin: User;

before(async () => {
  platform = await startTestPlatform();
  desk = await staffDesk(platform.gql);
  internal = await staffUser(platform.gql, 'INTERNAL_APPROVER');
  manager = await staffUser(platform.gql, 'MANAGER');
  admin = await staffUser(platform.gql, 'ADMIN');
});
after(async () => {
  await platform?.stop();
});

const DAY = `date manual cutoff moved`;
const SET = `mutation($d: String!) { setBusinessDate(date: $d) { ${DAY} } }`;
const ACCOUNT = `query($id: ID!) { loan(id: $id) { account { daysPastDue bucket } } }`;

test('the business date starts on the calendar’s day, and only an admin moves it — forward, day by day', async () => {
  const now = await platform.gql(`{ businessDate { ${DAY} } }`, {}, manager.token);
  const start = now.data?.businessDate.date as string;
  assert.deepEqual(now.data?.businessDate, { date: start, manual: false, cutoff: '00:00', moved: [] });
  assert.ok(start <= lendingDay() && nextDay(start) >= lendingDay(), `${start} is the calendar's day`);

  const target = nextDay(nextDay(nextDay(start)));
  assert.equal(firstError(await platform.gql(SET, { d: target }, manager.token)), 'FORBIDDEN');
  const moved = await platform.gql(SET, { d: target }, admin.token);
  assert.deepEqual(moved.data?.setBusinessDate.moved, [nextDay(start), nextDay(nextDay(start)), target]);
  assert.equal(moved.data?.setBusinessDate.date, target);

  assert.equal(
    firstError(await platform.gql(SET, { d: start }, admin.token)),
    'FAILED_PRECONDITION',
    'never back',
  );
  assert.equal(firstError(await platform.gql(SET, { d: '2031-02-30' }, admin.token)), 'BAD_USER_INPUT');
  assert.equal(
    firstError(await platform.gql(SET, { d: '2099-01-01' }, admin.token)),
    'BAD_USER_INPUT',
    'too far',
  );

  // Each day moved is announced once, in order, chained from the day before.
  const events = await platform
    .db('loans')
    .query(`SELECT payload->'data' AS d FROM outbox WHERE type = 'business.date.advanced' ORDER BY seq`);
  const days = events.map((e: { d: { previous: string; date: string } }) => e.d);
  for (const [i, d] of days.entries()) {
    assert.equal(d.date, nextDay(d.previous));
    if (i > 0) assert.equal(d.previous, days[i - 1]?.date);
  }
  assert.equal(days.at(-1)?.date, target);
});

test('a missed instalment counts its days past due by the business date, run day by day', async () => {
  const c = await activeLoan(platform.gql, desk, { internal, manager }, platform.notifyUrl ?? '');
  const loan = await platform.gql(
    `query($id: ID!) { loan(id: $id) { schedule { dueDate } } }`,
    { id: c.loanId },
    c.token,
  );
  const firstDue = loan.data?.loan.schedule[0].dueDate as string;
  const account = async () => (await platform.gql(ACCOUNT, { id: c.loanId }, c.token)).data?.loan.account;
  assert.deepEqual(await account(), { daysPastDue: 0, bucket: 'CURRENT' });

  let fiveLate = firstDue;
  for (let i = 0; i < 5; i++) fiveLate = nextDay(fiveLate);
  const moved = await platform.gql(SET, { d: fiveLate }, admin.token);
  assert.equal(moved.data?.setBusinessDate.date, fiveLate, JSON.stringify(moved.errors));
  assert.deepEqual(await account(), { daysPastDue: 5, bucket: 'DPD_1_30' });
  // The day's run went through every day on the way: the instalment fell due and the notice went out once.
  const overdue = await platform
    .db('loans')
    .query(
      `SELECT count(*)::int AS n FROM outbox WHERE type = 'payment.overdue' AND payload->'data'->>'loanId' = $1`,
      [c.loanId],
    );
  assert.deepEqual(overdue, [{ n: 1 }]);
  // A quote is for the business date unless another is asked for.
  const quote = await platform.gql(
    `query($id: ID!) { foreclosureQuote(loanId: $id) { asOf } }`,
    { id: c.loanId },
    c.token,
  );
  assert.equal(quote.data?.foreclosureQuote.asOf, fiveLate);
});

test('money received is valued on the business date in force when it arrived', async () => {
  const loansDb = platform.db('loans');
  const before = new Date();
  const open = (await platform.gql(`{ businessDate { date } }`, {}, admin.token)).data?.businessDate
    .date as string;
  assert.equal(await valueDateOf(loansDb.manager, before), open);
  const moved = await platform.gql(SET, { d: nextDay(nextDay(open)) }, admin.token);
  assert.equal(moved.data?.setBusinessDate.date, nextDay(nextDay(open)));
  // A payment received before the move keeps the day it arrived on; one received now has the new date.
  assert.equal(await valueDateOf(loansDb.manager, before), open);
  assert.equal(await valueDateOf(loansDb.manager, new Date()), nextDay(nextDay(open)));
  // Before the first recorded day, the calendar's day of the instant.
  assert.equal(await valueDateOf(loansDb.manager, new Date('2001-05-06T10:00:00Z')), '2001-05-06');
});

test('the calendar closes a day at its cut-off, Asia/Kolkata time', () => {
  // 18:29:59 UTC on 4 Dec is 23:59:59 IST; 18:30 UTC is midnight IST, 5 Dec.
  assert.equal(calendarBusinessDay(new Date('2026-12-04T18:29:59Z'), '00:00'), '2026-12-04');
  assert.equal(calendarBusinessDay(new Date('2026-12-04T18:30:00Z'), '00:00'), '2026-12-05');
  // With a 02:00 cut-off the 4th is still open at 01:59 IST on the 5th.
  assert.equal(calendarBusinessDay(new Date('2026-12-04T20:29:00Z'), '02:00'), '2026-12-04');
  assert.equal(calendarBusinessDay(new Date('2026-12-04T20:30:00Z'), '02:00'), '2026-12-05');
});
