import { newEvent } from '../../platform/events';
import type { RiskAssessmentCompleted } from '../../platform/events/event-map';
import type { AssessmentRow } from './model/risk';

const source = '/loanflow/risk';

const base = (a: AssessmentRow, actorId?: string) => ({
  source,
  subject: a.id,
  partitionKey: a.applicationId,
  ...(actorId ? { actorId } : {}),
});

/** Published by risk, keyed by application. */
export const riskEvents = {
  completed: (a: AssessmentRow, status: RiskAssessmentCompleted['status']) =>
    newEvent({
      type: 'risk.assessment.completed',
      ...base(a),
      data: {
        assessmentId: a.id,
        applicationId: a.applicationId,
        status,
        policyVersion: a.policyVersion ?? 0,
        ...(a.result
          ? {
              score: a.result.score,
              grade: a.result.grade,
              recommendation: a.result.recommendation,
              ...(a.result.bureauBand ? { bureauBand: a.result.bureauBand } : {}),
            }
          : {}),
        ...(a.manualReason ? { reason: a.manualReason } : {}),
      },
    }),
  approved: (a: AssessmentRow, actorId: string) =>
    newEvent({
      type: 'risk.approved.for.discussion',
      ...base(a, actorId),
      data: { assessmentId: a.id, applicationId: a.applicationId, reason: a.decisionReason ?? '' },
    }),
  rejected: (a: AssessmentRow, actorId: string) =>
    newEvent({
      type: 'risk.rejected',
      ...base(a, actorId),
      data: { assessmentId: a.id, applicationId: a.applicationId, reason: a.decisionReason ?? '' },
    }),
};
