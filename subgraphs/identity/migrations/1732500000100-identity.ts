import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Identity1732500000100 implements MigrationInterface {
  name = 'Identity1732500000100';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        email text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        full_name text NOT NULL,
        roles text[] NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY REFERENCES users (id),
        full_name text NOT NULL,
        email text NOT NULL,
        phone text,
        date_of_birth date,
        address jsonb,
        pan_enc text,
        pan_masked text,
        pan_index text UNIQUE,
        aadhaar_enc text,
        aadhaar_masked text,
        aadhaar_index text UNIQUE,
        kyc_status text NOT NULL DEFAULT 'NOT_SUBMITTED',
        kyc_submitted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        family_id uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)');
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE refresh_tokens');
    await q.query('DROP TABLE customers');
    await q.query('DROP TABLE users');
  }
}
