import { newEvent } from '../../platform/events';
import type { PaymentRow } from './model/payment';

const source = '/loanflow/payments';
const base = (p: PaymentRow, actorId: string) => ({
  source,
  subject: p.id,
  partitionKey: p.applicationId,
  actorId,
});
const data = (p: PaymentRow) => ({
  paymentId: p.id,
  loanId: p.loanId,
  applicationId: p.applicationId,
  customerId: p.customerId,
  amountMinor: p.amountMinor,
  currency: p.currency,
  method: p.method,
  purpose: p.purpose,
  receivedAt: p.receivedAt.toISOString(),
});

/** Published by payments, keyed by application. */
export const paymentEvents = {
  received: (p: PaymentRow, actorId: string) =>
    newEvent({ type: 'payment.received', ...base(p, actorId), data: data(p) }),
  verified: (p: PaymentRow, actorId: string) =>
    newEvent({ type: 'payment.verified', ...base(p, actorId), data: data(p) }),
};
