import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MongoClient, ObjectId } from 'mongodb';
import { config } from '../platform/config';
import { openLendingProfile } from '../platform/pii';
import { bundledDescriptors } from '../subgraphs/lenders/descriptors';
import { agreementFiles } from '../subgraphs/loans/service';
import { fixtures, staffUser, uploadDocument } from './helpers/flows';
import {
  applicationInApproval,
  applicationInOffer,
  type Desk,
  latestOtp,
  offerTerms,
  reaches,
  SEND_OFFER,
  signedAgreement,
  staffDesk,
  timelineOf,
  type User,
} from './helpers/lifecycle';
import { pdfText } from './helpers/pdf';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let desk: Desk;
let internal: User;
let manager: User;
let creditHead: User;

before(async () => {
  platform = await startTestPlatform();
  desk = await staffDesk(platform.gql);
  internal = await staffUser(platform.gql, 'INTERNAL_APPROVER');
  manager = await staffUser(platform.gql, 'MANAGER');
  creditHead = await staffUser(platform.gql, 'CREDIT_HEAD');
});
after(async () => {
  await platform?.stop();
});

const AGREEMENT = `query($id: ID!) { application(id: $id) { status agreement { id number status sha256 fileVersion otpAttemptsLeft signMethod files { version kind sha256 } } } }`;

/**
 * Approved and generated: by default an offer accepted as sent and two approvals (below the committee
 * threshold); `full` negotiates a counter-offer first and takes a large loan through all three levels.
 */
async function agreementReady(full = false) {
  let c: { applicationId: string; token: string; phone: string; id: string };
  if (full) {
    c = await applicationInOffer(platform.gql, desk);
    const send = (t: Record<string, unknown>) =>
      platform.gql(SEND_OFFER, { a: c.applicationId, t: offerTerms(t) }, desk.riskOfficer.token);
    const v1 = (await send({ amount: '300000000', processingFee: '3000000' })).data?.sendOffer;
    const countered = await platform.gql(
      `mutation($o: ID!) { counterOffer(offerId: $o, counter: { annualRateBps: 1200, comment: "my bureau score is good" }) { status } }`,
      { o: v1.id },
      c.token,
    );
    assert.equal(countered.data?.counterOffer.status, 'COUNTERED');
    const v2 = (await send({ amount: '300000000', processingFee: '3000000', annualRateBps: 1250 })).data
      ?.sendOffer;
    const accepted = await platform.gql(
      `mutation($o: ID!) { acceptOffer(offerId: $o) { status } }`,
      { o: v2.id },
      c.token,
    );
    assert.equal(accepted.data?.acceptOffer.status, 'ACCEPTED');
    await reaches(platform.gql, c.applicationId, c.token, 'APPROVAL');
  } else {
    c = await applicationInApproval(platform.gql, desk);
  }
  const decide = (level: number, who: User) =>
    platform.gql(
      `mutation($a: ID!, $l: Int!) { decideApproval(applicationId: $a, level: $l, approve: true, comment: "in order") { status } }`,
      { a: c.applicationId, l: level },
      who.token,
    );
  await eventually(async () => (await decide(1, internal)).data);
  await decide(2, manager);
  if (full) await decide(3, creditHead);
  await reaches(platform.gql, c.applicationId, c.token, 'AGREEMENT');
  const agreement = await eventually(async () => {
    const a = (await platform.gql(AGREEMENT, { id: c.applicationId }, c.token)).data?.application.agreement;
    return a?.status === 'GENERATED' ? a : undefined;
  }, 30_000);
  return { ...c, agreement };
}

const START = `mutation($a: ID!) { startEsign(agreementId: $a) { sentTo agreement { status } } }`;
const CONFIRM = `mutation($a: ID!, $otp: String!) { confirmEsign(agreementId: $a, otp: $otp) { status fileVersion signMethod sha256 otpAttemptsLeft } }`;

async function storedPdf(fileVersion: number, agreementId: string) {
  const [row] = await platform
    .db('loans')
    .query('SELECT file_id FROM agreement_files WHERE agreement_id = $1 AND file_version = $2', [
      agreementId,
      fileVersion,
    ]);
  const file = await (await agreementFiles()).getFile('agreements', row.file_id);
  assert.ok(file, 'the file is in the document store');
  return { fileId: row.file_id as string, bytes: new Uint8Array(file.content) };
}

