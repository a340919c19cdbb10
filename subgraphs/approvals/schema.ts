import { buildFederatedSchema } from '../../platform/subgraph';
import { ApplicationApprovalsResolver, ApprovalResolver, references } from './resolvers/approval';
import { ApplicationApprovals } from './resolvers/types';

// Application is reached only through the federation key, so it is named here or it would be pruned.
export const approvalsSchema = () =>
  buildFederatedSchema({
    resolvers: [ApprovalResolver, ApplicationApprovalsResolver],
    orphanedTypes: [ApplicationApprovals],
    references,
  });
