import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Loans are funded by a partner lender after the account opens (lender waterfall). */
export class Funding1732500000807 implements MigrationInterface {
  name = 'Funding1732500000807';

  async up(q: QueryRunner) {
    await q.query(
      'ALTER TABLE loans ADD COLUMN funded_at timestamptz, ADD COLUMN lender_code text, ADD COLUMN lender_loan_ref text',
    );
    // Loans opened before the waterfall were paid out on activation.
    await q.query("UPDATE loans SET funded_at = activated_at WHERE status <> 'PENDING_DISBURSEMENT'");
  }

  async down(q: QueryRunner) {
    await q.query(
      'ALTER TABLE loans DROP COLUMN funded_at, DROP COLUMN lender_code, DROP COLUMN lender_loan_ref',
    );
  }
}
