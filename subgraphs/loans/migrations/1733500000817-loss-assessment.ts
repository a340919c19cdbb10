import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A loss asset (RBI IRACP): an NPA whose loss a person — the lender, its auditors, an RBI inspection — has
 * identified and that is not yet written off. Days alone never make one; it is provided for in full from
 * the next close, and cleared if the borrower is upgraded.
 */
export class LossAssessment1733500000817 implements MigrationInterface {
  name = 'LossAssessment1733500000817';

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE loans
      ADD COLUMN loss_identified_on date,
      ADD COLUMN loss_reason text,
      ADD CONSTRAINT loans_loss_is_npa CHECK (loss_identified_on IS NULL OR npa_since IS NOT NULL)`);
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE loans DROP COLUMN loss_identified_on, DROP COLUMN loss_reason');
  }
}
