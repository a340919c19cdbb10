import { buildFederatedSchema } from '../../platform/subgraph';
import { ApplicationResolver, CustomerApplicationsResolver, references } from './resolvers/application';

export const applicationsSchema = () =>
  buildFederatedSchema({ resolvers: [ApplicationResolver, CustomerApplicationsResolver], references });
