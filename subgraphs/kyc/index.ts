import type { SubgraphDefinition } from '../../platform/subgraph';
import { Kyc1732500000400 } from './migrations/1732500000400-kyc';
import { CustomerRefRow, ReviewRow, WatchlistRow } from './model/review';
import { kycSchema } from './schema';
import { onApplicationSubmitted, onApplicationWithdrawn, onCustomer } from './service';

export const kyc: SubgraphDefinition = {
  name: 'kyc',
  dbSchema: 'kyc',
  entities: [ReviewRow, CustomerRefRow, WatchlistRow],
  migrations: [Kyc1732500000400],
  schema: kycSchema,
  consumes: () => ({
    'application.submitted': (event, m) => onApplicationSubmitted(m, event),
    'application.withdrawn': (event, m) => onApplicationWithdrawn(m, event),
    'customer.registered': (event, m) => onCustomer(m, event),
    'customer.profile.updated': (event, m) => onCustomer(m, event),
  }),
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(kyc));
}
