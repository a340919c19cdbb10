import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * In-app notifications go through the dispatch queue like the other channels: the handler of a lifecycle
 * event writes PostgreSQL only, so the document store being away delays the inbox and nothing else.
 */
export class InboxQueue1733500001000 implements MigrationInterface {
  name = 'InboxQueue1733500001000';

  async up(q: QueryRunner) {
    await q.query('ALTER TABLE deliveries DROP CONSTRAINT deliveries_channel_check');
    await q.query(
      `ALTER TABLE deliveries ADD CONSTRAINT deliveries_channel_check CHECK (channel IN ('EMAIL', 'SMS', 'PUSH', 'IN_APP'))`,
    );
    // For IN_APP: the inbox document to store and what to announce once it is stored.
    await q.query('ALTER TABLE deliveries ADD COLUMN inbox jsonb');
  }

  async down(q: QueryRunner) {
    await q.query(`DELETE FROM deliveries WHERE channel = 'IN_APP'`);
    await q.query('ALTER TABLE deliveries DROP COLUMN inbox');
    await q.query('ALTER TABLE deliveries DROP CONSTRAINT deliveries_channel_check');
    await q.query(
      `ALTER TABLE deliveries ADD CONSTRAINT deliveries_channel_check CHECK (channel IN ('EMAIL', 'SMS', 'PUSH'))`,
    );
  }
}
