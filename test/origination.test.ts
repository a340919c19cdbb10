import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixtures, staffUser, submittedApplication, uploadDocument } from './helpers/flows';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let officer: { id: string; token: string };
let kycManager: { id: string; token: string };
let riskOfficer: { id: string; token: string };
let riskManager: { id: string; token: string };

before(async () => {
  platform = await startTestPlatform();
  officer = await staffUser(platform.gql, 'KYC_OFFICER');
  kycManager = await staffUser(platform.gql, 'KYC_MANAGER');
  riskOfficer = await staffUser(platform.gql, 'RISK_OFFICER');
  riskManager = await staffUser(platform.gql, 'RISK_MANAGER');
});
after(async () => {
  await platform?.stop();
});

const bureau = (mode: string) =>
  fetch(`${platform.bureauUrl}/admin/mode`, { method: 'POST', body: JSON.stringify({ mode }) });

const statusOf = async (id: string) =>
  (await platform.gql(`query($id: ID!) { application(id: $id) { status } }`, { id }, kycManager.token)).data
    ?.application.status;

const timeline = async (id: string) =>
  (
    await platform.gql(
      `query($id: ID!) { application(id: $id) { timeline { action reason } } }`,
      { id },
      kycManager.token,
    )
  ).data?.application.timeline as { action: string; reason: string | null }[];

/** The KYC desk's work through the gateway: queue → assign → verify → approve. */
async function passKyc(applicationId: string) {
  const review = await eventually(async () => {
    const q = await platform.gql(
      `{ kycQueue(page: { first: 100 }) { nodes { id application { id } } } }`,
      {},
      kycManager.token,
    );
    return q.data?.kycQueue.nodes.find(
      (n: { application: { id: string } }) => n.application.id === applicationId,
    );
  });
  await platform.gql(
    `mutation($r: ID!, $o: ID!) { assignKyc(reviewId: $r, officerId: $o) { status } }`,
    { r: review.id, o: officer.id },
    kycManager.token,
  );
  const checklist = {
    identityMatchesPan: true,
    addressProofOk: true,
    documentsValidated: true,
    projectFeasible: true,
  };
  await eventually(
    async () =>
      (
        await platform.gql(
          `mutation($r: ID!, $c: KycChecklistInput!) { verifyKyc(reviewId: $r, checklist: $c) { status } }`,
          { r: review.id, c: checklist },
          officer.token,
        )
      ).data,
  );
  const d = await platform.gql(
    `mutation($r: ID!) { decideKyc(reviewId: $r, approve: true, reason: "customer and project verified") { status } }`,
    { r: review.id },
    kycManager.token,
  );
  assert.equal(d.data?.decideKyc.status, 'APPROVED');
}

const REPORT = `query($id: ID!) { riskReport(applicationId: $id) { id status score grade recommendation reasons policyVersion bureauScore foirBps manualReviewReason decision } }`;

async function assessed(applicationId: string) {
  return eventually(async () => {
    const r = await platform.gql(REPORT, { id: applicationId }, riskOfficer.token);
    const s = r.data?.riskReport.status;
    return s === 'COMPLETED' || s === 'MANUAL_REVIEW' ? r.data?.riskReport : undefined;
  }, 30_000);
}

const DECIDE = `mutation($id: ID!, $a: Boolean!, $why: String!) { decideRisk(applicationId: $id, approve: $a, reason: $why) { decision } }`;

test('SUBMITTED → RISK-APPROVED: documents, KYC queue, risk on the Kafka event, manager approval; one query over five subgraphs', async () => {
  const c = await submittedApplication(platform.gql, 'Asha Rao', { collateralValueMinor: '150000000' });
  for (const type of ['PAN_CARD', 'AADHAAR', 'BANK_STATEMENT', 'ITR']) {
    const up = await eventually(async () => {
      const r = await uploadDocument(platform.gateway.url, c.token, {
        applicationId: c.applicationId,
        type,
        bytes: fixtures.pdf(),
      });
      return r.status === 201 ? r : undefined;
    });
    await platform.gql(
      `mutation($id: ID!) { validateDocument(id: $id) { status } }`,
      { id: up.body.document.id },
      officer.token,
    );
  }
  await passKyc(c.applicationId);
  await eventually(async () => (await statusOf(c.applicationId)) === 'RISK_REVIEW');

  const report = await assessed(c.applicationId);
  assert.equal(report.status, 'COMPLETED', 'the assessment ran on kyc.approved without anyone asking');
  assert.ok(report.score >= 0 && report.score <= 1000);
  assert.match(report.grade, /^[A-E]$/);
  assert.ok(['APPROVE', 'REFER', 'DECLINE'].includes(report.recommendation));
  assert.ok(report.bureauScore >= 300 && report.bureauScore <= 900);
  assert.equal(report.policyVersion, 1);
  assert.ok(report.reasons.length >= 3);

  assert.equal(
    firstError(await platform.gql(DECIDE, { id: c.applicationId, a: true, why: 'fine' }, riskOfficer.token)),
    'FORBIDDEN',
  );
  const approved = await platform.gql(
    DECIDE,
    { id: c.applicationId, a: true, why: 'good capacity and collateral' },
    riskManager.token,
  );
  assert.equal(approved.data?.decideRisk.decision, 'APPROVED_FOR_DISCUSSION');
  await eventually(async () => (await statusOf(c.applicationId)) === 'OFFER');

  const all = await platform.gql(
    `query($id: ID!) { application(id: $id) {
        status customer { fullName kycStatus }
        documents(latestOnly: true) { type status } missingDocuments
        kycReview { status decisionReason }
        riskScore { status grade decision }
        timeline { action } } }`,
    { id: c.applicationId },
    riskManager.token,
  );
  const app = all.data?.application;
  assert.ok(app, JSON.stringify(all.errors));
  assert.equal(app.status, 'OFFER');
  assert.equal(app.customer.fullName, 'Asha Rao');
  assert.equal(app.documents.length, 4);
  assert.deepEqual(app.missingDocuments, []);
  assert.equal(app.kycReview.status, 'APPROVED');
  assert.deepEqual(
    { ...app.riskScore, grade: undefined },
    { status: 'COMPLETED', grade: undefined, decision: 'APPROVED_FOR_DISCUSSION' },
  );
  const actions = app.timeline.map((t: { action: string }) => t.action);
  for (const a of ['SUBMIT', 'KYC_STARTED', 'KYC_APPROVED', 'RISK_ASSESSED', 'RISK_APPROVED'])
    assert.ok(actions.includes(a), a);

  // The customer sees their application, but not the internal risk assessment.
  const mine = await platform.gql(
    `query($id: ID!) { application(id: $id) { status riskScore { grade } } }`,
    { id: c.applicationId },
    c.token,
  );
  assert.deepEqual(mine.data?.application, { status: 'OFFER', riskScore: null });
  assert.equal(firstError(await platform.gql(REPORT, { id: c.applicationId }, c.token)), 'FORBIDDEN');
});

