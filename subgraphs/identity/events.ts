import { newEvent } from '../../platform/events';

const source = '/loanflow/identity';

/** Published by identity. Event data carries ids and states only, never PII. */
export const identityEvents = {
  customerRegistered: (customerId: string) =>
    newEvent({
      type: 'customer.registered',
      source,
      subject: customerId,
      actorId: customerId,
      data: { customerId },
    }),
  kycSubmitted: (customerId: string, submittedAt: Date, keyId: string) =>
    newEvent({
      type: 'customer.kyc.submitted',
      source,
      subject: customerId,
      actorId: customerId,
      data: { customerId, submittedAt: submittedAt.toISOString(), piiKeyId: keyId },
    }),
  profileUpdated: (customerId: string, fields: string[]) =>
    newEvent({
      type: 'customer.profile.updated',
      source,
      subject: customerId,
      actorId: customerId,
      data: { customerId, fields },
    }),
};
