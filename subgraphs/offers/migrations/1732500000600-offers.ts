import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Offers1732500000600 implements MigrationInterface {
  name = 'Offers1732500000600';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE negotiations (
        application_id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        requested_amount_minor bigint NOT NULL,
        requested_tenure_months integer NOT NULL,
        currency text NOT NULL,
        state text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE offers (
        id uuid PRIMARY KEY,
        application_id uuid NOT NULL REFERENCES negotiations (application_id),
        customer_id uuid NOT NULL,
        round integer NOT NULL,
        status text NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency text NOT NULL,
        annual_rate_bps integer NOT NULL CHECK (annual_rate_bps >= 0),
        tenure_months integer NOT NULL CHECK (tenure_months > 0),
        processing_fee_minor bigint NOT NULL CHECK (processing_fee_minor >= 0),
        valid_until timestamptz NOT NULL,
        kfs jsonb NOT NULL,
        counter jsonb,
        response_reason text,
        sent_by uuid NOT NULL,
        sent_at timestamptz NOT NULL,
        responded_at timestamptz,
        version integer NOT NULL,
        UNIQUE (application_id, round)
      )`);
    await q.query(`CREATE INDEX offers_expiring ON offers (valid_until) WHERE status = 'OPEN'`);
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE offers');
    await q.query('DROP TABLE negotiations');
  }
}
