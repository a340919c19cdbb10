import { afterCommitOf } from '../../platform/db';
import type { SubgraphDefinition } from '../../platform/subgraph';
import { Worker } from '../../platform/worker';
import { Risk1732500000500 } from './migrations/1732500000500-risk';
import { ApplicationTermsRow, AssessmentRow, CustomerPanRow, PolicyRow } from './model/risk';
import { riskSchema } from './schema';
import {
  ASSESSMENTS,
  ASSESSOR_LANES,
  assessNext,
  onApplicationSubmitted,
  onKycApproved,
  onKycDataSubmitted,
} from './service';

export const risk: SubgraphDefinition = {
  name: 'risk',
  dbSchema: 'risk',
  entities: [AssessmentRow, PolicyRow, ApplicationTermsRow, CustomerPanRow],
  migrations: [Risk1732500000500],
  schema: riskSchema,
  consumes: () => ({
    'application.submitted': (event, m) => onApplicationSubmitted(m, event),
    'customer.kyc.submitted': (event, m) => onKycDataSubmitted(m, event),
    'kyc.approved': (event, m) => onKycApproved(m, event),
  }),
  // The assessor: lanes that each take one due assessment at a time (SKIP LOCKED keeps them apart), woken
  // when a transaction queues one and polling for leftovers. Lanes, not batches: a slow bureau answer
  // holds up only its own lane.
  worker: (ds) => {
    const lanes = Array.from(
      { length: ASSESSOR_LANES },
      (_, i) => new Worker(`risk-assessor-${i}`, () => assessNext(ds), 500),
    );
    // One idle lane is enough for the assessment just queued; waking all would cost each a claim query.
    // When every lane is busy, each is told to look again once it is done, so nothing waits for a poll.
    afterCommitOf(ds, ASSESSMENTS, () => {
      const idle = lanes.find((lane) => !lane.busy);
      if (idle) idle.nudge();
      else for (const lane of lanes) lane.nudge();
    });
    return {
      start: () => {
        for (const lane of lanes) lane.start();
      },
      stop: async () => {
        await Promise.all(lanes.map((lane) => lane.stop()));
      },
    };
  },
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(risk));
}
