import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { config } from '../../platform/config';
import { lockKey } from '../../platform/db';
import { logger } from '../../platform/log';
import { SERVICING_STEPS, type Serviced, StepFailed, serviceBorrowers } from './servicing';

const log = logger('close-of-business');

/** This process, as the owner of the chunks it claims. */
const OWNER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

interface Chunk {
  run_id: string;
  n: number;
  first_customer: string;
  next_customer: string | null;
  step_ms: Record<string, number>;
}

class LeaseLost extends Error {}

export interface CobOptions {
  /** Borrowers per transaction (COB_BATCH_BORROWERS). */
  batch?: number;
  /** Borrowers per chunk (COB_CHUNK_BORROWERS). */
  chunk?: number;
}

export interface CobResult extends Serviced {
  /** The run this call worked on; null when every active loan was already serviced for the date. */
  runId: string | null;
  parked: number;
}

/**
 * The close of business that brings every active loan to the business date `asOf` (the close of the day
 * before it). The borrowers still to service are cut into chunks; this process, and every other replica
 * that calls it for the date, claims chunks under a lease and works them a batch of borrowers per
 * transaction, renewing the lease with each. A chunk whose owner stops (a crash, kill -9) is taken over once
 * its lease runs out, and resumes where it stopped: what a committed batch did is stamped on its loans. A
 * borrower whose servicing fails is parked with the step and the reason, and the run goes on. Returns when
 * the run is finished — by this process or others.
 */
export async function closeOfBusiness(
  db: DataSource,
  asOf: string,
  opts: CobOptions = {},
): Promise<CobResult> {
  const batch = opts.batch ?? config().COB_BATCH_BORROWERS;
  const result: CobResult = { runId: null, loans: 0, lateFees: 0, parked: 0 };
  const runId = await openRun(db, asOf, opts.chunk ?? config().COB_CHUNK_BORROWERS);
  if (!runId) return result;
  result.runId = runId;
  for (;;) {
    const chunk = await claim(db, runId);
    if (chunk) {
      await workChunk(db, chunk, asOf, batch, result);
      continue;
    }
    if (await finish(db, runId)) return result;
    // Others hold the rest: wait for them to finish, or for a lease to run out and take its chunk over.
    await sleep(Math.min(250, config().COB_LEASE_MS / 4));
  }
}

/** The date's open run, joined; or a new one over the borrowers still to service; null when there are none. */
async function openRun(db: DataSource, asOf: string, chunkSize: number): Promise<string | null> {
  return db.transaction(async (m) => {
    await lockKey(m, `close-of-business:${asOf}`);
    const [open] = await m.query(
      'SELECT id::text FROM cob_runs WHERE business_date = $1 AND finished_at IS NULL ORDER BY id DESC LIMIT 1',
      [asOf],
    );
    if (open) return open.id as string;
    const starts: { first: string; total: number }[] = await m.query(
      `SELECT customer_id::text AS first, total::int FROM (
         SELECT customer_id, row_number() OVER (ORDER BY customer_id) AS k, count(*) OVER () AS total
           FROM (SELECT DISTINCT customer_id FROM loans
                  WHERE status = 'ACTIVE' AND coalesce(serviced_on, disbursed_on) < $1) d) x
        WHERE (k - 1) % $2 = 0 ORDER BY customer_id`,
      [asOf, chunkSize],
    );
    if (starts.length === 0) return null;
    const [run] = await m.query(
      'INSERT INTO cob_runs (business_date, borrowers, chunks) VALUES ($1, $2, $3) RETURNING id::text',
      [asOf, starts[0]?.total ?? 0, starts.length],
    );
    // The first chunk starts at the lowest id there can be: a borrower whose first loan opens mid-run is in it.
    await m.query(
      `INSERT INTO cob_chunks (run_id, n, first_customer, next_customer)
       SELECT $1, k, CASE WHEN k = 1 THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE c END,
              lead(c) OVER (ORDER BY k)
         FROM unnest($2::uuid[]) WITH ORDINALITY AS s(c, k)`,
      [run.id, starts.map((s) => s.first)],
    );
    log.info({ runId: run.id, asOf, borrowers: starts[0]?.total, chunks: starts.length }, 'run opened');
    return run.id as string;
  });
}

