import { buildFederatedSchema } from '../../platform/subgraph';
import { AgreementResolver, ApplicationAgreementResolver, references } from './resolvers/agreement';
import { ApplicationLoanResolver, LoanResolver, loanReferences } from './resolvers/loan';
import { ApplicationAgreement } from './resolvers/types';

// Application is reached only through the federation key, so it is named here or it would be pruned.
export const loansSchema = () =>
  buildFederatedSchema({
    resolvers: [AgreementResolver, ApplicationAgreementResolver, LoanResolver, ApplicationLoanResolver],
    orphanedTypes: [ApplicationAgreement],
    references: { ...references, ...loanReferences },
  });
