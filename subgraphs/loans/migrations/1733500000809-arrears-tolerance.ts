import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The loan's product says how little left unpaid on an instalment still counts as paid on time (no penal
 * charge, no days past due). Kept on the loan so the delinquency queries can read it (0 for older loans).
 */
export class ArrearsTolerance1733500000809 implements MigrationInterface {
  name = 'ArrearsTolerance1733500000809';

  async up(q: QueryRunner) {
    await q.query(
      'ALTER TABLE loans ADD COLUMN arrears_tolerance_minor bigint NOT NULL DEFAULT 0 CHECK (arrears_tolerance_minor >= 0)',
    );
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE loans DROP COLUMN arrears_tolerance_minor');
  }
}
