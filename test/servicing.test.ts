import './helpers/env';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { closeOfBusiness } from '../subgraphs/loans/close-of-business';
import { staffUser } from './helpers/flows';
import {
  activeLoan,
  booksOf,
  type Desk,
  messagesTo,
  reaches,
  staffDesk,
  type User,
} from './helpers/lifecycle';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let desk: Desk;
let internal: User;
let manager: User;

before(async () => {
  platform = await startTestPlatform();
  desk = await staffDesk(platform.gql);
  internal = await staffUser(platform.gql, 'INTERNAL_APPROVER');
  manager = await staffUser(platform.gql, 'MANAGER');
});
after(async () => {
  await platform?.stop();
});

const m = (x: { minor: string }) => BigInt(x.minor);
interface Instalment {
  n: number;
  dueDate: string;
  status: string;
  principal: { minor: string };
  interest: { minor: string };
  total: { minor: string };
}

type Amount = { minor: string };
interface WholeLoan {
  status: string;
  closureReason: string | null;
  schedule: Instalment[];
  account: { principalOutstanding: Amount; interestDue: Amount; feesDue: Amount; penaltiesDue: Amount };
  outstanding: { total: Amount; pendingVerification: Amount; afterPending: Amount };
  payments: { amount: Amount; purpose: string; status: string }[];
  noDuesCertificate: { sha256: string; downloadUrl: string } | null;
}

/** The loan across loans (schedule, account, certificate) and payments (payments, outstanding) in one query. */
const WHOLE_LOAN = `query($id: ID!) { application(id: $id) { status loan {
    id status closureReason principal { minor }
    schedule { n dueDate status principal { minor } interest { minor } total { minor } }
    account { principalOutstanding { minor } interestDue { minor } feesDue { minor } penaltiesDue { minor } }
    outstanding { total { minor } pendingVerification { minor } afterPending { minor } }
    payments { amount { minor } purpose status }
    noDuesCertificate { sha256 downloadUrl } } agreement { sha256 downloadUrl } } }`;

