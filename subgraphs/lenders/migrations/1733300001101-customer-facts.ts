import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Age and state come from the customer (identity's encrypted lending profile), not the application. */
export class CustomerFacts1733300001101 implements MigrationInterface {
  name = 'CustomerFacts1733300001101';

  async up(q: QueryRunner) {
    await q.query(
      'CREATE TABLE customer_facts (customer_id uuid PRIMARY KEY, lending_profile text NOT NULL)',
    );
    await q.query('ALTER TABLE application_facts DROP COLUMN age_years, DROP COLUMN state');
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE application_facts ADD COLUMN age_years integer, ADD COLUMN state text');
    await q.query('DROP TABLE customer_facts');
  }
}
