import { newEvent } from '../../platform/events';
import type { ApprovalRow } from './model/approval';

const source = '/loanflow/approvals';
const NAMES = { 1: 'approval.internal.passed', 2: 'approval.management.passed' } as const;

const data = (a: ApprovalRow) => ({
  approvalId: a.id,
  applicationId: a.applicationId,
  customerId: a.customerId,
  level: a.level,
  comment: a.comment ?? '',
});
const base = (a: ApprovalRow) => ({
  source,
  subject: a.id,
  partitionKey: a.applicationId,
  actorId: a.decidedBy ?? undefined,
});

/** Published by approvals, keyed by application. */
export const approvalEvents = {
  passed: (a: ApprovalRow) => newEvent({ type: NAMES[a.level as 1 | 2], ...base(a), data: data(a) }),
  approved: (a: ApprovalRow) => newEvent({ type: 'approval.final.approved', ...base(a), data: data(a) }),
  rejected: (a: ApprovalRow) =>
    newEvent({ type: 'approval.rejected', ...base(a), data: { ...data(a), reason: a.comment ?? '' } }),
};
