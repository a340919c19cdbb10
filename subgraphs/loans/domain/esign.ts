import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../platform/errors';

export enum AgreementStatus {
  /** Approved; the document is being generated. */
  PENDING = 'PENDING',
  GENERATED = 'GENERATED',
  /** An OTP was sent and is waiting to be confirmed. */
  ESIGN_PENDING = 'ESIGN_PENDING',
  /** Too many wrong OTPs: e-sign is closed, a signed copy can still be uploaded. */
  ESIGN_LOCKED = 'ESIGN_LOCKED',
  /** A signed copy was uploaded and waits for staff verification. */
  UPLOADED = 'UPLOADED',
  SIGNED = 'SIGNED',
}

export const OTP_TTL_MS = 5 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;

/** Only the keyed hash of an OTP is stored, bound to its agreement. */
export const otpHash = (secret: string, agreementId: string, otp: string) =>
  createHmac('sha256', secret).update(`${agreementId}:${otp}`).digest('hex');

export interface OtpState {
  status: AgreementStatus;
  otpHash: string | null;
  otpExpiresAt: Date | null;
  otpAttempts: number;
}

export type OtpOutcome = { ok: true } | { ok: false; attempts: number; locked: boolean; reason: string };

/**
 * Checks an OTP: it must be the one sent, within its 5 minutes; every wrong try counts (across resends),
 * and the fifth locks e-sign for good.
 */
export function checkOtp(state: OtpState, given: string, givenHash: string, now: Date): OtpOutcome {
  if (state.status === AgreementStatus.ESIGN_LOCKED) {
    throw new AppError(
      'FAILED_PRECONDITION',
      'e-sign is locked after too many wrong codes; upload a signed copy',
    );
  }
  if (state.status !== AgreementStatus.ESIGN_PENDING || !state.otpHash || !state.otpExpiresAt) {
    throw new AppError('FAILED_PRECONDITION', `no code is waiting: the agreement is ${state.status}`);
  }
  if (state.otpExpiresAt <= now) {
    throw new AppError('FAILED_PRECONDITION', 'the code expired; ask for a new one');
  }
  const matches =
    /^\d{6}$/.test(given) &&
    timingSafeEqual(Buffer.from(givenHash, 'hex'), Buffer.from(state.otpHash, 'hex'));
  if (matches) return { ok: true };
  const attempts = state.otpAttempts + 1;
  return {
    ok: false,
    attempts,
    locked: attempts >= OTP_MAX_ATTEMPTS,
    reason:
      attempts >= OTP_MAX_ATTEMPTS
        ? 'wrong code; e-sign is now locked'
        : `wrong code; ${OTP_MAX_ATTEMPTS - attempts} tries left`,
  };
}