test('from a signed agreement to a closed loan: on-time and late payments, overdue e-mail, foreclosure, no-dues', async () => {
  const notifyUrl = platform.notifyUrl ?? '';
  const amount = 3_000_000n;
  const c = await activeLoan(platform.gql, desk, { internal, manager }, notifyUrl, amount.toString());
  const whole = async () => {
    const r = await platform.gql(WHOLE_LOAN, { id: c.applicationId }, c.token);
    assert.ok(r.data, JSON.stringify(r.errors));
    return r.data.application as {
      status: string;
      loan: WholeLoan;
      agreement: { sha256: string; downloadUrl: string };
    };
  };

  // Activation: the schedule adds up to the loan exactly; everything is owed, nothing is due yet.
  const start = await whole();
  assert.equal(start.status, 'ACTIVE');
  const schedule = start.loan.schedule;
  assert.equal(schedule.length, 36);
  assert.equal(
    schedule.reduce((s, i) => s + m(i.principal), 0n),
    amount,
  );
  assert.deepEqual(start.loan.outstanding, {
    total: { minor: amount.toString() },
    pendingVerification: { minor: '0' },
    afterPending: { minor: amount.toString() },
  });
  const types = (
    await platform
      .db('loans')
      .query(`SELECT type FROM outbox WHERE payload->'data'->>'applicationId' = $1 ORDER BY created_at`, [
        c.applicationId,
      ])
  ).map((r: { type: string }) => r.type);
  for (const t of [
    'loan.activated',
    'repayment.schedule.created',
    'disbursement.initiated',
    'disbursement.completed',
  ]) {
    assert.ok(types.includes(t), `${t} in ${types}`);
  }

  const RECORD = `mutation($i: PaymentInput!, $k: String!) { recordPayment(input: $i, idempotencyKey: $k) { id } }`;
  const VERIFY = `mutation($p: ID!) { verifyPayment(paymentId: $p, accept: true, reason: "credited in the bank statement") { status } }`;
  const pay = async (minor: bigint, key: string, purpose = 'INSTALMENT') => {
    const r = await eventually(async () => {
      const x = await platform.gql(
        RECORD,
        { i: { loanId: c.loanId, amount: minor.toString(), method: 'UPI', purpose }, k: key },
        c.token,
      );
      return firstError(x) === 'NOT_FOUND' ? undefined : x;
    });
    const id = r.data?.recordPayment.id;
    assert.ok(id, JSON.stringify(r.errors));
    // Recorded but not verified: outstanding shows it as pending.
    const pending = (await whole()).loan.outstanding;
    assert.equal(pending.pendingVerification.minor, minor.toString());
    assert.equal(
      (await platform.gql(VERIFY, { p: id }, manager.token)).data?.verifyPayment.status,
      'VERIFIED',
    );
  };
  /** Waits until loans has applied `n` payments (they travel as payment.verified events). */
  const applied = (n: number) =>
    eventually(async () => {
      const [row] = await platform
        .db('loans')
        .query(`SELECT count(*)::int n FROM journal WHERE loan_id = $1 AND kind = 'REPAYMENT'`, [c.loanId]);
      return row.n >= n;
    }, 30_000);
  const until = (check: (l: Awaited<ReturnType<typeof whole>>) => boolean) =>
    eventually(async () => {
      const l = await whole();
      return check(l) ? l : undefined;
    }, 30_000);

  // Two instalments paid ahead: held, and settled as each falls due (the daily run on its due date).
  await pay(m(schedule[0]!.total), 'emi-1-on-time');
  await pay(m(schedule[1]!.total), 'emi-2-on-time');
  await applied(2);
  await closeOfBusiness(platform.db('loans'), schedule[1]!.dueDate);
  await until((l) => l.loan.schedule[1]?.status === 'PAID');

  // Instalment 3 is missed: five days after its due date the daily run charges the late fee and the
  // borrower is told by e-mail (over SMTP), with the overdue disclosure.
  const asOf = new Date(Date.parse(schedule[2]!.dueDate) + 5 * 86_400_000).toISOString().slice(0, 10);
  await closeOfBusiness(platform.db('loans'), asOf);
  const overdue = await until((l) => m(l.loan.account.penaltiesDue) > 0n);
  const fee = m(overdue.loan.account.penaltiesDue);
  assert.equal(m(overdue.loan.account.interestDue), m(schedule[2]!.interest), 'interest booked when due');
  const mail = await eventually(async () =>
    (await messagesTo(notifyUrl, c.email)).find((x) => x.subject === 'Payment overdue'),
  );
  // The run caught up day by day: the notice went out on the first day past due.
  assert.match(mail.text, new RegExp(`Instalment 3 due on ${schedule[2]!.dueDate} is 1 days overdue`));
  assert.match(mail.text, /credit information companies/);

  // Paid late, with the fee (settled by the run for that day, as the payment is dated before it).
  await pay(m(schedule[2]!.total) + fee, 'emi-3-late');
  await applied(4);
  await closeOfBusiness(platform.db('loans'), asOf);
  const caughtUp = await until((l) => l.loan.schedule[2]?.status === 'PAID');
  assert.equal(m(caughtUp.loan.account.penaltiesDue), 0n);

  // The rest is paid off early at the quote.
  const quote = (
    await platform.gql(
      `query($id: ID!) { foreclosureQuote(loanId: $id) { principal { minor } total { minor } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.foreclosureQuote;
  const principalLeft = schedule.slice(3).reduce((s, i) => s + m(i.principal), 0n);
  assert.equal(m(quote.principal), principalLeft);
  await pay(m(quote.total), 'foreclose-rest', 'FORECLOSURE');
  await reaches(platform.gql, c.applicationId, c.token, 'CLOSED');

  // One query across loans and payments: the closed loan, its schedule, every payment, nothing outstanding.
  const closed = await until((l) => l.loan.noDuesCertificate !== null);
  assert.equal(closed.loan.status, 'CLOSED');
  assert.equal(closed.loan.closureReason, 'FORECLOSED');
  assert.deepEqual(
    closed.loan.schedule.map((i) => i.status),
    [...Array(3).fill('PAID'), ...Array(33).fill('FORECLOSED')],
  );
  assert.deepEqual(closed.loan.outstanding, {
    total: { minor: '0' },
    pendingVerification: { minor: '0' },
    afterPending: { minor: '0' },
  });
  assert.deepEqual(
    closed.loan.payments.map((p) => `${p.purpose}:${p.status}`),
    ['FORECLOSURE:VERIFIED', 'INSTALMENT:VERIFIED', 'INSTALMENT:VERIFIED', 'INSTALMENT:VERIFIED'],
  );
  const balance = await booksOf(platform.db('loans'), c.loanId, true);
  assert.equal(
    -(balance.INTEREST_INCOME ?? 0n),
    schedule.slice(0, 3).reduce((s, i) => s + m(i.interest), 0n),
    'interest earned for the three periods that ran, none for the rest',
  );
  assert.equal(-(balance.PENALTY_INCOME ?? 0n), fee);
  // The borrower downloads the signed agreement and the no-dues certificate by their links (no token).
  const base = platform.gateway.url.replace(/\/graphql$/, '');
  for (const [what, file] of [
    ['agreement', closed.agreement],
    ['no-dues certificate', closed.loan.noDuesCertificate],
  ] as const) {
    assert.ok(file, what);
    const res = await fetch(`${base}${file.downloadUrl}`);
    assert.equal(res.status, 200, what);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(createHash('sha256').update(bytes).digest('hex'), file.sha256, `${what}: the stored bytes`);
    assert.equal(
      (await fetch(`${base}${file.downloadUrl.replace(/sig=(.)/, (_, c) => `sig=${c === 'A' ? 'B' : 'A'}`)}`))
        .status,
      403,
    );
  }
  const closing = await eventually(async () =>
    (await messagesTo(notifyUrl, c.email)).find((x) => x.subject === 'Loan closed'),
  );
  assert.match(closing.text, /paid off early/);
});

test('the loan is repaid as the accepted offer says: fortnightly, equal principal, two interest-only instalments', async () => {
  const amount = 2_600_000n;
  const repayment = { frequency: 'FORTNIGHTLY', method: 'EQUAL_PRINCIPAL', moratoriumPeriods: 2 };
  const c = await activeLoan(
    platform.gql,
    desk,
    { internal, manager },
    platform.notifyUrl ?? '',
    amount.toString(),
    {
      tenureMonths: 12,
      ...repayment,
    },
  );
  const r = await platform.gql(
    `query($id: ID!) { application(id: $id) { currentOffer { frequency method moratoriumPeriods keyFacts { instalments } }
        loan { frequency method disbursedOn schedule { dueDate principal { minor } interest { minor } } } } }`,
    { id: c.applicationId },
    c.token,
  );
  assert.ok(r.data, JSON.stringify(r.errors));
  const { currentOffer: offer, loan } = r.data.application;
  assert.deepEqual(
    { frequency: offer.frequency, method: offer.method, moratoriumPeriods: offer.moratoriumPeriods },
    repayment,
  );
  assert.equal(loan.frequency, 'FORTNIGHTLY');
  assert.equal(loan.method, 'EQUAL_PRINCIPAL');
  const schedule = loan.schedule as {
    dueDate: string;
    principal: { minor: string };
    interest: { minor: string };
  }[];
  assert.equal(schedule.length, 26);
  assert.equal(offer.keyFacts.instalments, 26, 'the loan has the instalments the KFS promised');
  assert.deepEqual(
    schedule.slice(0, 2).map((i) => i.principal.minor),
    ['0', '0'],
  );
  assert.equal(
    schedule.reduce((s, i) => s + m(i.principal), 0n),
    amount,
  );
  const days = schedule.map((i, k) =>
    Math.round(
      (Date.parse(i.dueDate) - Date.parse(k ? (schedule[k - 1]?.dueDate ?? '') : loan.disbursedOn)) /
        86_400_000,
    ),
  );
  assert.ok(
    days.every((d) => d === 14),
    `due every 14 days: ${days}`,
  );
});

test('a non-performing loan is written off by the credit head; money received later is a recovery', async () => {
  const head = await staffUser(platform.gql, 'CREDIT_HEAD');
  const c = await activeLoan(platform.gql, desk, { internal, manager }, platform.notifyUrl ?? '', '1000000');
  const WRITE_OFF = `mutation($l: ID!, $r: String!) { writeOffLoan(loanId: $l, reason: $r) { status closureReason } }`;
  const reason = 'no contact for 120 days; collection exhausted';
  assert.equal(firstError(await platform.gql(WRITE_OFF, { l: c.loanId, r: reason }, c.token)), 'FORBIDDEN');
  assert.equal(
    firstError(await platform.gql(WRITE_OFF, { l: c.loanId, r: reason }, head.token)),
    'FAILED_PRECONDITION',
    'a performing loan is not written off',
  );
  // Four months on without a payment (the business date moved, day by day): 90+ days past due, an NPA.
  const loansDb = platform.db('loans');
  const admin = await staffUser(platform.gql, 'ADMIN');
  const [{ first }] = await loansDb.query(
    'SELECT min(due_date)::text AS first FROM instalments WHERE loan_id = $1',
    [c.loanId],
  );
  const npaDay = new Date(Date.parse(first) + 91 * 86_400_000).toISOString().slice(0, 10);
  const moved = await platform.gql(
    `mutation($d: String!) { setBusinessDate(date: $d) { date } }`,
    { d: npaDay },
    admin.token,
  );
  assert.equal(moved.data?.setBusinessDate.date, npaDay, JSON.stringify(moved.errors));
  assert.equal(
    firstError(await platform.gql(WRITE_OFF, { l: c.loanId, r: 'no' }, head.token)),
    'BAD_USER_INPUT',
  );
  // NPA: the interest due is held in suspense (never income), so writing it off is not an expense.
  // And the provision held (25 % of the principal: sub-standard, unsecured) was expensed already.
  const before = await booksOf(loansDb, c.loanId);
  const suspense = -(before.INTEREST_SUSPENSE ?? 0n);
  const provision = -(before.LOAN_LOSS_PROVISION ?? 0n);
  assert.ok(suspense > 0n, 'interest due is in suspense');
  assert.equal(provision, 250_000n);
  const done = await platform.gql(WRITE_OFF, { l: c.loanId, r: reason }, head.token);
  assert.deepEqual(
    done.data?.writeOffLoan,
    { status: 'WRITTEN_OFF', closureReason: 'WRITTEN_OFF' },
    JSON.stringify(done.errors),
  );
  assert.equal(
    firstError(await platform.gql(WRITE_OFF, { l: c.loanId, r: reason }, head.token)),
    'ILLEGAL_TRANSITION',
  );
  await reaches(platform.gql, c.applicationId, c.token, 'CLOSED');

  const after = await booksOf(loansDb, c.loanId, true);
  const [event] = await loansDb.query(
    `SELECT payload FROM outbox WHERE type = 'loan.written.off' AND payload->'data'->>'loanId' = $1`,
    [c.loanId],
  );
  assert.equal(after.WRITE_OFF_EXPENSE, BigInt(event.payload.data.amountMinor) - suspense - provision);
  assert.equal(after.INTEREST_SUSPENSE ?? 0n, 0n);
  assert.equal(after.LOAN_LOSS_PROVISION ?? 0n, 0n);
  assert.ok(
    BigInt(event.payload.data.amountMinor) > 1_000_000n,
    'principal, the interest due and the late fees',
  );
  assert.equal(
    (after.WRITE_OFF_EXPENSE ?? 0n) + (after.PROVISION_EXPENSE ?? 0n),
    BigInt(event.payload.data.amountMinor) - suspense,
    'the loss is expensed once: provided, then written off',
  );

  // The borrower pays something after all: accepted, booked as recovery income.
  const paid = await eventually(async () => {
    const r = await platform.gql(
      `mutation($i: PaymentInput!, $k: String!) { recordPayment(input: $i, idempotencyKey: $k) { id } }`,
      { i: { loanId: c.loanId, amount: '25000', method: 'UPI' }, k: 'recovery-0001' },
      c.token,
    );
    return r.data?.recordPayment.id as string | undefined;
  });
  await platform.gql(
    `mutation($p: ID!) { verifyPayment(paymentId: $p, accept: true, reason: "credited in the bank statement") { status } }`,
    { p: paid },
    manager.token,
  );
  const recovered = await eventually(async () => {
    const b = await booksOf(loansDb, c.loanId, true);
    return b.RECOVERY_INCOME ? b : undefined;
  });
  assert.equal(recovered.RECOVERY_INCOME, -25_000n);
  const [announced] = await loansDb.query(
    `SELECT payload->'data' AS d FROM outbox WHERE type = 'loan.recovered' AND payload->'data'->>'loanId' = $1`,
    [c.loanId],
  );
  assert.equal(announced?.d.amountMinor, '25000', 'the recovery is announced');
});
