import { createHash } from 'node:crypto';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { config } from '../../platform/config';
import { openDatabase } from '../../platform/db';

export class RestStore1733200000000 implements MigrationInterface {
  name = 'RestStore1733200000000';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE idempotency_keys (
        caller text NOT NULL,
        key text NOT NULL,
        request_sha256 text NOT NULL,
        status int,
        response text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (caller, key)
      )`);
    await q.query('CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)');
    await q.query(`
      CREATE TABLE rate_windows (
        bucket text NOT NULL,
        window_start timestamptz NOT NULL,
        count int NOT NULL,
        PRIMARY KEY (bucket, window_start)
      )`);
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE rate_windows');
    await q.query('DROP TABLE idempotency_keys');
  }
}

/** A claimed key may be taken over once a request has run this long without settling (it crashed). */
export class RestStoreLeases1733500000000 implements MigrationInterface {
  name = 'RestStoreLeases1733500000000';

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE idempotency_keys ADD COLUMN lease_until timestamptz NOT NULL DEFAULT now()`);
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE idempotency_keys DROP COLUMN lease_until');
  }
}

/** How long a stored response answers a retry with the same Idempotency-Key. */
const KEEP_HOURS = 24;

export type Claim =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; response: string }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' };

/**
 * The partner API's own state, in the gateway's PostgreSQL schema: responses kept per Idempotency-Key
 * (shared by every replica, so a retry may land anywhere) and fixed-window request counts per caller.
 */
export class RestStore {
  private constructor(private readonly ds: DataSource) {}

  static async open(url?: string) {
    return new RestStore(
      await openDatabase({
        schema: 'gateway',
        entities: [],
        migrations: [RestStore1733200000000, RestStoreLeases1733500000000],
        url,
      }),
    );
  }

  static requestHash(method: string, path: string, body: string | Buffer) {
    return createHash('sha256').update(`${method} ${path}\n`).update(body).digest('hex');
  }

  /** Claims `key` for this request, or says what an earlier request with the same key left. */
  async claim(caller: string, key: string, requestSha256: string): Promise<Claim> {
    const inserted = await this.ds.query(
      `INSERT INTO idempotency_keys (caller, key, request_sha256, lease_until)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))
       ON CONFLICT (caller, key) DO NOTHING RETURNING key`,
      [caller, key, requestSha256, config().REST_IDEMPOTENCY_LEASE_SECONDS],
    );
    if (inserted.length) return { kind: 'new' };
    // A key kept past its day, or held by a request that never settled (its process died), is taken over
    // in one statement, so of two retries arriving together only one runs.
    // (An UPDATE through TypeORM answers [rows, count].)
    const [taken]: [unknown[], number] = await this.ds.query(
      `UPDATE idempotency_keys
          SET request_sha256 = $3, status = NULL, response = NULL, created_at = now(),
              lease_until = now() + make_interval(secs => $4)
        WHERE caller = $1 AND key = $2
          AND (created_at <= now() - make_interval(hours => $5)
               OR (status IS NULL AND lease_until < now() AND request_sha256 = $3))
        RETURNING key`,
      [caller, key, requestSha256, config().REST_IDEMPOTENCY_LEASE_SECONDS, KEEP_HOURS],
    );
    if (taken.length) return { kind: 'new' };
    const [row] = (await this.ds.query(
      `SELECT request_sha256, status, response FROM idempotency_keys WHERE caller = $1 AND key = $2`,
      [caller, key],
    )) as { request_sha256: string; status: number | null; response: string | null }[];
    if (!row) return this.claim(caller, key, requestSha256);
    if (row.request_sha256 !== requestSha256) return { kind: 'mismatch' };
    if (row.status === null || row.response === null) return { kind: 'in-progress' };
    return { kind: 'replay', status: row.status, response: row.response };
  }

  /** Keeps the answer for retries; a failure of ours (5xx) releases the key so a retry runs again. */
  async settle(caller: string, key: string, status: number, response: string) {
    if (status >= 500) {
      await this.ds.query('DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2', [caller, key]);
      return;
    }
    await this.ds.query(
      'UPDATE idempotency_keys SET status = $3, response = $4 WHERE caller = $1 AND key = $2',
      [caller, key, status, response],
    );
  }

  /** Counts a request in the caller's current one-minute window; the count so far and the seconds left. */
  async count(bucket: string): Promise<{ count: number; resetSeconds: number }> {
    const [row] = (await this.ds.query(
      `INSERT INTO rate_windows (bucket, window_start, count) VALUES ($1, date_trunc('minute', now()), 1)
       ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_windows.count + 1
       RETURNING count, ceil(extract(epoch FROM window_start + interval '1 minute' - now()))::int AS reset`,
      [bucket],
    )) as { count: number; reset: number }[];
    return { count: row?.count ?? 1, resetSeconds: Math.max(1, row?.reset ?? 60) };
  }

  /** Drops expired keys and past windows. */
  async prune() {
    await this.ds.query(
      `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`,
      [KEEP_HOURS],
    );
    await this.ds.query(`DELETE FROM rate_windows WHERE window_start < now() - interval '2 minutes'`);
  }

  close() {
    return this.ds.destroy();
  }
}
