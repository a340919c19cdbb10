import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Reminders1732500000806 implements MigrationInterface {
  name = 'Reminders1732500000806';

  async up(q: QueryRunner) {
    await q.query('ALTER TABLE instalments ADD COLUMN reminded_on date');
    await q.query(
      `CREATE INDEX instalments_to_remind ON instalments (due_date) WHERE reminded_on IS NULL AND status IN ('DUE', 'PARTIAL')`,
    );
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE instalments DROP COLUMN reminded_on');
  }
}
