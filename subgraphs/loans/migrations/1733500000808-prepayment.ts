import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A part-prepayment pays the running instalment's interest up to its day; the rest of that interest runs
 * from then, on the new balance (the foreclosure quote reads it from here).
 */
export class Prepayment1733500000808 implements MigrationInterface {
  name = 'Prepayment1733500000808';

  async up(q: QueryRunner) {
    await q.query('ALTER TABLE instalments ADD COLUMN interest_from date');
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE instalments DROP COLUMN interest_from');
  }
}
