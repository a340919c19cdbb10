import { buildFederatedSchema } from '../../platform/subgraph';
import { ApiKeyResolver } from './resolvers/api-key';
import { AuthResolver } from './resolvers/auth';
import { CustomerResolver, references, UserResolver } from './resolvers/customer';

export const identitySchema = () =>
  buildFederatedSchema({
    resolvers: [ApiKeyResolver, AuthResolver, CustomerResolver, UserResolver],
    references,
  });
