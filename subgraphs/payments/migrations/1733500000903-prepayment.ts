import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Part-prepayments: money that reduces principal, with the borrower's choice of lower EMI or shorter tenure. */
export class PaymentPrepayment1733500000903 implements MigrationInterface {
  name = 'PaymentPrepayment1733500000903';

  async up(q: QueryRunner) {
    await q.query('ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_purpose_check');
    await q.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_purpose_check
         CHECK (purpose IN ('INSTALMENT', 'FORECLOSURE', 'PREPAY_REDUCE_EMI', 'PREPAY_REDUCE_TENURE'))`,
    );
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE payments DROP CONSTRAINT payments_purpose_check');
    await q.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_purpose_check CHECK (purpose IN ('INSTALMENT', 'FORECLOSURE'))`,
    );
  }
}
