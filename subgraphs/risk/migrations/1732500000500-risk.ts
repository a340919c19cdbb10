import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_POLICY } from '../domain/policy';

export class Risk1732500000500 implements MigrationInterface {
  name = 'Risk1732500000500';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE assessments (
        id uuid PRIMARY KEY,
        application_id uuid NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        claimed_at timestamptz,
        policy_version integer,
        bureau jsonb,
        result jsonb,
        manual_reason text,
        decision text,
        decision_reason text,
        decided_by uuid,
        decided_at timestamptz,
        created_at timestamptz NOT NULL,
        completed_at timestamptz,
        version integer NOT NULL
      )`);
    await q.query('CREATE INDEX assessments_application ON assessments (application_id, created_at DESC)');
    await q.query(
      `CREATE INDEX assessments_due ON assessments (created_at) WHERE status IN ('PENDING', 'RUNNING')`,
    );
    await q.query(`
      CREATE TABLE policies (
        version serial PRIMARY KEY,
        rules jsonb NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('INSERT INTO policies (rules) VALUES ($1)', [JSON.stringify(DEFAULT_POLICY)]);
    await q.query(`
      CREATE TABLE application_terms (
        application_id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        amount_minor bigint NOT NULL,
        tenure_months integer NOT NULL,
        monthly_income_minor bigint NOT NULL,
        collateral_value_minor bigint
      )`);
    await q.query('CREATE TABLE customer_pan (customer_id uuid PRIMARY KEY, pan_index text NOT NULL)');
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE customer_pan');
    await q.query('DROP TABLE application_terms');
    await q.query('DROP TABLE policies');
    await q.query('DROP TABLE assessments');
  }
}
