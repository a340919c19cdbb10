// The stages of the loan lifecycle as staff and customers work them through the gateway, so a test of a
// later stage can reach its starting point in one call.

import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { reconcile } from '../../subgraphs/loans/loan-service';
import { staffUser, submittedApplication } from './flows';
import { type client, eventually, firstError } from './platform';

type Gql = ReturnType<typeof client>;
export interface User {
  id: string;
  token: string;
}
export type Desk = Record<'kycOfficer' | 'kycManager' | 'riskOfficer' | 'riskManager', User>;

export async function staffDesk(gql: Gql): Promise<Desk> {
  return {
    kycOfficer: await staffUser(gql, 'KYC_OFFICER'),
    kycManager: await staffUser(gql, 'KYC_MANAGER'),
    riskOfficer: await staffUser(gql, 'RISK_OFFICER'),
    riskManager: await staffUser(gql, 'RISK_MANAGER'),
  };
}

export const statusOf = async (gql: Gql, id: string, token: string) =>
  (await gql(`query($id: ID!) { application(id: $id) { status } }`, { id }, token)).data?.application
    .status as string | undefined;

export const timelineOf = async (gql: Gql, id: string, token: string) =>
  (await gql(`query($id: ID!) { application(id: $id) { timeline { action reason } } }`, { id }, token)).data
    ?.application.timeline as { action: string; reason: string | null }[];

/** Waits until the application reaches `status` (events travel through Kafka). */
export const reaches = (gql: Gql, id: string, token: string, status: string) =>
  eventually(async () => (await statusOf(gql, id, token)) === status, 30_000);

/** An officer's checklist with every check passed. */
export const KYC_CHECKLIST = {
  identityMatchesPan: true,
  addressProofOk: true,
  documentsValidated: true,
  projectFeasible: true,
};

/** The KYC desk's work: queue → assign → verify → approve. */
export async function passKyc(gql: Gql, desk: Desk, applicationId: string) {
  const review = await eventually(async () => {
    const q = await gql(
      `{ kycQueue(page: { first: 100 }) { nodes { id application { id } } } }`,
      {},
      desk.kycManager.token,
    );
    return q.data?.kycQueue.nodes.find(
      (n: { application: { id: string } }) => n.application.id === applicationId,
    );
  });
  await gql(
    `mutation($r: ID!, $o: ID!) { assignKyc(reviewId: $r, officerId: $o) { status } }`,
    { r: review.id, o: desk.kycOfficer.id },
    desk.kycManager.token,
  );
  const checklist = KYC_CHECKLIST;
  await eventually(
    async () =>
      (
        await gql(
          `mutation($r: ID!, $c: KycChecklistInput!) { verifyKyc(reviewId: $r, checklist: $c) { status } }`,
          { r: review.id, c: checklist },
          desk.kycOfficer.token,
        )
      ).data,
  );
  const d = await gql(
    `mutation($r: ID!) { decideKyc(reviewId: $r, approve: true, reason: "customer and project verified") { status } }`,
    { r: review.id },
    desk.kycManager.token,
  );
  assert.equal(d.data?.decideKyc.status, 'APPROVED');
}

export const RISK_REPORT = `query($id: ID!) { riskReport(applicationId: $id) { id status score grade recommendation reasons policyVersion bureauScore foirBps manualReviewReason decision } }`;

/** The finished risk assessment (completed or waiting for a person). */
export function assessed(gql: Gql, desk: Desk, applicationId: string) {
  return eventually(async () => {
    const r = await gql(RISK_REPORT, { id: applicationId }, desk.riskOfficer.token);
    const s = r.data?.riskReport.status;
    return s === 'COMPLETED' || s === 'MANUAL_REVIEW' ? r.data?.riskReport : undefined;
  }, 30_000);
}

export const DECIDE_RISK = `mutation($id: ID!, $a: Boolean!, $why: String!) { decideRisk(applicationId: $id, approve: $a, reason: $why) { decision } }`;

