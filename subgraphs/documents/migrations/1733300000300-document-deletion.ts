import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DocumentDeletion1733300000300 implements MigrationInterface {
  name = 'DocumentDeletion1733300000300';

  async up(q: QueryRunner) {
    await q.query('ALTER TABLE documents ADD COLUMN deleted_by uuid, ADD COLUMN deleted_at timestamptz');
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE documents DROP COLUMN deleted_by, DROP COLUMN deleted_at');
  }
}
