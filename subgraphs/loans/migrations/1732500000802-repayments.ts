import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Repayments1732500000802 implements MigrationInterface {
  name = 'Repayments1732500000802';

  async up(q: QueryRunner) {
    await q.query(`
      ALTER TABLE instalments
        ADD COLUMN principal_paid_minor bigint NOT NULL DEFAULT 0,
        ADD COLUMN interest_paid_minor bigint NOT NULL DEFAULT 0,
        ADD COLUMN interest_accrued boolean NOT NULL DEFAULT false`);
    await q.query('ALTER TABLE loans ADD COLUMN closed_at timestamptz');
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE loans DROP COLUMN closed_at');
    await q.query(`
      ALTER TABLE instalments DROP COLUMN principal_paid_minor, DROP COLUMN interest_paid_minor,
        DROP COLUMN interest_accrued`);
  }
}
