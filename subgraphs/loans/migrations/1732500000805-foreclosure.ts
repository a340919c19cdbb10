import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foreclosure1732500000805 implements MigrationInterface {
  name = 'Foreclosure1732500000805';

  async up(q: QueryRunner) {
    await q.query('ALTER TABLE loans ADD COLUMN closure_reason text');
    await q.query(
      `CREATE INDEX instalments_unaccrued ON instalments (due_date) WHERE NOT interest_accrued AND status <> 'PAID'`,
    );
  }

  async down(q: QueryRunner) {
    await q.query('DROP INDEX instalments_unaccrued');
    await q.query('ALTER TABLE loans DROP COLUMN closure_reason');
  }
}
