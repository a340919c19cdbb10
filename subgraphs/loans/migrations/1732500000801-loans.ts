import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Loans1732500000801 implements MigrationInterface {
  name = 'Loans1732500000801';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE loans (
        id uuid PRIMARY KEY,
        application_id uuid NOT NULL UNIQUE,
        customer_id uuid NOT NULL,
        account_number text NOT NULL UNIQUE,
        status text NOT NULL,
        principal_minor bigint NOT NULL CHECK (principal_minor > 0),
        fee_minor bigint NOT NULL CHECK (fee_minor >= 0),
        currency text NOT NULL,
        annual_rate_bps integer NOT NULL,
        instalments integer NOT NULL,
        frequency text NOT NULL,
        method text NOT NULL,
        disbursed_on date NOT NULL,
        activated_at timestamptz NOT NULL,
        version integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE instalments (
        loan_id uuid NOT NULL REFERENCES loans (id),
        n integer NOT NULL,
        due_date date NOT NULL,
        opening_minor bigint NOT NULL,
        principal_minor bigint NOT NULL,
        interest_minor bigint NOT NULL,
        total_minor bigint NOT NULL,
        closing_minor bigint NOT NULL,
        status text NOT NULL,
        PRIMARY KEY (loan_id, n)
      )`);
    await q.query(`
      CREATE TABLE journal (
        id uuid PRIMARY KEY,
        loan_id uuid NOT NULL REFERENCES loans (id),
        kind text NOT NULL,
        reference text,
        posted_at timestamptz NOT NULL
      )`);
    // The database refuses an unbalanced entry too: lines are written with their entry and checked at commit.
    await q.query(`
      CREATE TABLE journal_lines (
        entry_id uuid NOT NULL REFERENCES journal (id),
        account text NOT NULL,
        debit_minor bigint NOT NULL CHECK (debit_minor >= 0),
        credit_minor bigint NOT NULL CHECK (credit_minor >= 0),
        CHECK ((debit_minor = 0) <> (credit_minor = 0))
      )`);
    await q.query('CREATE INDEX journal_lines_entry ON journal_lines (entry_id)');
    await q.query('CREATE INDEX journal_loan ON journal (loan_id)');
    await q.query(`
      CREATE FUNCTION journal_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT coalesce(sum(debit_minor), 0) <> coalesce(sum(credit_minor), 0)
              FROM journal_lines WHERE entry_id = NEW.entry_id) THEN
          RAISE EXCEPTION 'journal entry % does not balance', NEW.entry_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT OR UPDATE ON journal_lines
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_balanced()`);
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE journal_lines');
    await q.query('DROP FUNCTION journal_balanced');
    for (const t of ['journal', 'instalments', 'loans']) await q.query(`DROP TABLE ${t}`);
  }
}
