import { AppError } from '../../../platform/errors';

export enum OfferStatus {
  /** Sent, waiting for the customer; only the latest round can be open. */
  OPEN = 'OPEN',
  /** The customer asked for other terms; waiting for the officer's next round. */
  COUNTERED = 'COUNTERED',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  EXPIRED = 'EXPIRED',
  /** The officer sent a newer round before the customer answered this one. */
  SUPERSEDED = 'SUPERSEDED',
  /** The customer withdrew the application. */
  WITHDRAWN = 'WITHDRAWN',
}

/** What the customer asked for instead; amounts as digit strings (minor units). */
export interface CounterProposal {
  amountMinor?: string;
  tenureMonths?: number;
  annualRateBps?: number;
  comment?: string;
}

export type OfferAction = 'accept' | 'decline' | 'counter' | 'supersede' | 'expire' | 'withdraw';

const S = OfferStatus;
const RULES: Record<OfferAction, { from: readonly OfferStatus[]; to: OfferStatus }> = {
  accept: { from: [S.OPEN], to: S.ACCEPTED },
  counter: { from: [S.OPEN], to: S.COUNTERED },
  decline: { from: [S.OPEN, S.COUNTERED], to: S.DECLINED },
  supersede: { from: [S.OPEN], to: S.SUPERSEDED },
  expire: { from: [S.OPEN], to: S.EXPIRED },
  withdraw: { from: [S.OPEN, S.COUNTERED], to: S.WITHDRAWN },
};

/** Rounds the officer may follow with a new one: the customer's counter, or an unanswered offer. */
export const ANSWERABLE: readonly OfferStatus[] = [S.OPEN, S.COUNTERED];

/**
 * The status an offer moves to, or why it cannot: an accepted, declined, expired or superseded offer
 * never changes, and an open offer past its validity can no longer be accepted or countered.
 */
export function offerTransition(
  offer: { status: OfferStatus; validUntil: Date },
  action: OfferAction,
  now: Date,
): OfferStatus {
  const rule = RULES[action];
  if (!rule.from.includes(offer.status)) {
    throw new AppError('ILLEGAL_TRANSITION', `cannot ${action} an offer that is ${offer.status}`, {
      from: offer.status,
      allowedFrom: rule.from,
    });
  }
  if ((action === 'accept' || action === 'counter') && offer.validUntil <= now) {
    throw new AppError('FAILED_PRECONDITION', `the offer expired at ${offer.validUntil.toISOString()}`);
  }
  return rule.to;
}
