import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IncomeCollateral1732500000201 implements MigrationInterface {
  name = 'IncomeCollateral1732500000201';

  async up(q: QueryRunner) {
    await q.query(`
      ALTER TABLE applications
        ADD COLUMN monthly_income_minor bigint CHECK (monthly_income_minor > 0),
        ADD COLUMN collateral_value_minor bigint CHECK (collateral_value_minor > 0)`);
  }

  async down(q: QueryRunner) {
    await q.query(
      'ALTER TABLE applications DROP COLUMN collateral_value_minor, DROP COLUMN monthly_income_minor',
    );
  }
}
