import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sign-in throttling and lockout, forced sign-out, e-mail verification, password reset, an audit trail. */
export class AccountControl1733400000000 implements MigrationInterface {
  name = 'AccountControl1733400000000';

  async up(q: QueryRunner) {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN token_version integer NOT NULL DEFAULT 0,
        ADD COLUMN locked_at timestamptz`);
    // Failed sign-ins per subject: a hash of the e-mail tried (account or not) or the client address.
    await q.query(`
      CREATE TABLE login_failures (
        subject text PRIMARY KEY,
        failures integer NOT NULL,
        last_failure_at timestamptz NOT NULL
      )`);
    // A sign-up waits here until its e-mail address is confirmed; no account exists before that.
    await q.query(`
      CREATE TABLE pending_registrations (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        full_name text NOT NULL,
        phone text,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX pending_registrations_email ON pending_registrations (email)');
    await q.query(`
      CREATE TABLE password_resets (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX password_resets_user ON password_resets (user_id, created_at)');
    // Account e-mails waiting to be sent (the text holds a link's token: kept encrypted, deleted once sent).
    await q.query(`
      CREATE TABLE account_mail (
        id uuid PRIMARY KEY,
        recipient text NOT NULL,
        subject text NOT NULL,
        body_enc text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX account_mail_due ON account_mail (next_attempt_at)');
    await q.query(`
      CREATE TABLE auth_audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        action text NOT NULL,
        user_id uuid,
        actor_id uuid,
        ip text,
        detail text
      )`);
    await q.query('CREATE INDEX auth_audit_user ON auth_audit (user_id, at)');
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE auth_audit');
    await q.query('DROP TABLE account_mail');
    await q.query('DROP TABLE password_resets');
    await q.query('DROP TABLE pending_registrations');
    await q.query('DROP TABLE login_failures');
    await q.query('ALTER TABLE users DROP COLUMN token_version, DROP COLUMN locked_at');
  }
}
