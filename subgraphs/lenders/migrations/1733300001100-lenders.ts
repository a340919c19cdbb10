import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_RULES } from '../domain/defaults';

export class Lenders1733300001100 implements MigrationInterface {
  name = 'Lenders1733300001100';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE rule_versions (
        version serial PRIMARY KEY,
        rules jsonb NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('INSERT INTO rule_versions (rules) VALUES ($1)', [JSON.stringify(DEFAULT_RULES)]);
    // What lenders knows of an application, from other services' events.
    await q.query(`
      CREATE TABLE application_facts (
        application_id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        amount_minor bigint NOT NULL,
        currency text NOT NULL,
        tenure_months integer NOT NULL,
        annual_rate_bps integer,
        product text NOT NULL,
        monthly_income_minor bigint,
        bureau_band text,
        age_years integer,
        state text,
        merchant_category text
      )`);
    // One waterfall per application: the saga's state, leased by the worker running it.
    await q.query(`
      CREATE TABLE disbursements (
        id uuid PRIMARY KEY,
        application_id uuid NOT NULL UNIQUE,
        loan_id uuid,
        status text NOT NULL,
        rule_version integer NOT NULL,
        plan jsonb NOT NULL,
        lender_code text,
        lender_loan_ref text,
        failure_reason text,
        leased_by text,
        leased_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        version integer NOT NULL
      )`);
    await q.query(
      `CREATE INDEX disbursements_due ON disbursements (created_at) WHERE status IN ('PENDING', 'RUNNING')`,
    );
    await q.query(`
      CREATE TABLE lender_attempts (
        id uuid PRIMARY KEY,
        disbursement_id uuid NOT NULL REFERENCES disbursements (id),
        application_id uuid NOT NULL,
        lender_code text NOT NULL,
        try_no integer NOT NULL,
        idempotency_token text NOT NULL,
        outcome text NOT NULL,
        request jsonb,
        response jsonb,
        error text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        duration_ms integer NOT NULL
      )`);
    await q.query('CREATE INDEX lender_attempts_application ON lender_attempts (application_id, started_at)');
    // Each lender's book for a day (Asia/Kolkata): held while a request is out, lent once it approves.
    await q.query(`
      CREATE TABLE daily_exposure (
        lender_code text NOT NULL,
        day date NOT NULL,
        held_minor bigint NOT NULL DEFAULT 0,
        lent_minor bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (lender_code, day)
      )`);
  }

  async down(q: QueryRunner) {
    for (const t of [
      'daily_exposure',
      'lender_attempts',
      'disbursements',
      'application_facts',
      'rule_versions',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
