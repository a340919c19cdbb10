// Close of business survives a replica killed mid-run (issue 16): its chunk is taken over when the lease
// runs out, resumes where it stopped, and nothing is posted twice. Real PostgreSQL; a replica of its own.
import './helpers/env';
import './helpers/cob-env';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';

import { openDatabase } from '../platform/db';
import { loans } from '../subgraphs/loans';
import { nextDay } from '../subgraphs/loans/business-date';
import { closeOfBusiness } from '../subgraphs/loans/close-of-business';
import { reconcile } from '../subgraphs/loans/loan-service';
import { seedLoanBook } from './helpers/loan-book';
import { createDatabase, dropDatabase } from './helpers/platform';

let db: DataSource;
before(async () => {
  await createDatabase();
  db = await openDatabase({ schema: 'loans', entities: loans.entities, migrations: loans.migrations });
});
after(async () => {
  await db?.destroy();
  await dropDatabase();
});

const LOANS = 600;
const disbursedOn = '2027-01-10';
const firstDue = '2027-02-10';

function replica(asOf: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cob-worker.ts', asOf], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const count = async (sql: string, params: unknown[] = []) =>
  ((await db.query(sql, params)) as { n: number }[])[0]?.n;

test('a replica killed mid-run: its chunk is taken over after the lease, resumed, and nothing is done twice', async () => {
  // Two loans per borrower; the run brings them through the first due date and the day after it, so each
  // books an instalment's interest, charges a late fee, sends a notice and is classified SMA-0.
  await seedLoanBook(db, { loans: LOANS, perBorrower: 2, disbursedOn, servicedOn: '2027-02-09', tag: 'k9' });
  const asOf = nextDay(firstDue);

  const doomed = replica(asOf);
  // Killed once it has committed some borrowers, but before it is done.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const done = await count(
      `SELECT coalesce(sum(borrowers_done), 0)::int AS n FROM cob_chunks c JOIN cob_runs r ON r.id = c.run_id WHERE r.business_date = $1`,
      [asOf],
    );
    if ((done ?? 0) >= 30) break;
    assert.ok(Date.now() < deadline, 'the replica made no progress');
    await sleep(20);
  }
  doomed.kill('SIGKILL');
  await new Promise((resolve) => doomed.once('exit', resolve));
  const [held] = await db.query(
    `SELECT count(*)::int AS n FROM cob_chunks WHERE status = 'RUNNING' AND owner IS NOT NULL`,
  );
  assert.ok(held.n >= 1, 'the killed replica held a chunk');
  const serviced = await count(`SELECT count(*)::int AS n FROM loans WHERE serviced_on = $1`, [asOf]);
  assert.ok((serviced ?? 0) < LOANS, 'killed before the end');

  // Another replica (this process) finishes the run: it waits out the dead owner's lease and takes over.
  const r = await closeOfBusiness(db, asOf);
  assert.equal(r.parked, 0);
  const [run] = await db.query(`SELECT finished_at FROM cob_runs WHERE business_date = $1`, [asOf]);
  assert.ok(run.finished_at, 'the run finished');
  assert.equal(await count(`SELECT count(*)::int AS n FROM cob_chunks WHERE status <> 'DONE'`), 0);
  assert.ok(
    ((await count(`SELECT count(*)::int AS n FROM cob_chunks WHERE attempts > 1`)) ?? 0) >= 1,
    'a chunk was taken over',
  );

  // Each loan went through both days exactly once.
  assert.equal(await count(`SELECT count(*)::int AS n FROM loans WHERE serviced_on = $1`, [asOf]), LOANS);
  for (const [what, sql] of [
    ['interest fallen due', `SELECT loan_id FROM journal WHERE kind = 'INTEREST_DUE'`],
    ['a day’s interest accrued', `SELECT loan_id FROM journal WHERE kind = 'INTEREST_ACCRUAL'`],
    ['late fee charged', `SELECT loan_id FROM journal WHERE kind = 'PENALTY'`],
    ['classified', `SELECT loan_id FROM loan_classes`],
    [
      'overdue notice',
      `SELECT payload->'data'->>'loanId' AS loan_id FROM outbox WHERE type = 'payment.overdue'`,
    ],
    [
      'class announced',
      `SELECT payload->'data'->>'loanId' AS loan_id FROM outbox WHERE type = 'loan.classified'`,
    ],
  ] as const) {
    const [row] = await db.query(
      `SELECT count(*)::int AS loans, count(*) FILTER (WHERE k > 1)::int AS twice
         FROM (SELECT loan_id, count(*) AS k FROM (${sql}) s GROUP BY loan_id) x`,
    );
    assert.deepEqual(row, { loans: LOANS, twice: 0 }, what);
  }
  assert.deepEqual(await reconcile(db), [], 'the ledger ties out with every loan');
  // (The check can fail: a schedule that disagrees with the ledger is named.)
  const [one] = await db.query(`SELECT loan_id::text AS id FROM instalments WHERE accrued_minor > 0 LIMIT 1`);
  await db.query(
    `UPDATE instalments SET accrued_minor = accrued_minor + 1 WHERE loan_id = $1 AND accrued_minor > 0`,
    [one.id],
  );
  assert.deepEqual(
    (await reconcile(db)).map((r) => r.loanId),
    [one.id],
  );
  await db.query(
    `UPDATE instalments SET accrued_minor = accrued_minor - 1 WHERE loan_id = $1 AND accrued_minor > 0`,
    [one.id],
  );
  const classes = await db.query(
    `SELECT class, date::text AS date, count(*)::int AS n FROM loan_classes GROUP BY 1, 2`,
  );
  assert.deepEqual(classes, [{ class: 'SMA_0', date: firstDue, n: LOANS }]);
});
