import { buildFederatedSchema } from '../../platform/subgraph';
import { AuthResolver } from './resolvers/auth';
import { CustomerResolver, references, UserResolver } from './resolvers/customer';

export const identitySchema = () =>
  buildFederatedSchema({ resolvers: [AuthResolver, CustomerResolver, UserResolver], references });
