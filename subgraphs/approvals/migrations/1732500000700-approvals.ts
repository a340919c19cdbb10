import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Approvals1732500000700 implements MigrationInterface {
  name = 'Approvals1732500000700';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE flows (
        application_id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        offer_id uuid NOT NULL,
        amount_minor bigint NOT NULL,
        currency text NOT NULL,
        status text NOT NULL,
        opened_at timestamptz NOT NULL,
        closed_at timestamptz,
        version integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE approvals (
        id uuid PRIMARY KEY,
        application_id uuid NOT NULL REFERENCES flows (application_id),
        customer_id uuid NOT NULL,
        level integer NOT NULL CHECK (level BETWEEN 1 AND 3),
        role text NOT NULL,
        status text NOT NULL,
        comment text,
        decided_by uuid,
        decided_at timestamptz,
        pending_since timestamptz,
        UNIQUE (application_id, level)
      )`);
    await q.query(
      `CREATE INDEX approvals_pending ON approvals (role, pending_since, id) WHERE status = 'PENDING'`,
    );
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE approvals');
    await q.query('DROP TABLE flows');
  }
}
