import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newEvent, recordEvent } from '../platform/events';
import { staffUser, submittedApplication } from './helpers/flows';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let officer: { id: string; token: string };
let otherOfficer: { id: string; token: string };
let manager: { id: string; token: string };

before(async () => {
  platform = await startTestPlatform();
  officer = await staffUser(platform.gql, 'KYC_OFFICER');
  otherOfficer = await staffUser(platform.gql, 'KYC_OFFICER');
  manager = await staffUser(platform.gql, 'KYC_MANAGER');
});
after(async () => {
  await platform?.stop();
});

const QUEUE = `query { kycQueue(page: { first: 100 }) { totalCount nodes { id status openedAt application { id } } } }`;
const ASSIGN = `mutation($r: ID!, $o: ID!) { assignKyc(reviewId: $r, officerId: $o) { status assignedTo } }`;
const VERIFY = `mutation($r: ID!, $c: KycChecklistInput!) { verifyKyc(reviewId: $r, checklist: $c) { status checklist { sanctionsClear projectFeasible } } }`;
const DECIDE = `mutation($r: ID!, $a: Boolean!, $why: String!) { decideKyc(reviewId: $r, approve: $a, reason: $why) { status decisionReason } }`;
const ALL_GOOD = {
  identityMatchesPan: true,
  addressProofOk: true,
  documentsValidated: true,
  projectFeasible: true,
};

/** The review the submitted application opened, once its event has reached KYC. */
async function reviewFor(applicationId: string) {
  return eventually(async () => {
    const q = await platform.gql(QUEUE, {}, manager.token);
    return q.data?.kycQueue.nodes.find(
      (n: { application: { id: string } }) => n.application.id === applicationId,
    );
  });
}

const statusOf = async (id: string, token: string) =>
  (await platform.gql(`query($id: ID!) { application(id: $id) { status } }`, { id }, token)).data?.application
    .status;

const timeline = async (id: string, token: string) =>
  (
    await platform.gql(
      `query($id: ID!) { application(id: $id) { timeline { action reason } } }`,
      { id },
      token,
    )
  ).data?.application.timeline as { action: string; reason: string | null }[];

test('the KYC queue through the gateway: assign, verify, approve → the application moves to RISK_REVIEW', async () => {
  const c = await submittedApplication(platform.gql);
  const review = await reviewFor(c.applicationId);
  assert.equal(review.status, 'OPEN');

  assert.equal(
    firstError(await platform.gql(ASSIGN, { r: review.id, o: officer.id }, officer.token)),
    'FORBIDDEN',
  );
  const assigned = await platform.gql(ASSIGN, { r: review.id, o: officer.id }, manager.token);
  assert.deepEqual(assigned.data?.assignKyc, { status: 'ASSIGNED', assignedTo: officer.id });
  await eventually(async () => (await statusOf(c.applicationId, c.token)) === 'KYC_REVIEW');

  assert.equal(
    firstError(await platform.gql(VERIFY, { r: review.id, c: ALL_GOOD }, otherOfficer.token)),
    'FORBIDDEN',
  );
  assert.equal(
    firstError(await platform.gql(VERIFY, { r: review.id, c: ALL_GOOD }, manager.token)),
    'FORBIDDEN',
  );
  const verified = await platform.gql(VERIFY, { r: review.id, c: ALL_GOOD }, officer.token);
  assert.deepEqual(verified.data?.verifyKyc, {
    status: 'VERIFIED',
    checklist: { sanctionsClear: true, projectFeasible: true },
  });

  assert.equal(
    firstError(await platform.gql(DECIDE, { r: review.id, a: true, why: 'ok' }, officer.token)),
    'FORBIDDEN',
  );
  assert.equal(
    firstError(await platform.gql(DECIDE, { r: review.id, a: true, why: '' }, manager.token)),
    'BAD_USER_INPUT',
  );
  const approved = await platform.gql(
    DECIDE,
    { r: review.id, a: true, why: 'all checks passed' },
    manager.token,
  );
  assert.equal(approved.data?.decideKyc.status, 'APPROVED');
  assert.equal(
    firstError(await platform.gql(DECIDE, { r: review.id, a: false, why: 'changed my mind' }, manager.token)),
    'ILLEGAL_TRANSITION',
  );

  await eventually(async () => (await statusOf(c.applicationId, c.token)) === 'RISK_REVIEW');
  const entries = await timeline(c.applicationId, c.token);
  assert.ok(entries.some((t) => t.action === 'KYC_STARTED'));
  assert.ok(entries.some((t) => t.action === 'KYC_APPROVED' && t.reason === 'all checks passed'));
  const [projectEvent] = await platform
    .db('kyc')
    .query(`SELECT 1 FROM outbox WHERE type = 'project.validated' AND subject = $1`, [review.id]);
  assert.ok(projectEvent, 'project.validated was published');

  // The applicant sees the outcome of their own review across subgraphs.
  const mine = await platform.gql(
    `query($id: ID!) { application(id: $id) { kycReview { status decisionReason customer { fullName } } } }`,
    { id: c.applicationId },
    c.token,
  );
  assert.deepEqual(mine.data?.application.kycReview, {
    status: 'APPROVED',
    decisionReason: 'all checks passed',
    customer: { fullName: 'Asha Rao' },
  });
});

