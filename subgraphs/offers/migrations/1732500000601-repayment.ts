import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OfferRepayment1732500000601 implements MigrationInterface {
  name = 'OfferRepayment1732500000601';

  async up(q: QueryRunner) {
    await q.query(`
      ALTER TABLE offers
        ADD COLUMN frequency text NOT NULL DEFAULT 'MONTHLY'
          CHECK (frequency IN ('WEEKLY', 'FORTNIGHTLY', 'MONTHLY', 'QUARTERLY')),
        ADD COLUMN method text NOT NULL DEFAULT 'EMI' CHECK (method IN ('EMI', 'EQUAL_PRINCIPAL')),
        ADD COLUMN moratorium_periods integer NOT NULL DEFAULT 0 CHECK (moratorium_periods >= 0)`);
  }

  async down(q: QueryRunner) {
    await q.query(
      'ALTER TABLE offers DROP COLUMN frequency, DROP COLUMN method, DROP COLUMN moratorium_periods',
    );
  }
}
