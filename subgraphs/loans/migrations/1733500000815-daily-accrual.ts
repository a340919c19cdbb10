import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily interest accrual (issue 16): each instalment keeps the interest recognised for it ahead of its due
 * date, and each loan its product's basis — DAILY accrual, or ON_DUE_DATE (an instalment's interest is income
 * when it falls due, as before). Loans opened before keep the basis they were booked on.
 */
export class DailyAccrual1733500000815 implements MigrationInterface {
  name = 'DailyAccrual1733500000815';

  async up(q: QueryRunner) {
    await q.query(
      'ALTER TABLE instalments ADD COLUMN accrued_minor bigint NOT NULL DEFAULT 0 CHECK (accrued_minor >= 0)',
    );
    await q.query(`ALTER TABLE loans ADD COLUMN interest_recognition text NOT NULL DEFAULT 'ON_DUE_DATE'
      CHECK (interest_recognition IN ('DAILY', 'ON_DUE_DATE'))`);
    await q.query(`ALTER TABLE loans ALTER COLUMN interest_recognition SET DEFAULT 'DAILY'`);
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE loans DROP COLUMN interest_recognition');
    await q.query('ALTER TABLE instalments DROP COLUMN accrued_minor');
  }
}
