import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppError } from '../../../platform/errors';
import { parseDraft } from './application';
import { ApplicationStatus as S, TERMINAL, TRANSITIONS, type Trigger, transition } from './state-machine';

test('the happy path runs DRAFT → … → CLOSED', () => {
  const path: [Trigger, S][] = [
    ['submit', S.SUBMITTED],
    ['kyc.started', S.KYC_REVIEW],
    ['kyc.approved', S.RISK_REVIEW],
    ['risk.approved', S.OFFER],
    ['offer.accepted', S.APPROVAL],
    ['approval.approved', S.AGREEMENT],
    ['agreement.signed', S.SIGNED],
    ['loan.activated', S.ACTIVE],
    ['loan.closed', S.CLOSED],
  ];
  let status = S.DRAFT;
  for (const [trigger, expected] of path) {
    status = transition(status, trigger);
    assert.equal(status, expected, trigger);
  }
});

test('every trigger is refused from every status it does not list, with ILLEGAL_TRANSITION', () => {
  for (const [trigger, rule] of Object.entries(TRANSITIONS) as [Trigger, (typeof TRANSITIONS)[Trigger]][]) {
    for (const from of Object.values(S)) {
      if (rule.from.includes(from)) continue;
      assert.throws(
        () => transition(from, trigger),
        (e: AppError) =>
          e.code === 'ILLEGAL_TRANSITION' && e.message === `cannot ${trigger} an application that is ${from}`,
      );
    }
  }
});

test('terminal statuses have no way out', () => {
  for (const from of TERMINAL) {
    for (const rule of Object.values(TRANSITIONS)) assert.ok(!rule.from.includes(from), from);
  }
});

test('withdrawal is possible until approval starts, not after', () => {
  assert.equal(transition(S.OFFER, 'withdraw'), S.WITHDRAWN);
  assert.throws(() => transition(S.APPROVAL, 'withdraw'));
  assert.throws(() => transition(S.ACTIVE, 'withdraw'));
});

test('drafts: amounts in whole paise within limits, tenure in months', () => {
  const ok = parseDraft({
    amountMinor: 50_000_000n,
    tenureMonths: 36,
    facilityType: 'TERM_LOAN',
    purpose: 'Bakery',
  });
  assert.equal(ok.amountMinor, 50_000_000n);
  const bad = (patch: Record<string, unknown>) => () =>
    parseDraft({
      amountMinor: '50000000',
      tenureMonths: 36,
      facilityType: 'TERM_LOAN',
      purpose: 'Bakery',
      ...patch,
    });
  assert.throws(bad({ amountMinor: '-1' }), /amountMinor: must be positive/);
  assert.throws(bad({ amountMinor: '10.5' }), /amountMinor/);
  assert.throws(bad({ amountMinor: '100' }), /between/);
  assert.throws(bad({ tenureMonths: 0 }), /tenureMonths/);
  assert.throws(bad({ facilityType: 'CRYPTO' }), /facilityType/);
});

test('a signed application that no lender funds ends DISBURSEMENT_FAILED, not ACTIVE', () => {
  assert.equal(transition(S.SIGNED, 'disbursement.failed'), S.DISBURSEMENT_FAILED);
  assert.ok(TERMINAL.has(S.DISBURSEMENT_FAILED));
  assert.throws(() => transition(S.DISBURSEMENT_FAILED, 'loan.activated'));
});