test('risk declined by the manager: REJECTED, with the reason on the timeline', async () => {
  const c = await submittedApplication(platform.gql);
  await passKyc(c.applicationId);
  await assessed(c.applicationId);
  assert.equal(
    firstError(await platform.gql(DECIDE, { id: c.applicationId, a: false, why: '' }, riskManager.token)),
    'BAD_USER_INPUT',
  );
  await platform.gql(DECIDE, { id: c.applicationId, a: false, why: 'FOIR too high' }, riskManager.token);
  await eventually(async () => (await statusOf(c.applicationId)) === 'REJECTED');
  assert.ok(
    (await timeline(c.applicationId)).some(
      (t) => t.action === 'RISK_REJECTED' && t.reason === 'FOIR too high',
    ),
  );
  assert.equal(
    firstError(
      await platform.gql(DECIDE, { id: c.applicationId, a: true, why: 'second thoughts' }, riskManager.token),
    ),
    'ILLEGAL_TRANSITION',
  );
});

test('bureau down: retried, then MANUAL_REVIEW — never an approval; the application waits in RISK_REVIEW', async () => {
  const c = await submittedApplication(platform.gql);
  const before = (await (await fetch(`${platform.bureauUrl}/admin/calls`)).json()) as { calls: number };
  await bureau('fail');
  try {
    await passKyc(c.applicationId);
    const report = await assessed(c.applicationId);
    assert.equal(report.status, 'MANUAL_REVIEW');
    assert.equal(report.recommendation, null);
    assert.equal(report.decision, null);
    assert.match(report.manualReviewReason, /credit bureau unavailable: HTTP 503/);
  } finally {
    await bureau('ok');
  }
  const after = (await (await fetch(`${platform.bureauUrl}/admin/calls`)).json()) as { calls: number };
  assert.ok(after.calls - before.calls >= 3, 'the bureau was tried several times');
  const entries = await eventually(async () => {
    const t = await timeline(c.applicationId);
    return t.some((e) => e.action === 'RISK_MANUAL_REVIEW') ? t : undefined;
  });
  assert.match(entries.find((e) => e.action === 'RISK_MANUAL_REVIEW')?.reason ?? '', /bureau unavailable/);
  assert.equal(await statusOf(c.applicationId), 'RISK_REVIEW');

  // A person takes it from here: a re-assessment once the bureau is back, by a risk officer.
  const again = await platform.gql(
    `mutation($id: ID!) { assessRisk(applicationId: $id) { status } }`,
    { id: c.applicationId },
    riskOfficer.token,
  );
  assert.equal(again.data?.assessRisk.status, 'PENDING');
  assert.equal((await assessed(c.applicationId)).status, 'COMPLETED');
});

test('the policy is data: a new version by the risk manager is used by the next assessment', async () => {
  const POLICY = `{ riskPolicy { version assumedAnnualRateBps minBureauScore maxFoirBps maxLtvBps approveScore referScore grades { A B C D } } }`;
  const current = (await platform.gql(POLICY, {}, riskManager.token)).data?.riskPolicy;
  const { version: _v, ...rules } = current;
  const UPDATE = `mutation($p: RiskPolicyInput!) { updateRiskPolicy(input: $p) { version approveScore } }`;
  const stricter = { ...rules, approveScore: 990, grades: { A: 995, B: 990, C: 500, D: 350 } };
  assert.equal(firstError(await platform.gql(UPDATE, { p: stricter }, riskOfficer.token)), 'FORBIDDEN');
  assert.equal(
    firstError(await platform.gql(UPDATE, { p: { ...rules, referScore: 999 } }, riskManager.token)),
    'BAD_USER_INPUT',
  );
  const updated = await platform.gql(UPDATE, { p: stricter }, riskManager.token);
  assert.equal(updated.data?.updateRiskPolicy.approveScore, 990);

  const c = await submittedApplication(platform.gql);
  await passKyc(c.applicationId);
  const report = await assessed(c.applicationId);
  assert.equal(report.policyVersion, updated.data?.updateRiskPolicy.version);
  assert.notEqual(report.recommendation, 'APPROVE', 'nothing reaches a 990 approve threshold');
});
