import { newEvent } from '../../platform/events';
import type { LoanProduct } from '../../platform/products';
import type { OfferRow } from './model/offer';

const source = '/loanflow/offers';

const base = (o: OfferRow, actorId?: string) => ({
  source,
  subject: o.id,
  partitionKey: o.applicationId,
  ...(actorId ? { actorId } : {}),
});
const ids = (o: OfferRow) => ({
  offerId: o.id,
  applicationId: o.applicationId,
  customerId: o.customerId,
  round: o.round,
});
/** The terms and key facts: what approvals weighs and what the agreement will say. */
const terms = (o: OfferRow) => ({
  ...ids(o),
  amountMinor: o.amountMinor,
  currency: o.currency,
  annualRateBps: o.annualRateBps,
  tenureMonths: o.tenureMonths,
  processingFeeMinor: o.processingFeeMinor,
  frequency: o.frequency,
  method: o.method,
  moratoriumPeriods: o.moratoriumPeriods,
  emiMinor: o.kfs.emiMinor,
  totalInterestMinor: o.kfs.totalInterestMinor,
  totalPayableMinor: o.kfs.totalPayableMinor,
  aprBps: o.kfs.aprBps,
  validUntil: o.validUntil.toISOString(),
  productCode: o.productCode,
  productVersion: o.productVersion,
});

/** Published by offers, keyed by application. */
export const offerEvents = {
  sent: (o: OfferRow, actorId: string, product: LoanProduct) =>
    newEvent({ type: 'discussion.offer.sent', ...base(o, actorId), data: { ...terms(o), product } }),
  countered: (o: OfferRow, actorId: string) =>
    newEvent({ type: 'discussion.offer.countered', ...base(o, actorId), data: { ...ids(o), ...o.counter } }),
  /** With the product version's whole document: the loan's servicing rules and charges for life. */
  accepted: (o: OfferRow, actorId: string, product: LoanProduct) =>
    newEvent({ type: 'discussion.offer.accepted', ...base(o, actorId), data: { ...terms(o), product } }),
  declined: (o: OfferRow, actorId: string) =>
    newEvent({
      type: 'discussion.offer.declined',
      ...base(o, actorId),
      data: { ...ids(o), reason: o.responseReason ?? '' },
    }),
  expired: (o: OfferRow) =>
    newEvent({
      type: 'discussion.offer.expired',
      ...base(o),
      data: {
        ...ids(o),
        validUntil: o.validUntil.toISOString(),
        reason: 'the offer was not answered in time',
      },
    }),
};
