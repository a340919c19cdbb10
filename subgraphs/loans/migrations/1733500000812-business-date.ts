import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The business date, starting on today's calendar date where loans live (Asia/Kolkata). */
export class BusinessDate1733500000812 implements MigrationInterface {
  name = 'BusinessDate1733500000812';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE business_dates (
        tenant text PRIMARY KEY,
        date date NOT NULL,
        advanced_at timestamptz NOT NULL DEFAULT now(),
        advanced_by uuid
      )`);
    await q.query(
      `INSERT INTO business_dates (tenant, date) VALUES ('default', (now() AT TIME ZONE 'Asia/Kolkata')::date)`,
    );
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE business_dates');
  }
}
