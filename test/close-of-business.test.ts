// Close of business on the business date (issue 16), through the gateway: an admin walks the business date
// forward day by day (BUSINESS_DATE_SETTABLE, test/helpers/env) and each day's close classifies the book.
import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { addDays } from '../subgraphs/loans/business-date';
import { reconcile, trialBalance } from '../subgraphs/loans/loan-service';
import { applicationInput, CREATE, staffUser } from './helpers/flows';
import {
  activeLoan,
  approveAndSign,
  assessed,
  booksOf,
  DECIDE_RISK,
  type Desk,
  offerTerms,
  passKyc,
  payVerified,
  reaches,
  SEND_OFFER,
  staffDesk,
  type User,
} from './helpers/lifecycle';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

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

const LOAN = `query($id: ID!) { loan(id: $id) {
  status assetClass assetClassSince npaSince lossIdentifiedOn
  classHistory { date previous assetClass daysPastDue }
  schedule { n dueDate status total { minor } }
  account { daysPastDue penaltiesDue { minor } feesDue { minor } }
} }`;
const loanOf = async (c: { loanId: string; token: string }) => {
  const r = await platform.gql(LOAN, { id: c.loanId }, c.token);
  assert.ok(r.data?.loan, JSON.stringify(r.errors));
  return r.data.loan;
};

async function moveTo(date: string) {
  const r = await platform.gql(
    `mutation($d: String!) { setBusinessDate(date: $d) { date } }`,
    { d: date },
    admin.token,
  );
  assert.equal(r.data?.setBusinessDate.date, date, JSON.stringify(r.errors));
  await tiesOut();
}

/** After every step: each lender's and product's trial balance is even, and the ledger ties out with the loans. */
async function tiesOut() {
  const groups = new Map<string, bigint>();
  for (const l of await trialBalance(platform.db('loans'))) {
    const k = `${l.lender}/${l.product}`;
    groups.set(k, (groups.get(k) ?? 0n) + l.debitMinor - l.creditMinor);
  }
  for (const [k, v] of groups) assert.equal(v, 0n, `the trial balance of ${k} is even`);
  assert.deepEqual(await reconcile(platform.db('loans')), []);
}

/** The same borrower's second loan, through the whole lifecycle again. */
async function anotherLoan(c: { token: string; phone: string }) {
  const created = await platform.gql(CREATE, { input: applicationInput() }, c.token);
  const applicationId = created.data?.createApplication.id as string;
  assert.ok(applicationId, JSON.stringify(created.errors));
  await platform.gql(
    `mutation($id: ID!) { submitApplication(id: $id) { status } }`,
    { id: applicationId },
    c.token,
  );
  await passKyc(platform.gql, desk, applicationId);
  await assessed(platform.gql, desk, applicationId);
  await platform.gql(
    DECIDE_RISK,
    { id: applicationId, a: true, why: 'within appetite' },
    desk.riskManager.token,
  );
  await reaches(platform.gql, applicationId, c.token, 'OFFER');
  const sent = await platform.gql(
    SEND_OFFER,
    { a: applicationId, t: offerTerms({ amount: '2000000', processingFee: '20000' }) },
    desk.riskOfficer.token,
  );
  await platform.gql(
    `mutation($o: ID!) { acceptOffer(offerId: $o) { status } }`,
    { o: sent.data?.sendOffer.id },
    c.token,
  );
  await reaches(platform.gql, applicationId, c.token, 'APPROVAL');
  const signed = await approveAndSign(platform.gql, { internal, manager }, platform.notifyUrl ?? '', {
    ...c,
    applicationId,
  });
  await reaches(platform.gql, applicationId, c.token, 'ACTIVE');
  const loan = await platform.gql(
    `query($id: ID!) { application(id: $id) { loan { id } } }`,
    { id: applicationId },
    c.token,
  );
  return { ...signed, loanId: loan.data?.application.loan.id as string };
}

