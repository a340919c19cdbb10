import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCode } from '../../../test/helpers/errors';
import { checkOtp, OTP_MAX_ATTEMPTS, otpHash, AgreementStatus as S } from './esign';

const now = new Date('2026-11-25T10:00:00Z');
const sent = (attempts = 0) => ({
  status: S.ESIGN_PENDING,
  otpHash: otpHash('k'.repeat(16), 'a1', '123456'),
  otpExpiresAt: new Date(now.getTime() + 60_000),
  otpAttempts: attempts,
});

test('the right code within its time signs; a wrong one counts', () => {
  const key = 'k'.repeat(16);
  assert.deepEqual(checkOtp(sent(), '123456', otpHash(key, 'a1', '123456'), now), { ok: true });
  const wrong = checkOtp(sent(), '654321', otpHash(key, 'a1', '654321'), now);
  assert.deepEqual(wrong, { ok: false, attempts: 1, locked: false, reason: 'wrong code; 4 tries left' });
});

test('the fifth wrong code locks e-sign; a locked, expired or unsent code is refused', () => {
  const key = 'k'.repeat(16);
  const fifth = checkOtp(sent(OTP_MAX_ATTEMPTS - 1), '000000', otpHash(key, 'a1', '000000'), now);
  assert.equal(fifth.ok, false);
  assert.equal(!fifth.ok && fifth.locked, true);
  const right = otpHash(key, 'a1', '123456');
  assert.equal(
    errorCode(() => checkOtp({ ...sent(), status: S.ESIGN_LOCKED }, '123456', right, now)),
    'FAILED_PRECONDITION',
  );
  assert.equal(
    errorCode(() => checkOtp({ ...sent(), otpExpiresAt: now }, '123456', right, now)),
    'FAILED_PRECONDITION',
  );
  assert.equal(
    errorCode(() => checkOtp({ ...sent(), status: S.GENERATED }, '123456', right, now)),
    'FAILED_PRECONDITION',
  );
});

test('an OTP hash is bound to its agreement', () => {
  assert.notEqual(otpHash('k'.repeat(16), 'a1', '123456'), otpHash('k'.repeat(16), 'a2', '123456'));
});
