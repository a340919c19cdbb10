import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Applications1732500000200 implements MigrationInterface {
  name = 'Applications1732500000200';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE applications (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency text NOT NULL,
        tenure_months integer NOT NULL CHECK (tenure_months > 0),
        facility_type text NOT NULL,
        purpose text NOT NULL,
        project jsonb,
        status text NOT NULL,
        submitted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL
      )`);
    await q.query('CREATE INDEX applications_customer ON applications (customer_id, created_at DESC)');
    await q.query('CREATE INDEX applications_status ON applications (status, created_at DESC)');
    await q.query(`
      CREATE TABLE timeline (
        id uuid PRIMARY KEY,
        application_id uuid NOT NULL REFERENCES applications (id),
        action text NOT NULL,
        from_status text,
        to_status text,
        actor_id text,
        actor_kind text NOT NULL,
        reason text,
        event_id uuid,
        at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX timeline_application ON timeline (application_id, at)');
    await q.query(`
      CREATE TABLE customer_kyc (
        customer_id uuid PRIMARY KEY,
        submitted_at timestamptz NOT NULL,
        event_id uuid NOT NULL
      )`);
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE customer_kyc');
    await q.query('DROP TABLE timeline');
    await q.query('DROP TABLE applications');
  }
}
