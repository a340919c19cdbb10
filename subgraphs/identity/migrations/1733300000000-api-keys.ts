import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeys1733300000000 implements MigrationInterface {
  name = 'ApiKeys1733300000000';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        name text NOT NULL,
        roles text[] NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz,
        revoked_by uuid
      )`);
    await q.query('CREATE INDEX api_keys_user ON api_keys (user_id, created_at)');
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE api_keys');
  }
}
