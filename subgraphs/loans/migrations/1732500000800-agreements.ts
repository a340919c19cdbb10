import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Agreements1732500000800 implements MigrationInterface {
  name = 'Agreements1732500000800';

  async up(q: QueryRunner) {
    await q.query(
      'CREATE TABLE contracts (application_id uuid PRIMARY KEY, customer_id uuid NOT NULL, offer jsonb NOT NULL)',
    );
    await q.query('CREATE TABLE contacts (customer_id uuid PRIMARY KEY, contact text NOT NULL)');
    await q.query(`
      CREATE TABLE signed_uploads (
        document_id uuid PRIMARY KEY, application_id uuid NOT NULL, owner_id uuid NOT NULL, sha256 text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE agreements (
        id uuid PRIMARY KEY,
        application_id uuid NOT NULL UNIQUE,
        customer_id uuid NOT NULL,
        number text NOT NULL UNIQUE,
        status text NOT NULL,
        file_version integer NOT NULL,
        sha256 text,
        otp_hash text,
        otp_expires_at timestamptz,
        otp_attempts integer NOT NULL,
        sign_method text,
        signed_at timestamptz,
        signed_ip text,
        uploaded_document_id uuid,
        verified_by uuid,
        created_at timestamptz NOT NULL,
        claimed_at timestamptz,
        version integer NOT NULL
      )`);
    await q.query(`CREATE INDEX agreements_to_generate ON agreements (created_at) WHERE status = 'PENDING'`);
    await q.query(`
      CREATE TABLE agreement_files (
        agreement_id uuid NOT NULL REFERENCES agreements (id),
        file_version integer NOT NULL,
        kind text NOT NULL,
        file_id text NOT NULL,
        sha256 text NOT NULL,
        stored_at timestamptz NOT NULL,
        PRIMARY KEY (agreement_id, file_version)
      )`);
  }

  async down(q: QueryRunner) {
    for (const t of ['agreement_files', 'agreements', 'signed_uploads', 'contacts', 'contracts']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
