import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1732500001000 implements MigrationInterface {
  name = 'Notifications1732500001000';

  async up(q: QueryRunner) {
    await q.query('CREATE TABLE contacts (customer_id uuid PRIMARY KEY, contact text NOT NULL)');
    await q.query(`
      CREATE TABLE preferences (
        user_id uuid NOT NULL, category text NOT NULL,
        email boolean NOT NULL, sms boolean NOT NULL, push boolean NOT NULL, in_app boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, category)
      )`);
    await q.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY,
        notification_id text NOT NULL,
        recipient_id uuid NOT NULL,
        channel text NOT NULL CHECK (channel IN ('EMAIL', 'SMS', 'PUSH')),
        priority integer NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_error text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL,
        UNIQUE (notification_id, channel)
      )`);
    await q.query(
      `CREATE INDEX deliveries_due ON deliveries (priority, next_attempt_at) WHERE status = 'PENDING'`,
    );
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE deliveries');
    await q.query('DROP TABLE preferences');
    await q.query('DROP TABLE contacts');
  }
}
