import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { logger } from '../log';
import type { Doc, DocumentStore, Filter, FindOptions, StoredFile } from './port';

const log = logger('docstore');

/** The embedded mode's stand-in for MongoDB: JSONB documents and BYTEA files in schema `docstore`. */
export class PostgresDocumentStore implements DocumentStore {
  readonly kind = 'postgres' as const;
  private constructor(private readonly pool: Pool) {}

  static async connect(url: string): Promise<PostgresDocumentStore> {
    const pool = new Pool({ connectionString: url, max: 5 });
    // An idle connection dropped by the server (restart, shutdown) must not crash the process.
    pool.on('error', (err) => log.warn({ err }, 'document store connection lost'));
    await pool.query(`
      CREATE SCHEMA IF NOT EXISTS docstore;
      CREATE TABLE IF NOT EXISTS docstore.documents (
        collection text NOT NULL, id text NOT NULL, body jsonb NOT NULL, PRIMARY KEY (collection, id));
      CREATE TABLE IF NOT EXISTS docstore.files (
        id uuid PRIMARY KEY, bucket text NOT NULL, filename text NOT NULL, length integer NOT NULL,
        metadata jsonb NOT NULL, content bytea NOT NULL, uploaded_at timestamptz NOT NULL DEFAULT now());`);
    return new PostgresDocumentStore(pool);
  }

  async insert(collection: string, doc: Doc) {
    await this.pool.query('INSERT INTO docstore.documents (collection, id, body) VALUES ($1, $2, $3)', [
      collection,
      doc._id,
      JSON.stringify(doc),
    ]);
  }

  async insertIfAbsent(collection: string, doc: Doc) {
    const r = await this.pool.query(
      'INSERT INTO docstore.documents (collection, id, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [collection, doc._id, JSON.stringify(doc)],
    );
    return r.rowCount === 1;
  }

  async get<T extends Doc>(collection: string, id: string) {
    const r = await this.pool.query('SELECT body FROM docstore.documents WHERE collection = $1 AND id = $2', [
      collection,
      id,
    ]);
    return (r.rows[0]?.body ?? null) as T | null;
  }

  async find<T extends Doc>(collection: string, filter: Filter, options: FindOptions = {}) {
    // COLLATE "C": byte order, as MongoDB compares strings.
    const r = await this.pool.query(
      `SELECT body FROM docstore.documents
        WHERE collection = $1 AND body @> $2::jsonb AND ($3::text IS NULL OR id COLLATE "C" < $3)
        ORDER BY id COLLATE "C" ${options.newestFirst ? 'DESC' : 'ASC'} LIMIT $4`,
      [collection, JSON.stringify(filter), options.before ?? null, options.limit ?? null],
    );
    return r.rows.map((row) => row.body as T);
  }

  async count(collection: string, filter: Filter) {
    const r = await this.pool.query(
      'SELECT count(*)::int AS n FROM docstore.documents WHERE collection = $1 AND body @> $2::jsonb',
      [collection, JSON.stringify(filter)],
    );
    return r.rows[0].n as number;
  }

  async update(collection: string, id: string, patch: Record<string, unknown>) {
    const r = await this.pool.query(
      'UPDATE docstore.documents SET body = body || $3::jsonb WHERE collection = $1 AND id = $2',
      [collection, id, JSON.stringify(patch)],
    );
    return r.rowCount === 1;
  }

  async delete(collection: string, id: string) {
    const r = await this.pool.query('DELETE FROM docstore.documents WHERE collection = $1 AND id = $2', [
      collection,
      id,
    ]);
    return r.rowCount === 1;
  }

  async putFile(bucket: string, filename: string, content: Buffer, metadata: Record<string, unknown>) {
    const id = randomUUID();
    await this.pool.query(
      'INSERT INTO docstore.files (id, bucket, filename, length, metadata, content) VALUES ($1,$2,$3,$4,$5,$6)',
      [id, bucket, filename, content.length, JSON.stringify(metadata), content],
    );
    return id;
  }

  async getFile(bucket: string, id: string): Promise<StoredFile | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const r = await this.pool.query(
      'SELECT filename, length, metadata, content FROM docstore.files WHERE bucket = $1 AND id = $2',
      [bucket, id],
    );
    const row = r.rows[0];
    return row
      ? { id, filename: row.filename, length: row.length, metadata: row.metadata, content: row.content }
      : null;
  }

  async close() {
    await this.pool.end();
  }
}
