import { newEvent } from '../../platform/events';
import type { CustomerProfileUpdated, UserSessionsRevoked } from '../../platform/events/event-map';
import { encryptPii, type LendingProfile, nameIndex, piiKeyId, sealLendingProfile } from '../../platform/pii';

const source = '/loanflow/identity';

/**
 * Published by identity. Event data carries ids and states, never PII: the name travels only as a keyed
 * blind index, which lets KYC screen it against a watchlist. The exceptions are the contact card that
 * agreements and notifications need and the lending profile (date of birth, state) that lenders' rules need:
 * they travel encrypted with the PII key, never readable on the wire.
 */
export const identityEvents = {
  customerRegistered: (customerId: string, fullName: string) =>
    newEvent({
      type: 'customer.registered',
      source,
      subject: customerId,
      actorId: customerId,
      data: { customerId, nameIndex: nameIndex(fullName) },
    }),
  kycSubmitted: (
    customerId: string,
    submittedAt: Date,
    keyId: string,
    panIndex: string,
    profile: LendingProfile,
  ) =>
    newEvent({
      type: 'customer.kyc.submitted',
      source,
      subject: customerId,
      actorId: customerId,
      data: {
        customerId,
        submittedAt: submittedAt.toISOString(),
        piiKeyId: keyId,
        panIndex,
        lendingProfile: sealLendingProfile(profile),
      },
    }),
  /** With the lending profile again when the address (and so perhaps the state) changed. */
  profileUpdated: (
    customerId: string,
    fields: CustomerProfileUpdated['fields'],
    fullName: string,
    profile: LendingProfile | null,
  ) =>
    newEvent({
      type: 'customer.profile.updated',
      source,
      subject: customerId,
      actorId: customerId,
      data: {
        customerId,
        fields,
        nameIndex: nameIndex(fullName),
        ...(profile ? { lendingProfile: sealLendingProfile(profile) } : {}),
      },
    }),
  contactUpdated: (c: { id: string; fullName: string; email: string; phone: string | null }) => {
    const contact = encryptPii(JSON.stringify({ name: c.fullName, email: c.email, phone: c.phone }));
    return newEvent({
      type: 'customer.contact.updated',
      source,
      subject: c.id,
      actorId: c.id,
      data: { customerId: c.id, contact, piiKeyId: piiKeyId(contact) ?? '' },
    });
  },
  apiKeyCreated: (k: { id: string; userId: string; roles: string[]; createdBy: string }) =>
    newEvent({
      type: 'apikey.created',
      source,
      subject: k.id,
      actorId: k.createdBy,
      data: { apiKeyId: k.id, userId: k.userId, roles: k.roles },
    }),
  /**
   * Every session of an account ended (disabled, signed out by an admin, password changed or reset):
   * gateways drop what they cached about the account and close its sockets at once.
   */
  sessionsRevoked: (
    userId: string,
    tokenVersion: number,
    reason: UserSessionsRevoked['reason'],
    actorId: string,
  ) =>
    newEvent({
      type: 'user.sessions.revoked',
      source,
      subject: userId,
      actorId,
      data: { userId, tokenVersion, reason },
    }),
  /** Gateways drop the key from their caches on this, so a revoked key stops working within moments. */
  apiKeyRevoked: (k: { id: string; userId: string }, revokedBy: string) =>
    newEvent({
      type: 'apikey.revoked',
      source,
      subject: k.id,
      actorId: revokedBy,
      data: { apiKeyId: k.id, userId: k.userId },
    }),
};
