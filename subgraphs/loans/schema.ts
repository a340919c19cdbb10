import { buildFederatedSchema } from '../../platform/subgraph';
import { AgreementResolver, ApplicationAgreementResolver, references } from './resolvers/agreement';
import { ApplicationAgreement } from './resolvers/types';

// Application is reached only through the federation key, so it is named here or it would be pruned.
export const loansSchema = () =>
  buildFederatedSchema({
    resolvers: [AgreementResolver, ApplicationAgreementResolver],
    orphanedTypes: [ApplicationAgreement],
    references,
  });
