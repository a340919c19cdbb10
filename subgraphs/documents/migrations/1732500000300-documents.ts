import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Documents1732500000300 implements MigrationInterface {
  name = 'Documents1732500000300';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE documents (
        id uuid PRIMARY KEY,
        application_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        type text NOT NULL,
        version_no integer NOT NULL,
        file_name text NOT NULL,
        content_type text NOT NULL,
        size integer NOT NULL CHECK (size > 0),
        sha256 text NOT NULL,
        storage_id text NOT NULL,
        status text NOT NULL,
        rejection_reason text,
        uploaded_by uuid NOT NULL,
        uploaded_at timestamptz NOT NULL,
        decided_by uuid,
        decided_at timestamptz,
        version integer NOT NULL,
        UNIQUE (application_id, type, version_no),
        UNIQUE (application_id, sha256)
      )`);
    await q.query('CREATE INDEX documents_application ON documents (application_id, type, version_no DESC)');
    await q.query(`
      CREATE TABLE application_refs (
        application_id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        facility_type text NOT NULL
      )`);
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE application_refs');
    await q.query('DROP TABLE documents');
  }
}