test('RISK-APPROVED → SIGNED → ACTIVE: offer, approvals, agreement PDF, OTP e-sign, loan; one query returns it all', async () => {
  const c = await agreementReady(true);
  const a = c.agreement;
  assert.equal(a.fileVersion, 1);
  assert.match(a.sha256, /^[0-9a-f]{64}$/);

  const generated = await pdfText((await storedPdf(1, a.id)).bytes);
  const text = generated.join('\n');
  assert.ok(text.includes('Borrower: Asha Rao'));
  assert.ok(text.includes(`Agreement ${a.number}`));
  assert.ok(text.includes('Repayment schedule') && text.includes('36'), 'the schedule runs to instalment 36');
  assert.ok(text.includes('12.50% a year'), 'the terms of the accepted round, not the first one');
  assert.ok(generated.at(-1)?.includes(`page ${generated.length} of ${generated.length}`));

  const started = await platform.gql(START, { a: a.id }, c.token);
  assert.equal(started.data?.startEsign.agreement.status, 'ESIGN_PENDING', JSON.stringify(started.errors));
  assert.match(started.data?.startEsign.sentTo, /\*{6}/);
  const otp = await eventually(() => latestOtp(platform.notifyUrl ?? '', c.phone));
  assert.ok(otp, 'the code arrived by SMS at the registered mobile');
  const other = await applicationInApproval(platform.gql, desk, '40000000', 'Someone Else');
  assert.equal(firstError(await platform.gql(CONFIRM, { a: a.id, otp }, other.token)), 'NOT_FOUND');

  const wrong = await platform.gql(
    CONFIRM,
    { a: a.id, otp: otp === '000000' ? '111111' : '000000' },
    c.token,
  );
  assert.equal(firstError(wrong), 'BAD_USER_INPUT');
  const signed = (await platform.gql(CONFIRM, { a: a.id, otp }, c.token)).data?.confirmEsign;
  assert.equal(signed.status, 'SIGNED');
  assert.equal(signed.signMethod, 'OTP');
  assert.equal(signed.fileVersion, 2);
  assert.notEqual(signed.sha256, a.sha256);
  const record = (await pdfText((await storedPdf(2, a.id)).bytes)).at(-1) ?? '';
  assert.ok(
    record.includes('SIGNATURE RECORD') && record.includes(a.sha256),
    'the signed copy names what was signed',
  );
  assert.equal(firstError(await platform.gql(CONFIRM, { a: a.id, otp }, c.token)), 'FAILED_PRECONDITION');

  // Signing opens the loan and sends it down the lender waterfall (simulated lenders, approving by default);
  // it is ACTIVE once a lender funds it, with its schedule and the disbursement booked.
  await reaches(platform.gql, c.applicationId, c.token, 'ACTIVE');
  const loan = (
    await platform.gql(
      `query($id: ID!) { application(id: $id) { loan { accountNumber status principal { minor } instalments
          fundedAt lenderCode
          schedule { n dueDate total { minor } closing { minor } }
          account { principalOutstanding { minor } interestDue { minor } nextDueDate nextDueAmount { minor } daysPastDue } } } }`,
      { id: c.applicationId },
      c.token,
    )
  ).data?.application.loan;
  assert.equal(loan.status, 'ACTIVE');
  assert.equal(loan.principal.minor, '300000000');
  assert.equal(loan.schedule.length, 36);
  assert.equal(loan.schedule.at(-1).closing.minor, '0');
  assert.equal(loan.account.principalOutstanding.minor, '300000000', 'read from the ledger');
  assert.equal(loan.account.nextDueDate, loan.schedule[0].dueDate);
  assert.equal(loan.account.daysPastDue, 0);
  const [books] = await platform
    .db('loans')
    .query(
      `SELECT sum(debit_minor)::text AS d, sum(credit_minor)::text AS c FROM journal_lines l JOIN journal j ON j.id = l.entry_id JOIN loans n ON n.id = j.loan_id WHERE n.application_id = $1`,
      [c.applicationId],
    );
  assert.equal(books.d, books.c, 'the books balance');
  assert.ok(loan.fundedAt);
  const funded = await eventually(async () => {
    const r = await platform.gql(
      `query($id: ID!) { application(id: $id) { disbursement { status plan lenderCode lenderLoanRef }
          lenderAttempts { lenderCode outcome idempotencyToken } } }`,
      { id: c.applicationId },
      manager.token,
    );
    return r.data?.application.disbursement?.status === 'DISBURSED' ? r.data.application : undefined;
  }, 30_000);
  assert.equal(funded.disbursement.lenderCode, funded.disbursement.plan[0]);
  assert.equal(loan.lenderCode, funded.disbursement.lenderCode, 'the loan names the lender that funded it');
  // The borrower's age and state reached the lenders' rules, sealed with the PII key.
  const [profile] = await platform
    .db('lenders')
    .query('SELECT lending_profile FROM customer_facts WHERE customer_id = $1', [c.id]);
  assert.ok(!profile.lending_profile.includes('1990'), 'not readable at rest');
  assert.deepEqual(openLendingProfile(profile.lending_profile), {
    dateOfBirth: '1990-04-01',
    state: 'Maharashtra',
  });
  assert.ok(funded.disbursement.lenderLoanRef.startsWith(funded.disbursement.lenderCode));
  assert.deepEqual(
    funded.lenderAttempts.map((x: { lenderCode: string; outcome: string }) => `${x.lenderCode}:${x.outcome}`),
    [`${funded.disbursement.lenderCode}:APPROVED`],
  );
  const own = await platform.gql(
    `query($id: ID!) { application(id: $id) { disbursement { status } lenderAttempts { outcome } } }`,
    { id: c.applicationId },
    c.token,
  );
  assert.equal(own.errors?.[0]?.extensions?.code, 'FORBIDDEN', 'lender calls are for staff');
  const all = await platform.gql(
    `query($id: ID!) { application(id: $id) { status
        offers { version status keyFacts { aprBps } }
        approvals { level status }
        agreement { status signMethod files { version kind } }
        timeline { action } } }`,
    { id: c.applicationId },
    manager.token,
  );
  const app = all.data?.application;
  assert.ok(app, JSON.stringify(all.errors));
  assert.deepEqual(
    app.offers.map((o: { version: number; status: string }) => [o.version, o.status]),
    [
      [2, 'ACCEPTED'],
      [1, 'COUNTERED'],
    ],
  );
  assert.deepEqual(
    app.approvals.map((l: { status: string }) => l.status),
    ['APPROVED', 'APPROVED', 'APPROVED'],
  );
  assert.deepEqual(app.agreement.files, [
    { version: 1, kind: 'GENERATED' },
    { version: 2, kind: 'SIGNED' },
  ]);
  const actions = app.timeline.map((t: { action: string }) => t.action);
  for (const x of [
    'OFFER_ACCEPTED',
    'APPROVAL_APPROVED',
    'AGREEMENT_GENERATED',
    'AGREEMENT_SIGNED',
    'DISBURSEMENT_INITIATED',
    'LOAN_ACTIVATED',
  ])
    assert.ok(actions.includes(x), x);

  const check = await platform.gql(
    `query($id: ID!) { verifyAgreement(id: $id) { intact files { version intact } } }`,
    { id: a.id },
    manager.token,
  );
  assert.equal(check.data?.verifyAgreement.intact, true, JSON.stringify(check.errors));

  // Someone edits the stored signed file behind the platform's back: the tamper check catches it.
  const { fileId } = await storedPdf(2, a.id);
  const mongo = await MongoClient.connect(config().MONGODB_URL ?? '');
  try {
    const chunks = mongo.db(config().MONGODB_DB).collection('agreements.chunks');
    const chunk = await chunks.findOne({ files_id: new ObjectId(fileId), n: 0 });
    assert.ok(chunk);
    const data = Buffer.from(chunk.data.buffer);
    data[data.length - 10] = (data[data.length - 10] ?? 0) ^ 0xff;
    await chunks.updateOne({ _id: chunk._id }, { $set: { data } });
  } finally {
    await mongo.close();
  }
  const tampered = (
    await platform.gql(
      `query($id: ID!) { verifyAgreement(id: $id) { intact files { version intact recordedSha256 actualSha256 } } }`,
      { id: a.id },
      manager.token,
    )
  ).data?.verifyAgreement;
  assert.equal(tampered.intact, false);
  assert.deepEqual(
    tampered.files.map((f: { version: number; intact: boolean }) => [f.version, f.intact]),
    [
      [1, true],
      [2, false],
    ],
  );
});