test('a watchlist match blocks approval; the rejection moves the application to REJECTED with its reason', async () => {
  const c = await submittedApplication(platform.gql, 'Viktor  Bout-Sanction');
  const ADD = `mutation($n: String!) { addWatchlistEntry(name: $n, list: SANCTIONS) }`;
  assert.equal(
    firstError(await platform.gql(ADD, { n: 'Viktor Bout Sanction' }, officer.token)),
    'FORBIDDEN',
  );
  assert.equal(
    (await platform.gql(ADD, { n: 'viktor bout sanction' }, manager.token)).data?.addWatchlistEntry,
    true,
  );

  const review = await reviewFor(c.applicationId);
  await platform.gql(ASSIGN, { r: review.id, o: officer.id }, manager.token);
  const verified = await eventually(async () => {
    const r = await platform.gql(VERIFY, { r: review.id, c: ALL_GOOD }, officer.token);
    return r.data ? r : undefined;
  });
  assert.equal(
    verified.data?.verifyKyc.checklist.sanctionsClear,
    false,
    'the normalized name matched the list',
  );

  const approve = await platform.gql(DECIDE, { r: review.id, a: true, why: 'looks fine' }, manager.token);
  assert.equal(firstError(approve), 'FAILED_PRECONDITION');
  assert.match(approve.errors?.[0]?.message ?? '', /sanctions\/PEP watchlist match/);
  const rejected = await platform.gql(
    DECIDE,
    { r: review.id, a: false, why: 'sanctions match' },
    manager.token,
  );
  assert.equal(rejected.data?.decideKyc.status, 'REJECTED');

  await eventually(async () => (await statusOf(c.applicationId, c.token)) === 'REJECTED');
  assert.ok(
    (await timeline(c.applicationId, c.token)).some(
      (t) => t.action === 'KYC_REJECTED' && t.reason === 'sanctions match',
    ),
  );
});

test('customers see only their own review; the queue is for KYC staff, oldest first', async () => {
  const first = await submittedApplication(platform.gql);
  const second = await submittedApplication(platform.gql, 'Ravi Kumar');
  const r1 = await reviewFor(first.applicationId);
  const r2 = await reviewFor(second.applicationId);
  const byId = `query($id: ID!) { kycReview(id: $id) { status } }`;
  assert.equal((await platform.gql(byId, { id: r1.id }, first.token)).data?.kycReview.status, 'OPEN');
  assert.equal(firstError(await platform.gql(byId, { id: r1.id }, second.token)), 'NOT_FOUND');
  assert.equal(firstError(await platform.gql(QUEUE, {}, first.token)), 'FORBIDDEN');

  const q = await platform.gql(QUEUE, {}, officer.token);
  const ids = q.data?.kycQueue.nodes.map((n: { id: string }) => n.id);
  assert.ok(ids.indexOf(r1.id) < ids.indexOf(r2.id), 'older submissions come first');
  const openedAt = q.data?.kycQueue.nodes.map((n: { openedAt: string }) => Date.parse(n.openedAt));
  assert.deepEqual(
    openedAt,
    [...openedAt].sort((a: number, b: number) => a - b),
  );
});

test('withdrawal closes the KYC review; a decision that raced it is noted on the timeline, not applied', async () => {
  const c = await submittedApplication(platform.gql);
  const review = await reviewFor(c.applicationId);
  await platform.gql(ASSIGN, { r: review.id, o: officer.id }, manager.token);
  await eventually(async () => (await statusOf(c.applicationId, c.token)) === 'KYC_REVIEW');
  const w = await platform.gql(
    `mutation($id: ID!) { withdrawApplication(id: $id, reason: "found cheaper") { status } }`,
    { id: c.applicationId },
    c.token,
  );
  assert.equal(w.data?.withdrawApplication.status, 'WITHDRAWN');

  // The review leaves the queue and nobody can act on it any more.
  const byId = `query($id: ID!) { kycReview(id: $id) { status decisionReason } }`;
  const closed = await eventually(async () => {
    const r = (await platform.gql(byId, { id: review.id }, manager.token)).data?.kycReview;
    return r?.status === 'WITHDRAWN' ? r : undefined;
  });
  assert.equal(closed.decisionReason, 'application withdrawn by the customer');
  assert.equal(
    firstError(await platform.gql(VERIFY, { r: review.id, c: ALL_GOOD }, officer.token)),
    'ILLEGAL_TRANSITION',
  );
  const q = await platform.gql(QUEUE, {}, manager.token);
  assert.ok(!q.data?.kycQueue.nodes.some((n: { id: string }) => n.id === review.id));

  // A decision committed by KYC just before the withdrawal reached it: applications must not apply it.
  await platform.db('kyc').transaction((m) =>
    recordEvent(
      m,
      newEvent({
        type: 'kyc.approved',
        source: '/loanflow/kyc',
        subject: review.id,
        partitionKey: c.applicationId,
        actorId: manager.id,
        data: {
          reviewId: review.id,
          applicationId: c.applicationId,
          customerId: c.id,
          reason: 'decided in the race',
        },
      }),
    ),
  );
  const entries = await eventually(async () => {
    const t = await timeline(c.applicationId, c.token);
    return t.some((e) => e.action === 'KYC_APPROVED_NOT_APPLIED') ? t : undefined;
  });
  assert.equal(await statusOf(c.applicationId, c.token), 'WITHDRAWN');
  assert.match(entries.find((e) => e.action === 'KYC_APPROVED_NOT_APPLIED')?.reason ?? '', /WITHDRAWN/);
});
