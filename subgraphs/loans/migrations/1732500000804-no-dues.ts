import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NoDues1732500000804 implements MigrationInterface {
  name = 'NoDues1732500000804';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE no_dues_certificates (
        loan_id uuid PRIMARY KEY REFERENCES loans (id),
        file_id text NOT NULL,
        sha256 text NOT NULL,
        issued_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE no_dues_certificates');
  }
}