/** A chunk nobody holds — waiting, or its owner's lease run out — claimed for this process. */
async function claim(db: DataSource, runId: string): Promise<Chunk | null> {
  const [rows] = await db.query(
    `UPDATE cob_chunks SET status = 'RUNNING', owner = $2, attempts = attempts + 1,
            lease_until = now() + $3 * interval '1 millisecond', started_at = coalesce(started_at, now())
      WHERE (run_id, n) = (SELECT run_id, n FROM cob_chunks
                            WHERE run_id = $1 AND (status = 'PENDING' OR (status = 'RUNNING' AND lease_until < now()))
                            ORDER BY n LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING run_id::text, n, first_customer::text, next_customer::text, step_ms`,
    [runId, OWNER, config().COB_LEASE_MS],
  );
  return (rows as Chunk[])[0] ?? null;
}

/** The next borrowers of a chunk still to service, after `after`. */
const borrowersOf = async (db: DataSource, c: Chunk, asOf: string, after: string | null, limit: number) =>
  (
    await db.query(
      `SELECT DISTINCT customer_id::text AS c FROM loans
        WHERE status = 'ACTIVE' AND coalesce(serviced_on, disbursed_on) < $1
          AND customer_id >= $2 AND ($3::uuid IS NULL OR customer_id < $3)
          AND ($4::uuid IS NULL OR customer_id > $4)
        ORDER BY 1 LIMIT $5`,
      [asOf, c.first_customer, c.next_customer, after, limit],
    )
  ).map((r: { c: string }) => r.c) as string[];

/**
 * Works a chunk a batch of borrowers per transaction; each commits with the lease renewed and the chunk's
 * progress, or not at all when the lease was lost (another owner has the chunk now). A batch that fails is
 * retried a borrower at a time, and a borrower that fails alone is parked.
 */
async function workChunk(db: DataSource, c: Chunk, asOf: string, batch: number, result: CobResult) {
  const stepMs = { ...c.step_ms };
  let after: string | null = null;
  const serve = (ids: string[]) =>
    db.transaction(async (m) => {
      const done = await serviceBorrowers(m, ids, asOf, stepMs);
      const [, renewed] = await m.query(
        `UPDATE cob_chunks SET lease_until = now() + $4 * interval '1 millisecond',
                borrowers_done = borrowers_done + $5, loans_done = loans_done + $6, step_ms = $7
          WHERE run_id = $1 AND n = $2 AND owner = $3 AND status = 'RUNNING'`,
        [c.run_id, c.n, OWNER, config().COB_LEASE_MS, ids.length, done.loans, JSON.stringify(stepMs)],
      );
      if (renewed !== 1) throw new LeaseLost();
      return done;
    });
  try {
    for (;;) {
      const ids = await borrowersOf(db, c, asOf, after, batch);
      if (ids.length === 0) break;
      after = ids[ids.length - 1] as string;
      try {
        add(result, await serve(ids));
      } catch (e) {
        if (e instanceof LeaseLost) throw e;
        for (const id of ids) {
          try {
            add(result, await serve([id]));
          } catch (one) {
            if (one instanceof LeaseLost) throw one;
            await park(db, c, id, asOf, one);
            result.parked++;
          }
        }
      }
    }
    await db.query(
      `UPDATE cob_chunks SET status = 'DONE', finished_at = now(), owner = NULL, lease_until = NULL
        WHERE run_id = $1 AND n = $2 AND owner = $3`,
      [c.run_id, c.n, OWNER],
    );
  } catch (e) {
    if (!(e instanceof LeaseLost)) throw e;
    log.warn({ runId: c.run_id, chunk: c.n }, 'lease lost: another owner has taken the chunk over');
  }
}

const add = (r: CobResult, s: Serviced) => {
  r.loans += s.loans;
  r.lateFees += s.lateFees;
};

