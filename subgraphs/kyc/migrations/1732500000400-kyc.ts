import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Kyc1732500000400 implements MigrationInterface {
  name = 'Kyc1732500000400';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE reviews (
        id uuid PRIMARY KEY,
        application_id uuid NOT NULL UNIQUE,
        customer_id uuid NOT NULL,
        facility_type text NOT NULL,
        status text NOT NULL,
        assigned_to uuid,
        checklist jsonb,
        decision_reason text,
        decided_by uuid,
        opened_at timestamptz NOT NULL,
        assigned_at timestamptz,
        verified_at timestamptz,
        decided_at timestamptz,
        version integer NOT NULL
      )`);
    await q.query('CREATE INDEX reviews_queue ON reviews (status, opened_at, id)');
    await q.query('CREATE TABLE customer_refs (customer_id uuid PRIMARY KEY, name_index text NOT NULL)');
    await q.query(`
      CREATE TABLE watchlist (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        name_index text NOT NULL,
        list text NOT NULL,
        added_at timestamptz NOT NULL,
        UNIQUE (name_index, list)
      )`);
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE watchlist');
    await q.query('DROP TABLE customer_refs');
    await q.query('DROP TABLE reviews');
  }
}