test('five wrong codes lock e-sign (timeline entry); a signed copy uploaded instead is verified by staff', async () => {
  const c = await agreementReady();
  const a = c.agreement;
  await platform.gql(START, { a: a.id }, c.token);
  const otp = await eventually(() => latestOtp(platform.notifyUrl ?? '', c.phone));
  const bad = otp === '999999' ? '888888' : '999999';
  for (let i = 1; i <= 4; i++) {
    const r = await platform.gql(CONFIRM, { a: a.id, otp: bad }, c.token);
    assert.equal(firstError(r), 'BAD_USER_INPUT');
  }
  const fifth = await platform.gql(CONFIRM, { a: a.id, otp: bad }, c.token);
  assert.equal(firstError(fifth), 'FAILED_PRECONDITION');
  assert.match(fifth.errors?.[0]?.message ?? '', /locked/);
  // Locked for good: even the right code, and a fresh one, are refused.
  assert.equal(firstError(await platform.gql(CONFIRM, { a: a.id, otp }, c.token)), 'FAILED_PRECONDITION');
  assert.equal(firstError(await platform.gql(START, { a: a.id }, c.token)), 'FAILED_PRECONDITION');
  const t = await eventually(async () => {
    const entries = await timelineOf(platform.gql, c.applicationId, c.token);
    return entries.some((e) => e.action === 'ESIGN_LOCKED') ? entries : undefined;
  });
  assert.ok(t.length);
  assert.equal(
    (await platform.gql(AGREEMENT, { id: c.applicationId }, c.token)).data?.application.status,
    'AGREEMENT',
    'the application waits for a signature',
  );

  const up = await uploadDocument(platform.gateway.url, c.token, {
    applicationId: c.applicationId,
    type: 'SIGNED_AGREEMENT',
    bytes: fixtures.pdf(),
  });
  assert.equal(up.status, 201, JSON.stringify(up.body));
  const UPLOAD = `mutation($a: ID!, $d: ID!) { uploadSignedAgreement(agreementId: $a, documentId: $d) { status } }`;
  const offered = await eventually(async () => {
    const r = await platform.gql(UPLOAD, { a: a.id, d: up.body.document.id }, c.token);
    return firstError(r) === 'NOT_FOUND' ? undefined : r;
  });
  assert.equal(offered.data?.uploadSignedAgreement.status, 'UPLOADED');
  const VERIFY = `mutation($a: ID!, $ok: Boolean!) { verifySignedAgreement(agreementId: $a, accept: $ok, reason: "signature matches the KYC record") { status signMethod } }`;
  assert.equal(firstError(await platform.gql(VERIFY, { a: a.id, ok: true }, c.token)), 'FORBIDDEN');
  const verified = await platform.gql(VERIFY, { a: a.id, ok: true }, manager.token);
  assert.deepEqual(verified.data?.verifySignedAgreement, { status: 'SIGNED', signMethod: 'UPLOAD' });
  await reaches(platform.gql, c.applicationId, c.token, 'ACTIVE');
});

