import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Payments1732500000900 implements MigrationInterface {
  name = 'Payments1732500000900';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE loan_refs (
        loan_id uuid PRIMARY KEY, application_id uuid NOT NULL, customer_id uuid NOT NULL,
        currency text NOT NULL, status text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY,
        loan_id uuid NOT NULL REFERENCES loan_refs (loan_id),
        application_id uuid NOT NULL,
        customer_id uuid NOT NULL,
        recorded_by uuid NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency text NOT NULL,
        method text NOT NULL,
        reference text,
        status text NOT NULL,
        decision_reason text,
        verified_by uuid,
        received_at timestamptz NOT NULL,
        verified_at timestamptz,
        version integer NOT NULL,
        UNIQUE (recorded_by, idempotency_key)
      )`);
    await q.query('CREATE INDEX payments_loan ON payments (loan_id, received_at DESC)');
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE payments');
    await q.query('DROP TABLE loan_refs');
  }
}
