import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provisioning (issue 16): each loan keeps whether its product is secured (the rates differ) and the
 * provision held against it — the loan's LOAN_LOSS_PROVISION balance, kept beside it so the close of
 * business posts only the change.
 */
export class Provisioning1733500000816 implements MigrationInterface {
  name = 'Provisioning1733500000816';

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE loans
      ADD COLUMN secured boolean NOT NULL DEFAULT false,
      ADD COLUMN provision_minor bigint NOT NULL DEFAULT 0 CHECK (provision_minor >= 0)`);
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE loans DROP COLUMN secured, DROP COLUMN provision_minor');
  }
}
