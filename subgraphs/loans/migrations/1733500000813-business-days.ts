import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each business day opened, so that an instant (a payment's receipt) maps to the business date in
 * force then: its value date. The day open at migration counts from then.
 */
export class BusinessDays1733500000813 implements MigrationInterface {
  name = 'BusinessDays1733500000813';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE business_days (
        tenant text NOT NULL,
        date date NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, date)
      )`);
    await q.query('CREATE INDEX business_days_opened ON business_days (tenant, opened_at)');
    await q.query('INSERT INTO business_days (tenant, date) SELECT tenant, date FROM business_dates');
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE business_days');
  }
}
