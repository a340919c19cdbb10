import { lazyDocumentStore } from '../../platform/docstore';
import type { SubgraphDefinition } from '../../platform/subgraph';
import { documentRoutes } from './http';
import { Documents1732500000300 } from './migrations/1732500000300-documents';
import { DocumentDeletion1733300000300 } from './migrations/1733300000300-document-deletion';
import { ApplicationRefRow, DocumentRow } from './model/document';
import { documentsSchema } from './schema';
import { onApplicationTerms } from './service';

export const documents: SubgraphDefinition = {
  name: 'documents',
  dbSchema: 'documents',
  entities: [DocumentRow, ApplicationRefRow],
  migrations: [Documents1732500000300, DocumentDeletion1733300000300],
  schema: documentsSchema,
  consumes: () => ({
    'application.created': (event, m) => onApplicationTerms(m, event),
    'application.updated': (event, m) => onApplicationTerms(m, event),
  }),
  // The file store is opened on first use (and again after a failure), so the subgraph starts and serves
  // everything else while the store is away.
  http: async (ds) => {
    const store = lazyDocumentStore();
    return { prefix: '/documents', handle: documentRoutes(ds, store.get), close: store.close };
  },
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(documents));
}
