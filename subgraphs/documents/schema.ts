import { buildFederatedSchema } from '../../platform/subgraph';
import { ApplicationDocumentsResolver, DocumentResolver, references } from './resolvers/document';

export const documentsSchema = () =>
  buildFederatedSchema({ resolvers: [DocumentResolver, ApplicationDocumentsResolver], references });
