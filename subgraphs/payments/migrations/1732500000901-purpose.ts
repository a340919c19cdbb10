import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentPurpose1732500000901 implements MigrationInterface {
  name = 'PaymentPurpose1732500000901';

  async up(q: QueryRunner) {
    await q.query(
      `ALTER TABLE payments ADD COLUMN purpose text NOT NULL DEFAULT 'INSTALMENT' CHECK (purpose IN ('INSTALMENT', 'FORECLOSURE'))`,
    );
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE payments DROP COLUMN purpose');
  }
}
