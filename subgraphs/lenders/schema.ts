import { buildFederatedSchema } from '../../platform/subgraph';
import {
  ApplicationLenders,
  ApplicationLendersResolver,
  LenderResolver,
  references,
} from './resolvers/lenders';

// Application is reached only through the federation key, so it is named here or it would be pruned.
export const lendersSchema = () =>
  buildFederatedSchema({
    resolvers: [LenderResolver, ApplicationLendersResolver],
    orphanedTypes: [ApplicationLenders],
    references,
  });
