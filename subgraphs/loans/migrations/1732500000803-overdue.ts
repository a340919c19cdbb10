import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Overdue1732500000803 implements MigrationInterface {
  name = 'Overdue1732500000803';

  async up(q: QueryRunner) {
    await q.query('ALTER TABLE instalments ADD COLUMN late_fee_charged_on date');
    await q.query(
      `CREATE INDEX instalments_overdue ON instalments (due_date) WHERE status <> 'PAID' AND late_fee_charged_on IS NULL`,
    );
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE instalments DROP COLUMN late_fee_charged_on');
  }
}
