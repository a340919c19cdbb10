import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { staffUser } from './helpers/flows';
import {
  applicationInApproval,
  type Desk,
  reaches,
  staffDesk,
  timelineOf,
  type User,
} from './helpers/lifecycle';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let desk: Desk;
let internal: User;
let manager: User;
let creditHead: User;
/** Holds two approver roles: four eyes must still stop them deciding two levels. */
let both: User;

const LARGE = '300000000'; // ₹30 lakh: above the committee threshold (₹25 lakh by default)
const SMALL = '40000000';

before(async () => {
  platform = await startTestPlatform();
  desk = await staffDesk(platform.gql);
  internal = await staffUser(platform.gql, 'INTERNAL_APPROVER');
  manager = await staffUser(platform.gql, 'MANAGER');
  creditHead = await staffUser(platform.gql, 'CREDIT_HEAD');
  both = await staffUser(platform.gql, ['INTERNAL_APPROVER', 'MANAGER']);
});
after(async () => {
  await platform?.stop();
});

const DECIDE = `mutation($a: ID!, $l: Int!, $ok: Boolean!, $c: String!) { decideApproval(applicationId: $a, level: $l, approve: $ok, comment: $c) { level status decidedBy } }`;
const decide = (a: string, level: number, approve: boolean, who: User, comment = `level ${level} reviewed`) =>
  platform.gql(DECIDE, { a, l: level, ok: approve, c: comment }, who.token);
const levels = async (id: string, token: string) =>
  (
    await platform.gql(
      `query($id: ID!) { application(id: $id) { approvals { level role status comment } } }`,
      { id },
      token,
    )
  ).data?.application.approvals as { level: number; role: string; status: string; comment: string | null }[];
/** The flow opens on the Kafka event; wait for it. */
const opened = (id: string) => eventually(async () => (await levels(id, internal.token))?.length === 3);

test('a large loan needs all three levels, in order, by three different people → AGREEMENT', async () => {
  const c = await applicationInApproval(platform.gql, desk, LARGE);
  await opened(c.applicationId);
  assert.deepEqual(
    (await levels(c.applicationId, internal.token)).map((l) => [l.role, l.status]),
    [
      ['INTERNAL_APPROVER', 'PENDING'],
      ['MANAGER', 'WAITING'],
      ['CREDIT_HEAD', 'WAITING'],
    ],
  );
  const waiting = await platform.gql(
    `{ approvalsWaitingForMe(page: { first: 100 }) { nodes { applicationId level } } }`,
    {},
    internal.token,
  );
  assert.ok(
    waiting.data?.approvalsWaitingForMe.nodes.some(
      (n: { applicationId: string; level: number }) => n.applicationId === c.applicationId && n.level === 1,
    ),
  );
  assert.equal(firstError(await decide(c.applicationId, 2, true, manager)), 'FAILED_PRECONDITION');
  assert.equal(firstError(await decide(c.applicationId, 1, true, manager)), 'FORBIDDEN');
  assert.equal(firstError(await decide(c.applicationId, 1, true, internal, '')), 'BAD_USER_INPUT');
  assert.equal(firstError(await decide(c.applicationId, 1, true, c)), 'FORBIDDEN');

  assert.equal((await decide(c.applicationId, 1, true, both)).data?.decideApproval.status, 'APPROVED');
  const again = await decide(c.applicationId, 2, true, both);
  assert.equal(firstError(again), 'FORBIDDEN', 'four eyes: level 1 was theirs');
  assert.match(again.errors?.[0]?.message ?? '', /four eyes/);
  assert.equal((await decide(c.applicationId, 2, true, manager)).data?.decideApproval.status, 'APPROVED');
  assert.equal((await decide(c.applicationId, 3, true, creditHead)).data?.decideApproval.status, 'APPROVED');
  assert.equal(firstError(await decide(c.applicationId, 3, true, creditHead)), 'ILLEGAL_TRANSITION');

  await reaches(platform.gql, c.applicationId, c.token, 'AGREEMENT');
  const t = await timelineOf(platform.gql, c.applicationId, c.token);
  for (const a of ['APPROVAL_INTERNAL_PASSED', 'APPROVAL_MANAGEMENT_PASSED', 'APPROVAL_APPROVED'])
    assert.ok(
      t.some((e) => e.action === a),
      a,
    );
  // The customer sees where each level stands, not the approvers' comments.
  assert.deepEqual(
    (await levels(c.applicationId, c.token)).map((l) => [l.status, l.comment]),
    [
      ['APPROVED', null],
      ['APPROVED', null],
      ['APPROVED', null],
    ],
  );
});

test('below the committee threshold two levels sanction the loan; the skipped level is recorded', async () => {
  const c = await applicationInApproval(platform.gql, desk, SMALL);
  await opened(c.applicationId);
  const plan = await levels(c.applicationId, manager.token);
  assert.equal(plan[2]?.status, 'SKIPPED');
  assert.match(plan[2]?.comment ?? '', /threshold/);
  await decide(c.applicationId, 1, true, internal);
  assert.equal(firstError(await decide(c.applicationId, 3, true, creditHead)), 'FAILED_PRECONDITION');
  await decide(c.applicationId, 2, true, manager);
  await reaches(platform.gql, c.applicationId, c.token, 'AGREEMENT');
});

for (const level of [1, 2, 3]) {
  test(`a rejection at level ${level} ends the flow: REJECTED, later levels cancelled, reason on the timeline`, async () => {
    const c = await applicationInApproval(platform.gql, desk, LARGE);
    await opened(c.applicationId);
    const people = [internal, manager, creditHead];
    for (let l = 1; l < level; l++) await decide(c.applicationId, l, true, people[l - 1] as User);
    const r = await decide(
      c.applicationId,
      level,
      false,
      people[level - 1] as User,
      `declined at level ${level}`,
    );
    assert.equal(r.data?.decideApproval.status, 'REJECTED', JSON.stringify(r.errors));
    await reaches(platform.gql, c.applicationId, c.token, 'REJECTED');
    const after = await levels(c.applicationId, manager.token);
    assert.ok(after.filter((l) => l.level > level).every((l) => l.status === 'CANCELLED'));
    const t = await timelineOf(platform.gql, c.applicationId, c.token);
    assert.ok(t.some((e) => e.action === 'APPROVAL_REJECTED' && e.reason === `declined at level ${level}`));
  });
}
