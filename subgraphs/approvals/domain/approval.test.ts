import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Role } from '../../../platform/roles';
import { errorCode } from '../../../test/helpers/errors';
import { decideLevel, type LevelState, planLevels, ApprovalStatus as S } from './approval';

const THRESHOLD = 250_000_000n;
const state = (amount: bigint): LevelState[] =>
  planLevels(amount, THRESHOLD).map((l) => ({
    level: l.level,
    role: l.role,
    status: l.status,
    decidedBy: null,
  }));
const internal = { userId: 'u1', roles: [Role.INTERNAL_APPROVER] };
const manager = { userId: 'u2', roles: [Role.MANAGER] };

test('large loans need three levels, small ones two (the committee is skipped, and recorded)', () => {
  assert.deepEqual(
    planLevels(THRESHOLD, THRESHOLD).map((l) => l.status),
    [S.PENDING, S.WAITING, S.WAITING],
  );
  const small = planLevels(THRESHOLD - 1n, THRESHOLD);
  assert.deepEqual(
    small.map((l) => l.status),
    [S.PENDING, S.WAITING, S.SKIPPED],
  );
  assert.match(small[2]?.skipReason ?? '', /threshold/);
});

test('levels go strictly in order, each by its own role', () => {
  const levels = state(THRESHOLD);
  assert.equal(
    errorCode(() => decideLevel(levels, 2, manager, true)),
    'FAILED_PRECONDITION',
  );
  assert.equal(
    errorCode(() => decideLevel(levels, 1, manager, true)),
    'FORBIDDEN',
  );
  assert.equal(
    errorCode(() => decideLevel(levels, 4, internal, true)),
    'BAD_USER_INPUT',
  );
  assert.deepEqual(decideLevel(levels, 1, internal, true), { kind: 'passed', level: 1, next: 2 });
});

test('four eyes: whoever decided one level cannot decide another, whatever roles they hold', () => {
  const both = { userId: 'u9', roles: [Role.INTERNAL_APPROVER, Role.MANAGER] };
  const levels: LevelState[] = [
    { level: 1, role: Role.INTERNAL_APPROVER, status: S.APPROVED, decidedBy: 'u9' },
    { level: 2, role: Role.MANAGER, status: S.PENDING, decidedBy: null },
    { level: 3, role: Role.CREDIT_HEAD, status: S.WAITING, decidedBy: null },
  ];
  assert.equal(
    errorCode(() => decideLevel(levels, 2, both, true)),
    'FORBIDDEN',
  );
  assert.deepEqual(decideLevel(levels, 2, manager, true), { kind: 'passed', level: 2, next: 3 });
});

test('the last needed level gives the final approval; any rejection ends the flow', () => {
  const small: LevelState[] = [
    { level: 1, role: Role.INTERNAL_APPROVER, status: S.APPROVED, decidedBy: 'u1' },
    { level: 2, role: Role.MANAGER, status: S.PENDING, decidedBy: null },
    { level: 3, role: Role.CREDIT_HEAD, status: S.SKIPPED, decidedBy: null },
  ];
  assert.deepEqual(decideLevel(small, 2, manager, true), { kind: 'approved', level: 2 });
  assert.deepEqual(decideLevel(small, 2, manager, false), { kind: 'rejected', level: 2 });
  assert.equal(
    errorCode(() => decideLevel(small, 3, { userId: 'u3', roles: [Role.CREDIT_HEAD] }, true)),
    'FAILED_PRECONDITION',
  );
  const closed = small.map((l) => ({ ...l, status: l.status === S.PENDING ? S.REJECTED : l.status }));
  assert.equal(
    errorCode(() => decideLevel(closed, 2, manager, true)),
    'ILLEGAL_TRANSITION',
  );
});