/** A customer whose application the risk manager approved for discussion: status OFFER. */
export async function applicationInOffer(gql: Gql, desk: Desk, name = 'Asha Rao') {
  const c = await submittedApplication(gql, name);
  await passKyc(gql, desk, c.applicationId);
  await assessed(gql, desk, c.applicationId);
  const r = await gql(
    DECIDE_RISK,
    { id: c.applicationId, a: true, why: 'within appetite' },
    desk.riskManager.token,
  );
  assert.equal(r.data?.decideRisk.decision, 'APPROVED_FOR_DISCUSSION', JSON.stringify(r.errors));
  await reaches(gql, c.applicationId, c.token, 'OFFER');
  return c;
}

export const SEND_OFFER = `mutation($a: ID!, $t: OfferTermsInput!) { sendOffer(applicationId: $a, terms: $t) { id version status } }`;

export const offerTerms = (overrides: Record<string, unknown> = {}) => ({
  amount: '40000000',
  annualRateBps: 1350,
  tenureMonths: 36,
  processingFee: '400000',
  validUntil: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  ...overrides,
});

/** A customer who accepted an offer of `amount` minor units (and any other terms given): status APPROVAL. */
export async function applicationInApproval(
  gql: Gql,
  desk: Desk,
  amount = '40000000',
  name = 'Asha Rao',
  terms: Record<string, unknown> = {},
) {
  const c = await applicationInOffer(gql, desk, name);
  const sent = await gql(
    SEND_OFFER,
    {
      a: c.applicationId,
      t: offerTerms({ amount, processingFee: (BigInt(amount) / 100n).toString(), ...terms }),
    },
    desk.riskOfficer.token,
  );
  const offerId = sent.data?.sendOffer.id as string;
  assert.ok(offerId, JSON.stringify(sent.errors));
  const accepted = await gql(
    `mutation($o: ID!) { acceptOffer(offerId: $o) { status } }`,
    { o: offerId },
    c.token,
  );
  assert.equal(accepted.data?.acceptOffer.status, 'ACCEPTED', JSON.stringify(accepted.errors));
  await reaches(gql, c.applicationId, c.token, 'APPROVAL');
  return { ...c, offerId };
}

export interface SentMessage {
  channel: 'sms' | 'push' | 'email';
  to: string;
  subject?: string;
  text: string;
}

