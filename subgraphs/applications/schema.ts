import { buildFederatedSchema } from '../../platform/subgraph';
import {
  ApplicationResolver,
  CustomerApplicationsResolver,
  DashboardResolver,
  references,
} from './resolvers/application';

export const applicationsSchema = () =>
  buildFederatedSchema({
    resolvers: [ApplicationResolver, CustomerApplicationsResolver, DashboardResolver],
    references,
  });
