// npm run bench:cob [-- --loans 1000000] — one business day's close of business over a seeded loan book, on
// the running stack's PostgreSQL (npm run stack:up), in a database of its own that is dropped at the end.
//
// The book: N active loans, one per borrower, disbursed over 30 days so that on any day about 1/30 of them
// falls due, with earlier instalments booked (and, unpaid, charged). Reported, each measured in this run:
//   - loans closed per second for one day with 1 loans replica, then the next day with 2 (processes of
//     their own, claiming chunks of the same run);
//   - the latency of API payment writes (a verified payment applied to a random loan, which first brings
//     its borrower up to date) made while the 1-replica close runs, against the same writes with no close
//     running (the baseline) — the target is p99 during ≤ 2× p99 without, and no write refused.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { stackEnv } from '../infra/stack';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const LOANS = arg('loans', 100_000);
const WRITERS = arg('writers', 4);
const DB = `bench_cob_${Date.now().toString(36)}`;

const stack = stackEnv();
const admin = stack.DATABASE_URL;
Object.assign(process.env, {
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  DATABASE_URL: admin.replace(/\/postgres$/, `/${DB}`),
});

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Close-of-business replicas as processes of their own, for one date; the wall time of the run. */
function replicas(n: number, asOf: string): Promise<number> {
  const started = performance.now();
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cob-worker.ts', asOf], {
            env: process.env,
            stdio: ['ignore', 'ignore', 'inherit'],
          });
          child.once('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`replica exited ${code}`)),
          );
        }),
    ),
  ).then(() => performance.now() - started);
}

/** Payment writes on random loans by a few writers until `until` resolves; their latencies and failures. */
async function writes(db: DataSource, ids: string[], until: Promise<unknown>) {
  const { upToDate } = await import('../subgraphs/loans/servicing');
  const { onPaymentVerified } = await import('../subgraphs/loans/loan-service');
  const latencies: number[] = [];
  let failed = 0;
  let done = false;
  void until.then(() => {
    done = true;
  });
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (!done) {
        const loanId = ids[Math.floor(Math.random() * ids.length)] as string;
        const t = performance.now();
        try {
          await db.transaction(async (m) => {
            await upToDate(m, loanId);
            const [l] = await m.query('SELECT application_id, customer_id FROM loans WHERE id = $1', [
              loanId,
            ]);
            await onPaymentVerified(m, {
              data: {
                paymentId: randomUUID(),
                loanId,
                applicationId: l.application_id,
                customerId: l.customer_id,
                amountMinor: '5000',
                currency: 'INR',
                method: 'UPI',
                purpose: 'INSTALMENT',
                receivedAt: new Date().toISOString(),
              },
            } as Parameters<typeof onPaymentVerified>[1]);
          });
          latencies.push(performance.now() - t);
        } catch (e) {
          failed++;
          if (failed <= 3) console.error('write failed:', (e as Error).message);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }),
  );
  return { latencies, failed };
}

async function main() {
  const pg = new Client({ connectionString: admin });
  await pg.connect();
  await pg.query(`CREATE DATABASE ${DB}`);
  const { openDatabase } = await import('../platform/db');
  const { loans } = await import('../subgraphs/loans');
  const { seedLoanBook } = await import('../test/helpers/loan-book');
  const { addDays } = await import('../subgraphs/loans/business-date');
  const db = await openDatabase({ schema: 'loans', entities: loans.entities, migrations: loans.migrations });
  try {
    const day = '2027-03-01';
    const seeded = performance.now();
    await seedLoanBook(db, {
      loans: LOANS,
      disbursedOn: addDays(day, -45),
      spreadDays: 30,
      servicedOn: addDays(day, -1),
      bookedThrough: addDays(day, -1),
      tag: 'bench',
    });
    await db.query('ANALYZE');
    console.log(
      `close of business, ${LOANS.toLocaleString('en')} active loans (seeded in ${ms(performance.now() - seeded)})`,
    );
    const ids = (await db.query(`SELECT id::text FROM loans ORDER BY random() LIMIT 2000`)).map(
      (r: { id: string }) => r.id,
    );

    // The business date is the day; a write to a loan not serviced for it brings the loan up to date first.
    await db.query('UPDATE business_dates SET date = $1', [day]);
    // Baseline: the same writes, no close running (the loans are already serviced for the open day).
    await db.query(`UPDATE loans SET serviced_on = $1 WHERE id = ANY($2)`, [day, ids]);
    const quiet = await writes(db, ids, new Promise((r) => setTimeout(r, 10_000)));
    await db.query(`UPDATE loans SET serviced_on = $1 WHERE id = ANY($2)`, [addDays(day, -1), ids]);

    // Day 1, one replica, with the writes going on.
    const one = replicas(1, day);
    const during = await writes(db, ids, one);
    const oneMs = await one;
    // Day 2, two replicas.
    await db.query('UPDATE business_dates SET date = $1', [addDays(day, 1)]);
    const twoMs = await replicas(2, addDays(day, 1));

    const [steps] = await db.query(
      `SELECT jsonb_object_agg(k, round(t)) AS s FROM (
         SELECT e.key AS k, sum(e.value::numeric) AS t FROM cob_chunks c JOIN cob_runs r ON r.id = c.run_id,
                jsonb_each_text(c.step_ms) e WHERE r.business_date = $1 GROUP BY e.key) x`,
      [day],
    );
    const [parked] = await db.query(`SELECT count(*)::int AS n FROM cob_parked`);
    const rate = (t: number) => `${Math.round(LOANS / (t / 1000)).toLocaleString('en')} loans/s`;
    console.log(`  1 replica:  ${ms(oneMs)}  ${rate(oneMs)}`);
    console.log(`  2 replicas: ${ms(twoMs)}  ${rate(twoMs)}  (×${(oneMs / twoMs).toFixed(2)})`);
    console.log(`  time per step, 1 replica (ms, summed over chunks): ${JSON.stringify(steps.s)}`);
    console.log(`  parked borrowers: ${parked.n}`);
    const p99q = q(quiet.latencies, 0.99);
    const p99d = q(during.latencies, 0.99);
    console.log(
      `  payment writes without a close (baseline): ${quiet.latencies.length} ok, ${quiet.failed} failed; p50 ${ms(q(quiet.latencies, 0.5))} p99 ${ms(p99q)}`,
    );
    console.log(
      `  payment writes during the close:           ${during.latencies.length} ok, ${during.failed} failed; p50 ${ms(q(during.latencies, 0.5))} p99 ${ms(p99d)}  (p99 ×${(p99d / p99q).toFixed(2)} the baseline; target ≤ 2)`,
    );
    const perMillion = (oneMs / LOANS) * 1_000_000;
    console.log(
      `  a day for 1,000,000 loans at this rate: ${(perMillion / 60_000).toFixed(1)} min with 1 replica`,
    );
  } finally {
    await db.destroy();
    await pg.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await pg.end();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