/** What the messaging simulator (SMS, push, SMTP) received for an address, oldest first. */
export async function messagesTo(notifyUrl: string, to: string) {
  const res = await fetch(`${notifyUrl}/admin/messages?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as { messages: SentMessage[] }).messages;
}

/** The newest e-sign code texted to a phone (other texts, e.g. payment notices, are skipped). */
export async function latestOtp(notifyUrl: string, phone: string) {
  const codes = (await messagesTo(notifyUrl, phone)).filter((m) => m.text.includes('is your LoanFlow code'));
  return codes.at(-1)?.text.match(/\b(\d{6})\b/)?.[1];
}

/**
 * A customer whose agreement is signed: a small offer accepted, levels 1 and 2 approved by the given users,
 * the agreement e-signed with the code read from the SMS simulator at `notifyUrl`. The loan then waits for a
 * partner lender.
 */
export async function signedAgreement(
  gql: Gql,
  desk: Desk,
  approvers: { internal: User; manager: User },
  notifyUrl: string,
  amount = '40000000',
  terms: Record<string, unknown> = {},
) {
  return approveAndSign(
    gql,
    approvers,
    notifyUrl,
    await applicationInApproval(gql, desk, amount, 'Asha Rao', terms),
  );
}

/** An application in APPROVAL approved at levels 1 and 2, and its agreement e-signed (code from the SMS). */
export async function approveAndSign<C extends { applicationId: string; token: string; phone: string }>(
  gql: Gql,
  approvers: { internal: User; manager: User },
  notifyUrl: string,
  c: C,
  readOtp: (notifyUrl: string, phone: string) => Promise<string | undefined> = latestOtp,
) {
  const decide = (level: number, who: User) =>
    gql(
      `mutation($a: ID!, $l: Int!) { decideApproval(applicationId: $a, level: $l, approve: true, comment: "in order") { status } }`,
      { a: c.applicationId, l: level },
      who.token,
    );
  await eventually(async () => (await decide(1, approvers.internal)).data);
  await decide(2, approvers.manager);
  const agreementId = await eventually(async () => {
    const a = (
      await gql(
        `query($id: ID!) { application(id: $id) { agreement { id status } } }`,
        { id: c.applicationId },
        c.token,
      )
    ).data?.application.agreement;
    return a?.status === 'GENERATED' ? (a.id as string) : undefined;
  }, 30_000);
  await gql(`mutation($a: ID!) { startEsign(agreementId: $a) { sentTo } }`, { a: agreementId }, c.token);
  const otp = await eventually(() => readOtp(notifyUrl, c.phone));
  const signed = await gql(
    `mutation($a: ID!, $o: String!) { confirmEsign(agreementId: $a, otp: $o) { status } }`,
    { a: agreementId, o: otp },
    c.token,
  );
  assert.equal(signed.data?.confirmEsign.status, 'SIGNED', JSON.stringify(signed.errors));
  return { ...c, agreementId };
}

/** A customer with an ACTIVE loan: an agreement signed as above, and the loan funded by a partner lender. */
export async function activeLoan(...args: Parameters<typeof signedAgreement>) {
  const c = await signedAgreement(...args);
  const gql = args[0];
  await reaches(gql, c.applicationId, c.token, 'ACTIVE');
  const loanId = (
    await gql(`query($id: ID!) { application(id: $id) { loan { id } } }`, { id: c.applicationId }, c.token)
  ).data?.application.loan.id as string;
  return { ...c, loanId };
}

/**
 * A loan's books: the debit-minus-credit balance per account. Checks that they balance (the sum is zero)
 * and, with `settled`, that nothing is owed any more.
 */
export async function booksOf(loansDb: DataSource, loanId: string, settled = false) {
  const rows: { account: string; balance: string }[] = await loansDb.query(
    `SELECT l.account, sum(l.debit_minor - l.credit_minor)::text AS balance
       FROM journal_lines l JOIN journal j ON j.id = l.entry_id WHERE j.loan_id = $1 GROUP BY l.account`,
    [loanId],
  );
  const books: Record<string, bigint> = Object.fromEntries(rows.map((r) => [r.account, BigInt(r.balance)]));
  assert.equal(
    Object.values(books).reduce((s, v) => s + v, 0n),
    0n,
    'the books balance',
  );
  // And they tie out with the loan's schedule (interest accrued, principal and interest receivable).
  assert.deepEqual(await reconcile(loansDb, [loanId]), [], 'the ledger ties out with the schedule');
  if (settled) {
    for (const receivable of [
      'LOAN_PRINCIPAL',
      'INTEREST_RECEIVABLE',
      'FEES_RECEIVABLE',
      'PENALTY_RECEIVABLE',
    ]) {
      assert.equal(books[receivable] ?? 0n, 0n, `nothing owed: ${receivable}`);
    }
  }
  return books;
}

/**
 * A customer's payment recorded (as soon as payments knows the loan) and accepted by `verifierToken`'s
 * holder; its id. Loans applies it a moment later, from the payment.verified event.
 */
export async function payVerified(
  gql: Gql,
  c: { loanId: string; token: string },
  amount: bigint,
  key: string,
  verifierToken: string,
  purpose = 'INSTALMENT',
): Promise<string> {
  const r = await eventually(async () => {
    const x = await gql(
      `mutation($i: PaymentInput!, $k: String!) { recordPayment(input: $i, idempotencyKey: $k) { id } }`,
      { i: { loanId: c.loanId, amount: amount.toString(), method: 'UPI', purpose }, k: key },
      c.token,
    );
    return firstError(x) === 'NOT_FOUND' ? undefined : x;
  });
  const id = r.data?.recordPayment.id as string;
  assert.ok(id, JSON.stringify(r.errors));
  const v = await gql(
    `mutation($p: ID!) { verifyPayment(paymentId: $p, accept: true, reason: "credited in the bank statement") { status } }`,
    { p: id },
    verifierToken,
  );
  assert.equal(v.data?.verifyPayment.status, 'VERIFIED', JSON.stringify(v.errors));
  return id;
}

/** Waits until loans has journalled the payment (any entry naming it). */
export const journalled = (loansDb: DataSource, paymentId: string) =>
  eventually(async () => {
    const [row] = await loansDb.query(`SELECT count(*)::int n FROM journal WHERE reference LIKE $1`, [
      `%${paymentId}%`,
    ]);
    return row.n > 0;
  }, 30_000);