test('no partner lender funds the loan: DISBURSEMENT_FAILED, nothing booked or owed, holds released, the borrower told', async () => {
  const lenders = bundledDescriptors().map((d) => d.code);
  for (const code of lenders) platform.lenders?.behave(code, 'decline');
  try {
    const c = await signedAgreement(platform.gql, desk, { internal, manager }, platform.notifyUrl ?? '');
    await reaches(platform.gql, c.applicationId, c.token, 'DISBURSEMENT_FAILED');
    const app = (
      await platform.gql(
        `query($id: ID!) { application(id: $id) { status loan { id status fundedAt lenderCode
            account { principalOutstanding { minor } } } disbursement { status failureReason }
            lenderAttempts { lenderCode outcome } } }`,
        { id: c.applicationId },
        manager.token,
      )
    ).data?.application;
    assert.equal(app.loan.status, 'DISBURSEMENT_FAILED');
    assert.equal(app.loan.fundedAt, null);
    assert.equal(app.loan.lenderCode, null);
    assert.equal(app.loan.account.principalOutstanding.minor, '0', 'nothing is owed');
    assert.equal(app.disbursement.status, 'FAILED');
    assert.ok(app.disbursement.failureReason.includes('declined'), app.disbursement.failureReason);
    assert.ok(app.lenderAttempts.every((a: { outcome: string }) => a.outcome === 'DECLINED'));
    const [entries] = await platform
      .db('loans')
      .query('SELECT count(*)::int AS n FROM journal WHERE loan_id = $1', [app.loan.id]);
    assert.equal(entries.n, 0, 'no disbursement is booked');
    const held = await platform
      .db('lenders')
      .query('SELECT coalesce(sum(held_minor), 0)::text AS held FROM daily_exposure');
    assert.equal(held[0].held, '0', 'every hold is released');
    const notice = await eventually(async () => {
      const r = await platform.gql(
        '{ myNotifications(first: 50) { items { eventType title body regulatory } } }',
        {},
        c.token,
      );
      return r.data?.myNotifications.items.find(
        (n: { eventType: string }) => n.eventType === 'disbursement.failed',
      );
    }, 30_000);
    assert.equal(notice.title, 'Loan could not be disbursed');
    assert.match(notice.body, /you owe nothing/);
    // A loan no lender funded takes no payment.
    const pay = await platform.gql(
      `mutation($l: ID!) { recordPayment(input: { loanId: $l, amount: "1000", method: "UPI" }, idempotencyKey: "pay-unfunded-1") { id } }`,
      { l: app.loan.id },
      c.token,
    );
    assert.equal(firstError(pay), 'NOT_FOUND', 'payments never heard of the loan');
  } finally {
    for (const code of lenders) platform.lenders?.behave(code, 'approve');
  }
});
