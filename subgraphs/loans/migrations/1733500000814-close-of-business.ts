import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Close of business (issue 16). Each loan records the business date its servicing last ran for (the close
 * of the day before it), so a day is applied to a loan once, whoever runs it — a replica's chunk, a resumed
 * chunk after a crash, or a write bringing the loan up to date inline. Its asset class (IRACP) is stored with
 * the day it took it, and every change is kept in loan_classes. A run's work is cut into chunks of borrowers
 * (a borrower's loans are classified together) that replicas claim under a lease with an owner and an expiry;
 * a borrower whose servicing fails is parked with the step and the reason instead of stopping the run.
 */
export class CloseOfBusiness1733500000814 implements MigrationInterface {
  name = 'CloseOfBusiness1733500000814';

  async up(q: QueryRunner) {
    await q.query(`
      ALTER TABLE loans
        ADD COLUMN serviced_on date,
        ADD COLUMN asset_class text NOT NULL DEFAULT 'STANDARD'
          CHECK (asset_class IN ('STANDARD', 'SMA_0', 'SMA_1', 'SMA_2', 'NPA')),
        ADD COLUMN class_since date,
        ADD COLUMN npa_since date`);
    // Every active loan is written once a day (its stamp): room on the page keeps that a HOT update.
    await q.query('ALTER TABLE loans SET (fillfactor = 90)');
    await q.query(`CREATE INDEX loans_to_service ON loans (customer_id) WHERE status = 'ACTIVE'`);
    await q.query(`
      CREATE TABLE loan_classes (
        loan_id uuid NOT NULL REFERENCES loans (id),
        date date NOT NULL,
        previous text NOT NULL,
        class text NOT NULL,
        days_past_due integer NOT NULL,
        PRIMARY KEY (loan_id, date)
      )`);
    await q.query(`
      CREATE TABLE cob_runs (
        id bigserial PRIMARY KEY,
        business_date date NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        borrowers integer NOT NULL,
        chunks integer NOT NULL
      )`);
    await q.query('CREATE INDEX cob_runs_date ON cob_runs (business_date, id)');
    await q.query(`
      CREATE TABLE cob_chunks (
        run_id bigint NOT NULL REFERENCES cob_runs (id),
        n integer NOT NULL,
        first_customer uuid NOT NULL,
        next_customer uuid,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'RUNNING', 'DONE')),
        owner text,
        lease_until timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        borrowers_done integer NOT NULL DEFAULT 0,
        loans_done integer NOT NULL DEFAULT 0,
        parked integer NOT NULL DEFAULT 0,
        step_ms jsonb NOT NULL DEFAULT '{}',
        started_at timestamptz,
        finished_at timestamptz,
        PRIMARY KEY (run_id, n)
      )`);
    await q.query(`CREATE INDEX cob_chunks_open ON cob_chunks (run_id) WHERE status <> 'DONE'`);
    await q.query(`
      CREATE TABLE cob_parked (
        customer_id uuid NOT NULL,
        business_date date NOT NULL,
        step text NOT NULL,
        reason text NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 1,
        resolved_at timestamptz,
        PRIMARY KEY (customer_id, business_date)
      )`);
  }

  async down(q: QueryRunner) {
    for (const t of ['cob_parked', 'cob_chunks', 'cob_runs', 'loan_classes'])
      await q.query(`DROP TABLE ${t}`);
    await q.query('DROP INDEX loans_to_service');
    await q.query(
      'ALTER TABLE loans DROP COLUMN serviced_on, DROP COLUMN asset_class, DROP COLUMN class_since, DROP COLUMN npa_since',
    );
  }
}
