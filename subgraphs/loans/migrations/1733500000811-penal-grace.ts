import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The loan's product may give days after a due date before an unpaid instalment draws its penal charge
 * and overdue notice (0 for older loans: charged the day after). Kept on the loan so the daily run's
 * query can read it, as the arrears tolerance is.
 */
export class PenalGrace1733500000811 implements MigrationInterface {
  name = 'PenalGrace1733500000811';

  async up(q: QueryRunner) {
    await q.query(
      'ALTER TABLE loans ADD COLUMN penal_grace_days integer NOT NULL DEFAULT 0 CHECK (penal_grace_days BETWEEN 0 AND 30)',
    );
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE loans DROP COLUMN penal_grace_days');
  }
}
