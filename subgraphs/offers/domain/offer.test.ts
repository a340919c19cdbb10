import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCode } from '../../../test/helpers/errors';
import { offerTransition, OfferStatus as S } from './offer';

const now = new Date('2026-11-25T10:00:00Z');
const later = new Date('2026-12-01T00:00:00Z');

test('an open offer can be accepted, countered, declined, superseded or expire', () => {
  const open = { status: S.OPEN, validUntil: later };
  assert.equal(offerTransition(open, 'accept', now), S.ACCEPTED);
  assert.equal(offerTransition(open, 'counter', now), S.COUNTERED);
  assert.equal(offerTransition(open, 'decline', now), S.DECLINED);
  assert.equal(offerTransition(open, 'supersede', now), S.SUPERSEDED);
  assert.equal(offerTransition(open, 'expire', now), S.EXPIRED);
});

test('accepted, declined, expired and superseded offers never change', () => {
  for (const status of [S.ACCEPTED, S.DECLINED, S.EXPIRED, S.SUPERSEDED]) {
    for (const action of ['accept', 'counter', 'decline', 'expire'] as const) {
      assert.equal(
        errorCode(() => offerTransition({ status, validUntil: later }, action, now)),
        'ILLEGAL_TRANSITION',
      );
    }
  }
});

test('past its validity an offer can be neither accepted nor countered, only declined or expired', () => {
  const stale = { status: S.OPEN, validUntil: now };
  assert.equal(
    errorCode(() => offerTransition(stale, 'accept', now)),
    'FAILED_PRECONDITION',
  );
  assert.equal(
    errorCode(() => offerTransition(stale, 'counter', now)),
    'FAILED_PRECONDITION',
  );
  assert.equal(offerTransition(stale, 'decline', now), S.DECLINED);
  assert.equal(offerTransition(stale, 'expire', now), S.EXPIRED);
});

test('a countered offer waits for the officer; the customer may still walk away', () => {
  const countered = { status: S.COUNTERED, validUntil: later };
  assert.equal(
    errorCode(() => offerTransition(countered, 'accept', now)),
    'ILLEGAL_TRANSITION',
  );
  assert.equal(offerTransition(countered, 'decline', now), S.DECLINED);
});
