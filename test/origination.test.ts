import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixtures, submittedApplication, uploadDocument } from './helpers/flows';
import {
  assessed as assessedBy,
  DECIDE_RISK,
  type Desk,
  passKyc as kycDesk,
  RISK_REPORT,
  staffDesk,
  statusOf as status,
  timelineOf,
} from './helpers/lifecycle';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let desk: Desk;

before(async () => {
  platform = await startTestPlatform();
  desk = await staffDesk(platform.gql);
});
after(async () => {
  await platform?.stop();
});

const bureau = (mode: string) =>
  fetch(`${platform.bureauUrl}/admin/mode`, { method: 'POST', body: JSON.stringify({ mode }) });
const statusOf = (id: string) => status(platform.gql, id, desk.kycManager.token);
const timeline = (id: string) => timelineOf(platform.gql, id, desk.kycManager.token);
const passKyc = (id: string) => kycDesk(platform.gql, desk, id);
const assessed = (id: string) => assessedBy(platform.gql, desk, id);
const REPORT = RISK_REPORT;
const DECIDE = DECIDE_RISK;

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
      desk.kycOfficer.token,
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
    firstError(
      await platform.gql(DECIDE, { id: c.applicationId, a: true, why: 'fine' }, desk.riskOfficer.token),
    ),
    'FORBIDDEN',
  );
  const approved = await platform.gql(
    DECIDE,
    { id: c.applicationId, a: true, why: 'good capacity and collateral' },
    desk.riskManager.token,
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
    desk.riskManager.token,
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
    firstError(
      await platform.gql(DECIDE, { id: c.applicationId, a: false, why: '' }, desk.riskManager.token),
    ),
    'BAD_USER_INPUT',
  );
  await platform.gql(DECIDE, { id: c.applicationId, a: false, why: 'FOIR too high' }, desk.riskManager.token);
  await eventually(async () => (await statusOf(c.applicationId)) === 'REJECTED');
  assert.ok(
    (await timeline(c.applicationId)).some(
      (t) => t.action === 'RISK_REJECTED' && t.reason === 'FOIR too high',
    ),
  );
  assert.equal(
    firstError(
      await platform.gql(
        DECIDE,
        { id: c.applicationId, a: true, why: 'second thoughts' },
        desk.riskManager.token,
      ),
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
    desk.riskOfficer.token,
  );
  assert.equal(again.data?.assessRisk.status, 'PENDING');
  assert.equal((await assessed(c.applicationId)).status, 'COMPLETED');
});

test('the policy is data: a new version by the risk manager is used by the next assessment', async () => {
  const POLICY = `{ riskPolicy { version assumedAnnualRateBps minBureauScore maxFoirBps maxLtvBps approveScore referScore grades { A B C D } } }`;
  const current = (await platform.gql(POLICY, {}, desk.riskManager.token)).data?.riskPolicy;
  const { version: _v, ...rules } = current;
  const UPDATE = `mutation($p: RiskPolicyInput!) { updateRiskPolicy(input: $p) { version approveScore } }`;
  const stricter = { ...rules, approveScore: 990, grades: { A: 995, B: 990, C: 500, D: 350 } };
  assert.equal(firstError(await platform.gql(UPDATE, { p: stricter }, desk.riskOfficer.token)), 'FORBIDDEN');
  assert.equal(
    firstError(await platform.gql(UPDATE, { p: { ...rules, referScore: 999 } }, desk.riskManager.token)),
    'BAD_USER_INPUT',
  );
  const updated = await platform.gql(UPDATE, { p: stricter }, desk.riskManager.token);
  assert.equal(updated.data?.updateRiskPolicy.approveScore, 990);

  const c = await submittedApplication(platform.gql);
  await passKyc(c.applicationId);
  const report = await assessed(c.applicationId);
  assert.equal(report.policyVersion, updated.data?.updateRiskPolicy.version);
  assert.notEqual(report.recommendation, 'APPROVE', 'nothing reaches a 990 approve threshold');
});
