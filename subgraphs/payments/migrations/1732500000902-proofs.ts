import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentProofs1732500000902 implements MigrationInterface {
  name = 'PaymentProofs1732500000902';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE proof_documents (
        document_id uuid PRIMARY KEY, application_id uuid NOT NULL, owner_id uuid NOT NULL
      )`);
    await q.query(
      'ALTER TABLE payments ADD COLUMN proof_document_id uuid REFERENCES proof_documents (document_id)',
    );
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE payments DROP COLUMN proof_document_id');
    await q.query('DROP TABLE proof_documents');
  }
}
