import { afterCommitOf } from '../../platform/db';
import type { SubgraphDefinition } from '../../platform/subgraph';
import { Worker } from '../../platform/worker';
import { Risk1732500000500 } from './migrations/1732500000500-risk';
import { ApplicationTermsRow, AssessmentRow, CustomerPanRow, PolicyRow } from './model/risk';
import { riskSchema } from './schema';
import {
  ASSESSMENTS,
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
  // The assessor: woken when a transaction queues an assessment, and polling for leftovers.
  worker: (ds) => {
    const worker = new Worker('risk-assessor', () => assessNext(ds), 500);
    afterCommitOf(ds, ASSESSMENTS, () => worker.nudge());
    return worker;
  },
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(risk));
}
