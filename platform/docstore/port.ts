export type Doc = { _id: string } & Record<string, unknown>;
export type Filter = Record<string, string | number | boolean | null>;

/** Ordered by `_id`; `newestFirst` reverses it and `before` starts below that id (keyset paging). */
export interface FindOptions {
  limit?: number;
  newestFirst?: boolean;
  before?: string;
}

export interface StoredFile {
  id: string;
  filename: string;
  length: number;
  metadata: Record<string, unknown>;
  content: Buffer;
}

/**
 * Documents and files (GridFS in MongoDB). Filters are equality on top-level fields, the part both
 * adapters implement the same way.
 */
export interface DocumentStore {
  readonly kind: 'mongodb' | 'postgres';
  insert(collection: string, doc: Doc): Promise<void>;
  /** Inserts unless a document with that `_id` exists: false then (idempotent writes). */
  insertIfAbsent(collection: string, doc: Doc): Promise<boolean>;
  get<T extends Doc>(collection: string, id: string): Promise<T | null>;
  find<T extends Doc>(collection: string, filter: Filter, options?: FindOptions): Promise<T[]>;
  count(collection: string, filter: Filter): Promise<number>;
  update(collection: string, id: string, patch: Record<string, unknown>): Promise<boolean>;
  delete(collection: string, id: string): Promise<boolean>;
  putFile(
    bucket: string,
    filename: string,
    content: Buffer,
    metadata: Record<string, unknown>,
  ): Promise<string>;
  getFile(bucket: string, id: string): Promise<StoredFile | null>;
  close(): Promise<void>;
}
