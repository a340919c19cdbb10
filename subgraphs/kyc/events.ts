import { newEvent } from '../../platform/events';
import type { ReviewRow } from './model/review';

const source = '/loanflow/kyc';

const base = (r: ReviewRow, actorId: string) => ({
  source,
  subject: r.id,
  partitionKey: r.applicationId,
  actorId,
});
const ids = (r: ReviewRow) => ({ reviewId: r.id, applicationId: r.applicationId, customerId: r.customerId });

/** Published by kyc, keyed by application. */
export const kycEvents = {
  started: (r: ReviewRow, actorId: string) =>
    newEvent({
      type: 'kyc.verification.started',
      ...base(r, actorId),
      data: { ...ids(r), officerId: r.assignedTo ?? '' },
    }),
  projectValidated: (r: ReviewRow, actorId: string) =>
    newEvent({ type: 'project.validated', ...base(r, actorId), data: ids(r) }),
  approved: (r: ReviewRow, actorId: string) =>
    newEvent({
      type: 'kyc.approved',
      ...base(r, actorId),
      data: { ...ids(r), reason: r.decisionReason ?? '' },
    }),
  rejected: (r: ReviewRow, actorId: string) =>
    newEvent({
      type: 'kyc.rejected',
      ...base(r, actorId),
      data: { ...ids(r), reason: r.decisionReason ?? '' },
    }),
};