/** A borrower whose servicing failed, kept with the step and the reason; the run goes on without them. */
async function park(db: DataSource, c: Chunk, customerId: string, asOf: string, e: unknown) {
  const step = e instanceof StepFailed ? e.step : 'lock';
  const reason = (e instanceof Error ? e.message : String(e)).slice(0, 500);
  log.error({ runId: c.run_id, customerId, step, err: e }, 'borrower parked');
  await db.query(
    `INSERT INTO cob_parked (customer_id, business_date, step, reason) VALUES ($1, $2, $3, $4)
     ON CONFLICT (customer_id, business_date) DO UPDATE
       SET step = $3, reason = $4, parked_at = now(), attempts = cob_parked.attempts + 1, resolved_at = NULL`,
    [customerId, asOf, step, reason],
  );
  await db.query('UPDATE cob_chunks SET parked = parked + 1 WHERE run_id = $1 AND n = $2', [c.run_id, c.n]);
}

/** Marks the run finished once every chunk is done; false while some are still held. */
async function finish(db: DataSource, runId: string) {
  const [[row]] = await db.query(
    `UPDATE cob_runs SET finished_at = coalesce(finished_at, now())
      WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM cob_chunks WHERE run_id = $1 AND status <> 'DONE')
      RETURNING id`,
    [runId],
  );
  return !!row;
}

/** The close of business of each day the business date moved to, in order (a missed day is caught up). */
export async function closeDays(db: DataSource, days: readonly string[]) {
  for (const day of days) await closeOfBusiness(db, day);
}

export interface CobRunView {
  id: string;
  businessDate: string;
  startedAt: Date;
  finishedAt: Date | null;
  borrowers: number;
  borrowersDone: number;
  loansDone: number;
  chunks: number;
  chunksDone: number;
  parked: number;
  steps: { step: string; ms: number }[];
}

/** The latest runs with their progress: borrowers and loans done, chunks done, parked, time per step. */
export async function recentRuns(db: DataSource, last: number): Promise<CobRunView[]> {
  const rows: Record<string, unknown>[] = await db.query(
    `SELECT r.id::text, r.business_date::text AS date, r.started_at, r.finished_at, r.borrowers, r.chunks,
            coalesce(sum(c.borrowers_done), 0)::int AS borrowers_done, coalesce(sum(c.loans_done), 0)::int AS loans_done,
            count(*) FILTER (WHERE c.status = 'DONE')::int AS chunks_done, coalesce(sum(c.parked), 0)::int AS parked,
            coalesce((SELECT jsonb_object_agg(k, t) FROM (
               SELECT e.key AS k, sum(e.value::numeric) AS t FROM cob_chunks c2, jsonb_each_text(c2.step_ms) e
                WHERE c2.run_id = r.id GROUP BY e.key) s), '{}') AS steps
       FROM cob_runs r LEFT JOIN cob_chunks c ON c.run_id = r.id
      GROUP BY r.id ORDER BY r.id DESC LIMIT $1`,
    [Math.max(1, Math.min(last, 100))],
  );
  return rows.map((r) => ({
    id: r.id as string,
    businessDate: r.date as string,
    startedAt: r.started_at as Date,
    finishedAt: (r.finished_at as Date | null) ?? null,
    borrowers: r.borrowers as number,
    borrowersDone: r.borrowers_done as number,
    loansDone: r.loans_done as number,
    chunks: r.chunks as number,
    chunksDone: r.chunks_done as number,
    parked: r.parked as number,
    steps: SERVICING_STEPS.map((step) => ({
      step,
      ms: Math.round(Number((r.steps as Record<string, string>)[step] ?? 0)),
    })),
  }));
}

/** Borrowers whose servicing failed and is not yet done, with the step and the reason. */
export async function parkedBorrowers(db: DataSource) {
  const rows: Record<string, unknown>[] = await db.query(
    `SELECT customer_id::text, business_date::text AS date, step, reason, parked_at, attempts
       FROM cob_parked WHERE resolved_at IS NULL ORDER BY parked_at LIMIT 500`,
  );
  return rows.map((r) => ({
    customerId: r.customer_id as string,
    businessDate: r.date as string,
    step: r.step as string,
    reason: r.reason as string,
    parkedAt: r.parked_at as Date,
    attempts: r.attempts as number,
  }));
}
