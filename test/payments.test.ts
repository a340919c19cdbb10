import './helpers/env';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { closeOfBusiness } from '../subgraphs/loans/close-of-business';
import { agreementFiles } from '../subgraphs/loans/service';
import { fixtures, registerCustomer, staffUser, uploadDocument } from './helpers/flows';
import { activeLoan, booksOf, type Desk, reaches, staffDesk, type User } from './helpers/lifecycle';
import { pdfText } from './helpers/pdf';
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

const RECORD = `mutation($i: PaymentInput!, $k: String!) { recordPayment(input: $i, idempotencyKey: $k) { id status amount { minor } } }`;
const count = async (loanId: string) =>
  Number(
    (await platform.db('payments').query('SELECT count(*) n FROM payments WHERE loan_id = $1', [loanId]))[0]
      .n,
  );

test('a payment is recorded once per Idempotency-Key; bad or foreign payments are refused and store nothing', async () => {
  const c = await activeLoan(platform.gql, desk, { internal, manager }, platform.notifyUrl ?? '');
  // The loan reaches payments by its event.
  const input = { loanId: c.loanId, amount: '1163000', method: 'UPI', reference: 'UPI-REF-1' };
  const first = await eventually(async () => {
    const r = await platform.gql(RECORD, { i: input, k: 'pay-key-0001' }, c.token);
    return firstError(r) === 'NOT_FOUND' ? undefined : r;
  });
  assert.equal(first.data?.recordPayment.status, 'RECEIVED', JSON.stringify(first.errors));
  const again = await platform.gql(RECORD, { i: input, k: 'pay-key-0001' }, c.token);
  assert.equal(
    again.data?.recordPayment.id,
    first.data?.recordPayment.id,
    'the replay returns the same payment',
  );
  const racing = await Promise.all(
    [1, 2, 3].map(() => platform.gql(RECORD, { i: input, k: 'pay-key-0002' }, c.token)),
  );
  assert.equal(new Set(racing.map((r) => r.data?.recordPayment.id)).size, 1, 'concurrent replays record one');
  assert.equal(await count(c.loanId), 2);

  assert.equal(
    firstError(await platform.gql(RECORD, { i: { ...input, amount: '5' }, k: 'pay-key-0001' }, c.token)),
    'CONFLICT',
  );
  for (const amount of ['0', '-100']) {
    assert.equal(
      firstError(await platform.gql(RECORD, { i: { ...input, amount }, k: `pay-bad-${amount}` }, c.token)),
      'BAD_USER_INPUT',
    );
  }
  const unknown = { ...input, loanId: '00000000-0000-4000-8000-000000000000' };
  assert.equal(
    firstError(await platform.gql(RECORD, { i: unknown, k: 'pay-key-unknown' }, c.token)),
    'NOT_FOUND',
  );
  const stranger = await registerCustomer(platform.gql, 'Someone Else');
  assert.equal(
    firstError(await platform.gql(RECORD, { i: input, k: 'pay-key-stranger' }, stranger.token)),
    'NOT_FOUND',
  );
  assert.equal(await count(c.loanId), 2, 'the refused requests stored nothing');

  // The borrower uploads a receipt through documents and attaches it for the verifier.
  const ATTACH = `mutation($p: ID!, $d: ID!) { attachPaymentProof(paymentId: $p, documentId: $d) { proof { id type sha256 } } }`;
  const receipt = await uploadDocument(platform.gateway.url, c.token, {
    applicationId: c.applicationId,
    type: 'PAYMENT_PROOF',
    bytes: fixtures.pdf(),
    fileName: 'upi-receipt.pdf',
  });
  assert.equal(receipt.status, 201, JSON.stringify(receipt.body));
  const attached = await eventually(async () => {
    const r = await platform.gql(
      ATTACH,
      { p: first.data?.recordPayment.id, d: receipt.body.document.id },
      c.token,
    );
    return firstError(r) === 'NOT_FOUND' ? undefined : r;
  });
  assert.deepEqual(attached.data?.attachPaymentProof.proof, {
    id: receipt.body.document.id,
    type: 'PAYMENT_PROOF',
    sha256: receipt.body.document.sha256,
  });
  const kyc = await uploadDocument(platform.gateway.url, c.token, {
    applicationId: c.applicationId,
    type: 'BANK_STATEMENT',
    bytes: fixtures.pdf(),
  });
  assert.equal(
    firstError(
      await platform.gql(ATTACH, { p: first.data?.recordPayment.id, d: kyc.body.document.id }, c.token),
    ),
    'NOT_FOUND',
    'only a PAYMENT_PROOF of this loan',
  );
  assert.equal(
    firstError(
      await platform.gql(
        ATTACH,
        { p: first.data?.recordPayment.id, d: receipt.body.document.id },
        stranger.token,
      ),
    ),
    'NOT_FOUND',
  );

  const VERIFY = `mutation($p: ID!) { verifyPayment(paymentId: $p, accept: true, reason: "credited in the bank statement") { status } }`;
  assert.equal(
    firstError(await platform.gql(VERIFY, { p: first.data?.recordPayment.id }, c.token)),
    'FORBIDDEN',
  );
  assert.equal(
    (await platform.gql(VERIFY, { p: first.data?.recordPayment.id }, manager.token)).data?.verifyPayment
      .status,
    'VERIFIED',
  );
  const loan = (
    await platform.gql(
      `query($id: ID!) { loan(id: $id) { accountNumber payments { status amount { minor } } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.loan;
  assert.deepEqual(loan.payments.map((p: { status: string }) => p.status).sort(), ['RECEIVED', 'VERIFIED']);
});

test('verified payments settle instalments as they fall due, oldest first; paid ahead, the loan closes on its last due date', async () => {
  const c = await activeLoan(platform.gql, desk, { internal, manager }, platform.notifyUrl ?? '', '1000000');
  const LOAN = `query($id: ID!) { loan(id: $id) { status schedule { n status total { minor } dueDate }
      account { principalOutstanding { minor } interestDue { minor } nextDueDate } } }`;
  const loanOf = async () => (await platform.gql(LOAN, { id: c.loanId }, c.token)).data?.loan;
  const before = await loanOf();
  const VERIFY = `mutation($p: ID!) { verifyPayment(paymentId: $p, accept: true, reason: "credited in the bank statement") { status } }`;
  const pay = async (amount: bigint, key: string) => {
    const r = await eventually(async () => {
      const x = await platform.gql(
        RECORD,
        { i: { loanId: c.loanId, amount: amount.toString(), method: 'NEFT' }, k: key },
        c.token,
      );
      return firstError(x) === 'NOT_FOUND' ? undefined : x;
    });
    const id = r.data?.recordPayment.id;
    assert.ok(id, JSON.stringify(r.errors));
    assert.equal(
      (await platform.gql(VERIFY, { p: id }, manager.token)).data?.verifyPayment.status,
      'VERIFIED',
    );
  };

  const emi = BigInt(before.schedule[0].total.minor);
  const loansDb = platform.db('loans');
  // Paid before its due date, the EMI is held for the borrower; no interest is booked for a period not run.
  await pay(emi, 'first-emi-0001');
  await eventually(async () => {
    const [row] = await loansDb.query(
      `SELECT count(*)::int n FROM journal WHERE loan_id = $1 AND kind = 'REPAYMENT'`,
      [c.loanId],
    );
    return row.n === 1;
  });
  const held = await loanOf();
  assert.equal(held.schedule[0].status, 'DUE');
  assert.equal(held.account.interestDue.minor, '0');
  const early = await booksOf(loansDb, c.loanId);
  assert.equal(early.INTEREST_INCOME ?? 0n, 0n, 'no interest earned before any period ran');
  assert.equal(early.CUSTOMER_ADVANCE, -emi, 'held for the borrower');
  // On its due date the daily run settles the instalment from what is held.
  await closeOfBusiness(loansDb, before.schedule[0].dueDate);
  const afterFirst = await eventually(async () => {
    const l = await loanOf();
    return l.schedule[0].status === 'PAID' ? l : undefined;
  });
  assert.equal(afterFirst.schedule[1].status, 'DUE');
  assert.equal(afterFirst.account.nextDueDate, before.schedule[1].dueDate);
  assert.ok(BigInt(afterFirst.account.principalOutstanding.minor) < 1_000_000n);
  assert.equal(afterFirst.account.interestDue.minor, '0', 'the instalment paid its own interest');

  // The overdue run for a date past instalment 2's due date: the late fee once, however often and on however
  // many replicas it runs that day.
  const asOf = new Date(Date.parse(before.schedule[1].dueDate) + 3 * 86_400_000).toISOString().slice(0, 10);
  await Promise.all([closeOfBusiness(loansDb, asOf), closeOfBusiness(loansDb, asOf, { batch: 1 })]);
  assert.equal(
    (await closeOfBusiness(loansDb, asOf)).lateFees,
    0,
    'a second run the same day changes nothing',
  );
  const notices = await loansDb.query(
    `SELECT payload FROM outbox WHERE type = 'payment.overdue' AND payload->'data'->>'loanId' = $1`,
    [c.loanId],
  );
  assert.equal(notices.length, 1, 'instalment 1 was paid; only instalment 2 is overdue, announced once');
  const [overdue] = notices;
  assert.equal(overdue.payload.data.instalment, 2);
  // The run caught up day by day: the notice went out on the first day past due, not the day of the run.
  assert.equal(overdue.payload.data.daysPastDue, 1);
  assert.equal(overdue.payload.data.bucket, 'DPD_1_30');
  const fee = BigInt(overdue.payload.data.lateFeeMinor);
  assert.ok(fee > 0n);

  const rest = before.schedule
    .slice(1)
    .reduce((s: bigint, i: { total: { minor: string } }) => s + BigInt(i.total.minor), 0n);
  // Everything still to pay, and ₹5 more, paid at once: the late fee and instalment 2 (fallen due in the
  // loan's books) settled, the rest held and spent as each instalment falls due.
  await pay(rest + fee + 500n, 'payoff-0001');
  const second = BigInt(before.schedule[1].total.minor);
  await eventually(
    async () => (await booksOf(loansDb, c.loanId)).CUSTOMER_ADVANCE === -(rest - second + 500n),
  );
  assert.equal((await loanOf()).schedule[1].status, 'PAID');
  await closeOfBusiness(loansDb, before.schedule.at(-1).dueDate);
  await reaches(platform.gql, c.applicationId, c.token, 'CLOSED');
  const closed = await loanOf();
  assert.equal(closed.status, 'CLOSED');
  assert.ok(closed.schedule.every((i: { status: string }) => i.status === 'PAID'));
  assert.equal(closed.account.principalOutstanding.minor, '0');
  const balance = await booksOf(platform.db('loans'), c.loanId, true);
  assert.equal(balance.CUSTOMER_ADVANCE, -500n, 'the overpayment is owed back to the borrower');
  assert.equal(balance.PENALTY_INCOME, -fee, 'the late fee was earned once');
  const certificate = await eventually(async () => {
    const r = await platform.gql(
      `query($id: ID!) { loan(id: $id) { noDuesCertificate { sha256 } } }`,
      { id: c.loanId },
      c.token,
    );
    return r.data?.loan.noDuesCertificate;
  });
  const [stored] = await platform
    .db('loans')
    .query('SELECT file_id FROM no_dues_certificates WHERE loan_id = $1', [c.loanId]);
  const file = await (await agreementFiles()).getFile('no-dues', stored.file_id);
  assert.ok(file);
  assert.equal(createHash('sha256').update(file.content).digest('hex'), certificate.sha256);
  const text = (await pdfText(new Uint8Array(file.content))).join('\n');
  assert.ok(text.includes('NO DUES CERTIFICATE') && text.includes('repaid in full'));

  // The closed loan takes no more payments: refused, and nothing stored.
  const n = await count(c.loanId);
  const late = await eventually(async () => {
    const r = await platform.gql(
      RECORD,
      { i: { loanId: c.loanId, amount: '100', method: 'UPI' }, k: 'after-close-01' },
      c.token,
    );
    return firstError(r) === 'FAILED_PRECONDITION' ? r : undefined;
  });
  assert.match(late.errors?.[0]?.message ?? '', /CLOSED/);
  assert.equal(await count(c.loanId), n);
});

test('foreclosure: a quote for a date; a short payment is held as credit; paying the rest closes the loan FORECLOSED', async () => {
  const c = await activeLoan(platform.gql, desk, { internal, manager }, platform.notifyUrl ?? '', '1000000');
  const QUOTE = `query($id: ID!, $d: String) { foreclosureQuote(loanId: $id, date: $d) {
      asOf principal { minor } interestDue { minor } brokenPeriodInterest { minor } foreclosureCharge { minor } total { minor } } }`;
  const quote = async (d?: string) => platform.gql(QUOTE, { id: c.loanId, d }, c.token);
  for (const bad of ['not-a-date', '2026-02-30', '2000-01-01', '2999-01-01']) {
    assert.equal(firstError(await quote(bad)), 'BAD_USER_INPUT', bad);
  }
  const stranger = await registerCustomer(platform.gql, 'Nosy Neighbour');
  assert.equal(firstError(await platform.gql(QUOTE, { id: c.loanId }, stranger.token)), 'NOT_FOUND');

  const loan = (
    await platform.gql(
      `query($id: ID!) { loan(id: $id) { disbursedOn schedule { dueDate interest { minor } } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.loan;
  const now = (await quote()).data?.foreclosureQuote;
  assert.equal(now.asOf, loan.disbursedOn);
  assert.equal(now.principal.minor, '1000000');
  assert.equal(now.total.minor, '1000000', 'nothing has accrued on the day of disbursement');
  // Ten days on: the first period's interest pro rata by days (half-up).
  const day = 86_400_000;
  const in10 = new Date(Date.parse(loan.disbursedOn) + 10 * day).toISOString().slice(0, 10);
  const period = BigInt((Date.parse(loan.schedule[0].dueDate) - Date.parse(loan.disbursedOn)) / day);
  const firstInterest = BigInt(loan.schedule[0].interest.minor);
  const later = (await quote(in10)).data?.foreclosureQuote;
  assert.equal(BigInt(later.brokenPeriodInterest.minor), (2n * firstInterest * 10n + period) / (2n * period));
  assert.equal(BigInt(later.total.minor), 1_000_000n + BigInt(later.brokenPeriodInterest.minor));

  const VERIFY = `mutation($p: ID!) { verifyPayment(paymentId: $p, accept: true, reason: "credited in the bank statement") { status } }`;
  const payOff = async (amount: string, key: string) => {
    const r = await eventually(async () => {
      const x = await platform.gql(
        RECORD,
        { i: { loanId: c.loanId, amount, method: 'RTGS', purpose: 'FORECLOSURE' }, k: key },
        c.token,
      );
      return firstError(x) === 'NOT_FOUND' ? undefined : x;
    });
    assert.ok(r.data?.recordPayment.id, JSON.stringify(r.errors));
    await platform.gql(VERIFY, { p: r.data?.recordPayment.id }, manager.token);
  };
  await payOff('999900', 'foreclose-short-1');
  const rest = await eventually(async () => {
    const q = (await quote()).data?.foreclosureQuote;
    return q?.total.minor === '100' ? q : undefined;
  });
  assert.equal(
    rest.principal.minor,
    '1000000',
    'the short payment is held as credit, not spent on instalments',
  );
  await payOff('100', 'foreclose-rest-1');
  await reaches(platform.gql, c.applicationId, c.token, 'CLOSED');
  const closed = (
    await platform.gql(
      `query($id: ID!) { loan(id: $id) { status closureReason schedule { status } account { principalOutstanding { minor } } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.loan;
  assert.equal(closed.status, 'CLOSED');
  assert.equal(closed.closureReason, 'FORECLOSED');
  assert.ok(closed.schedule.every((i: { status: string }) => i.status === 'FORECLOSED'));
  assert.equal(closed.account.principalOutstanding.minor, '0');
  const balance = await booksOf(platform.db('loans'), c.loanId, true);
  assert.equal(balance.CUSTOMER_ADVANCE, 0n, 'the credit held was used up');
  assert.equal(balance.INTEREST_INCOME ?? 0n, 0n, 'no interest for periods not run');
  assert.equal(firstError(await quote()), 'FAILED_PRECONDITION', 'a closed loan has no quote');
});
