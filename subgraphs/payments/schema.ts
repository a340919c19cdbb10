import { buildFederatedSchema } from '../../platform/subgraph';
import { LoanPaymentsResolver, PaymentResolver, references } from './resolvers/payment';
import { LoanPayments } from './resolvers/types';

// Loan is reached only through the federation key, so it is named here or it would be pruned.
export const paymentsSchema = () =>
  buildFederatedSchema({
    resolvers: [PaymentResolver, LoanPaymentsResolver],
    orphanedTypes: [LoanPayments],
    references,
  });
