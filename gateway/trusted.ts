import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import type { Caller } from '../platform/auth';
import { isStaff } from '../platform/auth';
import { refuseRequest } from '../platform/errors';

export const documentHash = (query: string) => createHash('sha256').update(query).digest('hex');

/**
 * Trusted documents (TRUSTED_DOCUMENTS=true, for production): /graphql and the WebSocket run only
 * documents whose SHA-256 is registered — the gateway's own (GraphiQL's tabs and sign-in) and a manifest
 * of the clients' (TRUSTED_DOCUMENTS_FILE, `{ "<sha256>": "<document>" }`, as GraphQL Code Generator and
 * Apollo's persisted-query tooling write). A client may send the hash alone
 * (`extensions.persistedQuery.sha256Hash`). Staff may still introspect, which GraphiQL needs to load
 * the schema. The REST shim is not affected: its documents are the gateway's own, never the caller's.
 */
export class TrustedDocuments {
  private readonly byHash = new Map<string, string>();

  constructor(
    readonly enabled: boolean,
    own: readonly string[],
    manifestFile?: string,
  ) {
    for (const query of own) this.byHash.set(documentHash(query), query);
    if (manifestFile) {
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string>;
      for (const [hash, query] of Object.entries(manifest)) {
        if (documentHash(query) !== hash)
          throw new Error(`trusted documents: ${hash} is not the hash of its document`);
        this.byHash.set(hash, query);
      }
    }
  }

  /**
   * The document to run for a request body (filled in from the hash when only the hash came), or a 400
   * when the mode is on and the document is not registered.
   */
  documentFor(body: { query?: unknown; extensions?: unknown }, caller: Caller | null): string | undefined {
    const query = typeof body.query === 'string' ? body.query : undefined;
    if (!this.enabled) return query;
    const hash = (body.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
      ?.persistedQuery?.sha256Hash;
    const known =
      query === undefined ? (typeof hash === 'string' ? this.byHash.get(hash) : undefined) : undefined;
    if (known) return known;
    if (query !== undefined && this.byHash.has(documentHash(query))) return query;
    if (query !== undefined && isStaff(caller) && staffIntrospection(query)) return query;
    throw refuseRequest(
      'BAD_USER_INPUT',
      'this server runs only registered documents (trusted documents); this one is not registered',
    );
  }
}

/** A query that asks only about the schema (its operations select only `__` fields at the root). */
function staffIntrospection(query: string) {
  try {
    const doc = parse(query, { maxTokens: 5000 });
    const ops = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    return (
      ops.length > 0 &&
      ops.every(
        (op) =>
          op.operation === 'query' &&
          op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__')),
      )
    );
  } catch {
    return false;
  }
}
