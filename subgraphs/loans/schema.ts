import { buildFederatedSchema } from '../../platform/subgraph';
import { AgreementResolver, ApplicationAgreementResolver, references } from './resolvers/agreement';
import { BusinessDateResolver } from './resolvers/business-date';
import {
  ApplicationLoanResolver,
  LoanResolver,
  LoansDashboardResolver,
  loanReferences,
} from './resolvers/loan';
import { ApplicationAgreement, LoansDashboard } from './resolvers/types';

// Application is reached only through the federation key, so it is named here or it would be pruned.
export const loansSchema = () =>
  buildFederatedSchema({
    resolvers: [
      AgreementResolver,
      ApplicationAgreementResolver,
      LoanResolver,
      ApplicationLoanResolver,
      LoansDashboardResolver,
      BusinessDateResolver,
    ],
    orphanedTypes: [ApplicationAgreement, LoansDashboard],
    references: { ...references, ...loanReferences },
  });