test('a missed instalment walks SMA-0, SMA-1, SMA-2 and NPA on RBI’s days, on every loan of the borrower; standard again only when all arrears are paid', async () => {
  const c = await activeLoan(platform.gql, desk, { internal, manager }, platform.notifyUrl ?? '', '1000000');
  const second = await anotherLoan(c);
  const first = await loanOf(c);
  assert.equal(first.assetClass, 'STANDARD');
  const due = first.schedule[0].dueDate as string;

  // Nothing is paid. The instalment falls due; the day-end of its due date is the first day overdue.
  await moveTo(addDays(due, 91));
  const npa = await loanOf(c);
  assert.deepEqual(npa.classHistory, [
    { date: due, previous: 'STANDARD', assetClass: 'SMA_0', daysPastDue: 1 },
    { date: addDays(due, 30), previous: 'SMA_0', assetClass: 'SMA_1', daysPastDue: 31 },
    { date: addDays(due, 60), previous: 'SMA_1', assetClass: 'SMA_2', daysPastDue: 61 },
    { date: addDays(due, 90), previous: 'SMA_2', assetClass: 'NPA', daysPastDue: 91 },
  ]);
  assert.equal(npa.assetClass, 'NPA');
  assert.equal(npa.npaSince, addDays(due, 90));
  // Income it has not received is taken back: nothing accrued ahead, every rupee of interest due and unpaid
  // in suspense — still owed, no longer income — and nothing accrues while it is NPA.
  const books = await booksOf(platform.db('loans'), c.loanId);
  assert.equal(books.INTEREST_ACCRUED ?? 0n, 0n);
  assert.ok((books.INTEREST_RECEIVABLE ?? 0n) > 0n);
  assert.equal(books.INTEREST_SUSPENSE, -(books.INTEREST_RECEIVABLE ?? 0n));
  const reversed = await platform
    .db('loans')
    .query(`SELECT count(*)::int AS n FROM journal WHERE loan_id = $1 AND kind = 'NPA_REVERSAL'`, [c.loanId]);
  assert.deepEqual(reversed, [{ n: 1 }]);
  // Sub-standard and unsecured: 25 % of the principal outstanding is provided for (rounded up).
  const principal = (l: string) =>
    platform.gql(
      `query($id: ID!) { loan(id: $id) { account { principalOutstanding { minor } } } }`,
      { id: l },
      c.token,
    );
  const left = BigInt((await principal(c.loanId)).data?.loan.account.principalOutstanding.minor);
  assert.equal(-(books.LOAN_LOSS_PROVISION ?? 0n), (left * 2500n + 9999n) / 10000n);
  // The book as the board reads it, through REST: every loan in it is this borrower's, all NPA, 91 days late.
  const origin = platform.gateway.url.replace(/\/graphql$/, '');
  const report = async (path: string) => {
    const res = await fetch(`${origin}/api/v1${path}`, {
      headers: { authorization: `Bearer ${manager.token}` },
    });
    assert.equal(res.status, 200, path);
    return (await res.json()) as Record<string, any>;
  };
  const dashboard = await report('/admin/reports/dashboard');
  const [book] = (dashboard.dashboard ?? dashboard).portfolio;
  assert.deepEqual([book.par30Bps, book.par90Bps, book.npaBps], [10000, 10000, 10000]);
  assert.ok(
    book.provisionCoverageBps >= 2500 && book.provisionCoverageBps < 2510,
    String(book.provisionCoverageBps),
  );
  for (const path of ['/admin/close-of-business', '/admin/close-of-business/parked']) await report(path);
  const trial = await report('/admin/reports/trial-balance');
  const lines = (trial.dashboard ?? trial).trialBalance as {
    lender: string;
    account: string;
    glCode: string;
    glType: string;
    debit: { minor: string };
    credit: { minor: string };
  }[];
  // Each line is reported in the chart of accounts: the cash of a funded loan in the lender's account.
  const cash = lines.filter((l) => l.account === 'BANK');
  assert.ok(cash.length > 0);
  for (const l of cash) {
    assert.deepEqual(
      [l.glCode, l.glType],
      l.lender === 'OWN BOOK' ? ['1101', 'ASSET'] : ['2201', 'LIABILITY'],
      JSON.stringify(l),
    );
  }
  assert.equal(
    lines.reduce((s, l) => s + BigInt(l.debit.minor) - BigInt(l.credit.minor), 0n),
    0n,
    'the trial balance is even',
  );
  assert.equal(npa.assetClassSince, addDays(due, 90));
  // The borrower's other loan is NPA with it, the same day-end, whatever its own days past due.
  const other = await loanOf(second);
  assert.equal(other.assetClass, 'NPA');
  assert.equal(other.npaSince, addDays(due, 90));
  assert.ok(other.classHistory.at(-1).daysPastDue <= 91);
  // Each change was announced once.
  const events = await platform
    .db('loans')
    .query(
      `SELECT payload->'data'->>'assetClass' AS class FROM outbox WHERE type = 'loan.classified' AND payload->'data'->>'loanId' = $1 ORDER BY seq`,
      [c.loanId],
    );
  assert.deepEqual(
    events.map((e: { class: string }) => e.class),
    ['SMA_0', 'SMA_1', 'SMA_2', 'NPA'],
  );

  // Paying the oldest instalment leaves arrears: still NPA at the next close, on both loans.
  const open = (l: typeof npa) =>
    l.schedule.filter(
      (i: { dueDate: string; status: string }) => i.dueDate <= addDays(due, 91) && i.status !== 'PAID',
    );
  // (Charges are settled first in the allocation order, so they are paid with it.)
  const oldest =
    BigInt(npa.schedule[0].total.minor) +
    BigInt(npa.account.penaltiesDue.minor) +
    BigInt(npa.account.feesDue.minor);
  await payVerified(platform.gql, c, oldest, 'oldest-only', manager.token);
  await eventually(async () => (await loanOf(c)).schedule[0].status === 'PAID');
  // The credit head judges the second loan lost (not yet written off): a loss asset from this business date,
  // provided for in full at the next close; only once, and only by those who may write a loan off.
  const IDENTIFY = `mutation($l: ID!, $r: String!) { identifyLoss(loanId: $l, reason: $r) { lossIdentifiedOn } }`;
  const why = { l: second.loanId, r: 'borrower absconded, collateral-free' };
  assert.equal(firstError(await platform.gql(IDENTIFY, why, manager.token)), 'FORBIDDEN');
  const lost = await platform.gql(IDENTIFY, why, admin.token);
  assert.equal(lost.data?.identifyLoss.lossIdentifiedOn, addDays(due, 91), JSON.stringify(lost.errors));
  assert.equal(firstError(await platform.gql(IDENTIFY, why, admin.token)), 'ILLEGAL_TRANSITION');
  await moveTo(addDays(due, 92));
  const lossBooks = await booksOf(platform.db('loans'), second.loanId);
  assert.equal(
    -(lossBooks.LOAN_LOSS_PROVISION ?? 0n),
    lossBooks.LOAN_PRINCIPAL ?? 0n,
    'a loss asset is provided in full',
  );
  const partly = await loanOf(c);
  assert.equal(partly.assetClass, 'NPA');
  assert.ok(partly.account.daysPastDue > 0 && partly.account.daysPastDue <= 90, 'fewer than 90 days now');
  assert.equal((await loanOf(second)).assetClass, 'NPA');

  // Every arrear of both loans paid: standard again at the next day-end, on both.
  for (const [loan, key] of [
    [c, 'arrears-1'],
    [second, 'arrears-2'],
  ] as const) {
    const l = await loanOf(loan);
    const arrears =
      open(l).reduce((s: bigint, i: { total: { minor: string } }) => s + BigInt(i.total.minor), 0n) +
      BigInt(l.account.penaltiesDue.minor) +
      BigInt(l.account.feesDue.minor);
    if (arrears > 0n) await payVerified(platform.gql, loan, arrears, key, manager.token);
    await eventually(async () => (await loanOf(loan)).account.daysPastDue === 0);
  }
  await moveTo(addDays(due, 93));
  for (const loan of [c, second]) {
    // Every rupee of interest in suspense was paid, so it is all income now; standard again, 0.40 % provided.
    const b = await booksOf(platform.db('loans'), loan.loanId);
    assert.equal(b.INTEREST_SUSPENSE ?? 0n, 0n);
    assert.equal(-(b.LOAN_LOSS_PROVISION ?? 0n), ((b.LOAN_PRINCIPAL ?? 0n) * 40n + 9999n) / 10000n);
    const l = await loanOf(loan);
    assert.equal(l.assetClass, 'STANDARD');
    assert.equal(l.npaSince, null);
    assert.equal(l.lossIdentifiedOn, null, 'an upgraded borrower is no loss asset');
    assert.deepEqual(l.classHistory.at(-1), {
      date: addDays(due, 92),
      previous: 'NPA',
      assetClass: 'STANDARD',
      daysPastDue: 0,
    });
  }
});

