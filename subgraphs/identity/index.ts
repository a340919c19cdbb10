import type { SubgraphDefinition } from '../../platform/subgraph';
import { Identity1732500000100 } from './migrations/1732500000100-identity';
import { CustomerRow } from './model/customer';
import { RefreshTokenRow } from './model/refresh-token';
import { UserRow } from './model/user';
import { identitySchema } from './schema';

export const identity: SubgraphDefinition = {
  name: 'identity',
  dbSchema: 'identity',
  entities: [UserRow, CustomerRow, RefreshTokenRow],
  migrations: [Identity1732500000100],
  schema: identitySchema,
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(identity));
}
