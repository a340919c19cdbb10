import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Charges staff set on a loan for a date (a product's ON_DATE charges: a mandate bounce, a legal notice, a
 * renewal fee): kept until their date, then levied once — by the daily run, or at once when the date has
 * come. `levied_minor` (GST included) and `levied_on` are set when it is booked.
 */
export class DatedCharges1733500000810 implements MigrationInterface {
  name = 'DatedCharges1733500000810';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE dated_charges (
        id uuid PRIMARY KEY,
        loan_id uuid NOT NULL REFERENCES loans (id),
        code text NOT NULL,
        due_date date NOT NULL,
        reason text NOT NULL,
        set_by uuid NOT NULL,
        set_at timestamptz NOT NULL DEFAULT now(),
        levied_minor bigint CHECK (levied_minor >= 0),
        levied_on date
      )`);
    await q.query('CREATE INDEX dated_charges_pending ON dated_charges (due_date) WHERE levied_on IS NULL');
    await q.query('CREATE INDEX dated_charges_loan ON dated_charges (loan_id)');
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE dated_charges');
  }
}