test('a borrower who pays each instalment on its due date stays standard for the whole term', async () => {
  const c = await activeLoan(platform.gql, desk, { internal, manager }, platform.notifyUrl ?? '', '300000', {
    tenureMonths: 3,
  });
  const start = await loanOf(c);
  assert.equal(
    firstError(
      await platform.gql(
        `mutation($l: ID!) { identifyLoss(loanId: $l, reason: "not performing?") { id } }`,
        { l: c.loanId },
        admin.token,
      ),
    ),
    'FAILED_PRECONDITION',
    'a standard loan is no loss asset',
  );
  for (const i of start.schedule) {
    await moveTo(i.dueDate);
    await payVerified(platform.gql, c, BigInt(i.total.minor), `on-time-${i.n}`, manager.token);
    await eventually(async () => (await loanOf(c)).schedule[i.n - 1].status === 'PAID');
    await moveTo(addDays(i.dueDate, 1));
  }
  const done = await loanOf(c);
  await tiesOut();
  assert.equal(done.status, 'CLOSED');
  assert.deepEqual(done.classHistory, []);
  assert.equal(done.assetClass, 'STANDARD');
});

test('staff see each run’s progress and time per step; only an admin reruns a day', async () => {
  const runs = await platform.gql(
    `{ closeOfBusinessRuns(last: 3) { businessDate finishedAt borrowers borrowersDone chunks chunksDone parked steps { step ms } } }`,
    {},
    manager.token,
  );
  const latest = runs.data?.closeOfBusinessRuns[0];
  assert.ok(latest, JSON.stringify(runs.errors));
  assert.ok(latest.finishedAt);
  assert.equal(latest.borrowersDone, latest.borrowers);
  assert.equal(latest.chunksDone, latest.chunks);
  assert.equal(latest.parked, 0);
  assert.deepEqual(
    latest.steps.map((s: { step: string }) => s.step),
    [
      'accrue',
      'fall-due',
      'dated-charges',
      'nothing-due',
      'credit',
      'reminders',
      'late-charges',
      'classify',
      'provision',
    ],
  );
  const parked = await platform.gql(`{ parkedBorrowers { customerId step reason } }`, {}, manager.token);
  assert.deepEqual(parked.data?.parkedBorrowers, []);
  assert.equal(
    firstError(await platform.gql(`mutation { retryCloseOfBusiness { id } }`, {}, manager.token)),
    'FORBIDDEN',
  );
  const retry = await platform.gql(`mutation { retryCloseOfBusiness { id } }`, {}, admin.token);
  assert.equal(retry.data?.retryCloseOfBusiness, null, 'every loan was already serviced');
});
