import type { SubgraphDefinition } from '../../platform/subgraph';
import { Approvals1732500000700 } from './migrations/1732500000700-approvals';
import { ApprovalRow, FlowRow } from './model/approval';
import { approvalsSchema } from './schema';
import { onOfferAccepted } from './service';

export const approvals: SubgraphDefinition = {
  name: 'approvals',
  dbSchema: 'approvals',
  entities: [FlowRow, ApprovalRow],
  migrations: [Approvals1732500000700],
  schema: approvalsSchema,
  consumes: () => ({
    'discussion.offer.accepted': (event, m) => onOfferAccepted(m, event),
  }),
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(approvals));
}
