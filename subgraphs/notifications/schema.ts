import { buildFederatedSchema } from '../../platform/subgraph';
import { NotificationResolver, references } from './resolvers/notification';

export const notificationsSchema = () =>
  buildFederatedSchema({ resolvers: [NotificationResolver], references });
