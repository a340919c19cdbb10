import { Client } from 'pg';
import {
  DataSource,
  type EntityManager,
  type EntityTarget,
  type MigrationInterface,
  type ObjectLiteral,
  type QueryDeepPartialEntity,
  type QueryRunner,
} from 'typeorm';
import { config } from './config';
import { AppError } from './errors';

/** The outbox and inbox live in every subgraph's schema so they share its transactions. */
export class CreateOutboxAndInbox1732500000000 implements MigrationInterface {
  name = 'CreateOutboxAndInbox1732500000000';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE outbox (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        subject text NOT NULL,
        partition_key text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
    await q.query('CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL');
    await q.query(`
      CREATE TABLE inbox (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE inbox');
    await q.query('DROP TABLE outbox');
  }
}

/**
 * Work to do right after a transaction commits (wake the outbox relay, a job runner): a transaction marks
 * a topic with `markForCommit`, and the listener registered for that topic on its data source runs once
 * the commit is done (not on rollback).
 */
const commitListeners = new WeakMap<DataSource, Map<string, () => void>>();

export function afterCommitOf(ds: DataSource, topic: string, listener: (() => void) | undefined) {
  let topics = commitListeners.get(ds);
  if (!topics) {
    topics = new Map();
    commitListeners.set(ds, topics);
    ds.subscribers.push({
      afterTransactionCommit: (e) => {
        const marked = e.queryRunner.data?.commitTopics as Set<string> | undefined;
        if (!marked?.size) return;
        e.queryRunner.data.commitTopics = new Set();
        for (const t of marked) {
          const run = topics?.get(t);
          if (run) setImmediate(run);
        }
      },
      afterTransactionRollback: (e) => {
        if (e.queryRunner.data?.commitTopics) e.queryRunner.data.commitTopics = new Set();
      },
    });
  }
  if (listener) topics.set(topic, listener);
  else topics.delete(topic);
}

export function markForCommit(m: EntityManager, topic: string) {
  const qr = m.queryRunner;
  if (!qr) return;
  qr.data ??= {};
  const topics: Set<string> = qr.data.commitTopics ?? new Set<string>();
  topics.add(topic);
  qr.data.commitTopics = topics;
}

/**
 * Holds the transaction's lock on `key` until it commits, so transactions over one key run one after
 * the other: for a step that reads rows another transaction may be adding at the same moment, which
 * row locks cannot cover (under READ COMMITTED each would miss the other's row).
 */
export async function lockKey(m: EntityManager, key: string) {
  await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
}

export interface DatabaseOptions {
  /** The subgraph's own PostgreSQL schema; nothing else writes to it. */
  schema: string;
  // biome-ignore lint/complexity/noBannedTypes: TypeORM takes entity classes as Function.
  entities: Function[];
  migrations: (new () => MigrationInterface)[];
  url?: string;
}

export function databaseUrl(): string {
  const url = config().DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (npm start sets it for the embedded PostgreSQL)');
  return url;
}

/** Opens the subgraph's data source and brings its schema up to date before it serves anything. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`bad schema name ${options.schema}`);
  const url = options.url ?? databaseUrl();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
  } finally {
    await client.end();
  }
  const ds = new DataSource({
    type: 'postgres',
    url,
    schema: options.schema,
    entities: options.entities,
    migrations: [CreateOutboxAndInbox1732500000000, ...options.migrations],
    migrationsTableName: 'migrations',
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    // Raw SQL (outbox, inbox, migrations) resolves unqualified names in the subgraph's schema.
    extra: { options: `-c search_path=${options.schema}`, max: 10 },
  });
  await ds.initialize();
  return ds;
}

/** An entity from a raw row (e.g. `RETURNING *` of hand-written SQL), matched by column names. */
export function entityFromRow<T extends ObjectLiteral>(
  ds: DataSource,
  entity: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const meta = ds.getMetadata(entity);
  const e = meta.create() as T;
  for (const column of meta.columns) column.setEntityValue(e, row[column.databaseName]);
  return e;
}

/**
 * Optimistic locking: writes only if the row still has the version that was read, else CONFLICT.
 * (TypeORM's save() bumps a version column but does not check it.)
 */
export async function updateVersioned<T extends ObjectLiteral & { id: string; version: number }>(
  m: EntityManager,
  entity: EntityTarget<T>,
  row: T,
  patch: QueryDeepPartialEntity<T>,
): Promise<T> {
  const result = await m
    .createQueryBuilder()
    .update(entity)
    .set({ ...patch, version: () => 'version + 1' } as QueryDeepPartialEntity<T>)
    .where('id = :id AND version = :version', { id: row.id, version: row.version })
    .execute();
  if (result.affected !== 1) {
    throw new AppError('CONFLICT', 'the record was changed by someone else; reload and try again');
  }
  return Object.assign(row, patch, { version: row.version + 1 });
}
