import { buildFederatedSchema } from '../../platform/subgraph';
import { ApplicationRiskResolver, RiskResolver, references } from './resolvers/risk';
import { ApplicationRisk } from './resolvers/types';

// Application is reached only through the federation key, so it is named here or it would be pruned.
export const riskSchema = () =>
  buildFederatedSchema({
    resolvers: [RiskResolver, ApplicationRiskResolver],
    orphanedTypes: [ApplicationRisk],
    references,
  });
