import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MerchantCategory1732500000202 implements MigrationInterface {
  name = 'MerchantCategory1732500000202';

  async up(q: QueryRunner) {
    await q.query(
      "ALTER TABLE applications ADD COLUMN merchant_category text CHECK (merchant_category ~ '^[0-9]{4}$')",
    );
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE applications DROP COLUMN merchant_category');
  }
}
