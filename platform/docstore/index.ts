import { config } from '../config';
import { databaseUrl } from '../db';
import { MongoDocumentStore } from './mongo';
import type { DocumentStore } from './port';
import { PostgresDocumentStore } from './postgres';

export * from './port';
export { MongoDocumentStore, PostgresDocumentStore };

/**
 * A store opened on first use and closed with the subgraph that uses it. A failed opening is not kept:
 * the next use tries again (the store may have been away for a moment), like the PostgreSQL pool.
 */
export function lazyDocumentStore() {
  let store: Promise<DocumentStore> | undefined;
  return {
    get: () => {
      store ??= openDocumentStore().catch((err) => {
        store = undefined;
        throw err;
      });
      return store;
    },
    async close() {
      const s = store;
      store = undefined;
      await (await s)?.close();
    },
  };
}

/** MongoDB when MONGODB_URL is set, otherwise PostgreSQL behind the same port (the embedded mode). */
export async function openDocumentStore(): Promise<DocumentStore> {
  const c = config();
  if (c.MONGODB_URL) return MongoDocumentStore.connect(c.MONGODB_URL, c.MONGODB_DB);
  return PostgresDocumentStore.connect(databaseUrl());
}
