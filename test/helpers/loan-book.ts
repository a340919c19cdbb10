import type { DataSource } from 'typeorm';

export interface Book {
  loans: number;
  /** Loans per borrower (a borrower's loans are serviced and classified together). */
  perBorrower?: number;
  disbursedOn: string;
  /** The business date the loans were last serviced for (the disbursement day when absent). */
  servicedOn?: string;
  /** Monthly instalments per loan. */
  instalments?: number;
  /** Tells this book's rows apart from another's in the same database. */
  tag: string;
  /**
   * Disbursements spread over this many consecutive days from `disbursedOn` (loan g on day g mod spread), so
   * that on any day about 1/spread of the book falls due — a typical day rather than one due date for all.
   */
  spreadDays?: number;
  /** Instalments due up to this date count as already booked and, unpaid, charged the day after. */
  bookedThrough?: string;
}

/**
 * Active loans written straight into the loans schema, set-based (a hundred thousand in seconds): each
 * ₹12,000 at 12 % over monthly instalments of ₹1,000 principal and a falling interest, with its
 * disbursement in the ledger — the shape the close of business works on, without the lifecycle before it.
 */
export async function seedLoanBook(db: DataSource, book: Book) {
  const per = book.perBorrower ?? 1;
  const instalments = book.instalments ?? 12;
  const spread = book.spreadDays ?? 1;
  await db.query(
    `INSERT INTO loans (id, application_id, customer_id, account_number, status, principal_minor, fee_minor,
                        currency, annual_rate_bps, instalments, frequency, method, disbursed_on, activated_at,
                        version, serviced_on)
     SELECT md5($1 || ':loan:' || g)::uuid, md5($1 || ':app:' || g)::uuid,
            md5($1 || ':borrower:' || ((g - 1) / $3))::uuid, $1 || '-' || g, 'ACTIVE',
            100000 * $4, 0, 'INR', 1200, $4, 'MONTHLY', 'EMI', $5::date + (g % $7)::int,
            now(), 1, coalesce($6::date, $5::date + (g % $7)::int)
       FROM generate_series(1, $2) g`,
    [book.tag, book.loans, per, instalments, book.disbursedOn, book.servicedOn ?? null, spread],
  );
  await db.query(
    `INSERT INTO instalments (loan_id, n, due_date, opening_minor, principal_minor, interest_minor, total_minor,
                              closing_minor, status)
     SELECT md5($1 || ':loan:' || g)::uuid, k, ($4::date + (g % $5)::int + make_interval(months => k))::date,
            100000 * ($3 - k + 1), 100000, 1000 * ($3 - k + 1), 100000 + 1000 * ($3 - k + 1), 100000 * ($3 - k), 'DUE'
       FROM generate_series(1, $2) g, generate_series(1, $3) k`,
    [book.tag, book.loans, instalments, book.disbursedOn, spread],
  );
  if (book.bookedThrough) {
    await db.query(
      `UPDATE instalments SET interest_accrued = true, reminded_on = due_date - 3, late_fee_charged_on = due_date + 1
        WHERE due_date <= $1`,
      [book.bookedThrough],
    );
    // Classified as the close of that day left them (none is 30 days late in a book this young).
    await db.query(
      `UPDATE loans l SET asset_class = 'SMA_0', class_since = i.first
         FROM (SELECT loan_id, min(due_date) AS first FROM instalments WHERE due_date <= $1 GROUP BY loan_id) i
        WHERE i.loan_id = l.id`,
      [book.bookedThrough],
    );
  }
  // Disbursed, and provisioned as a standard asset (0.40 % of the principal, rounded up): in the ledger, and
  // the provision on the loan too.
  const principal = 100_000n * BigInt(instalments);
  const provision = (principal * 40n + 9_999n) / 10_000n;
  await db.query('UPDATE loans SET provision_minor = $2 WHERE account_number LIKE $1', [
    `${book.tag}-%`,
    provision.toString(),
  ]);
  await seedEntries(db, book, 'DISBURSEMENT', principal, 'LOAN_PRINCIPAL', 'BANK');
  await seedEntries(db, book, 'PROVISION', provision, 'PROVISION_EXPENSE', 'LOAN_LOSS_PROVISION');
}

/** One two-line entry of `kind` on every loan of the book: `amount` debited to one account, credited to another. */
async function seedEntries(
  db: DataSource,
  book: Book,
  kind: string,
  amount: bigint,
  debit: string,
  credit: string,
) {
  await db.query(
    `INSERT INTO journal (id, loan_id, kind, reference, posted_at)
     SELECT md5($1 || ':' || $3 || ':' || g)::uuid, md5($1 || ':loan:' || g)::uuid, $3, 'seeded', now()
       FROM generate_series(1, $2) g`,
    [book.tag, book.loans, kind],
  );
  await db.query(
    `INSERT INTO journal_lines (entry_id, account, debit_minor, credit_minor)
     SELECT md5($1 || ':' || $3 || ':' || g)::uuid, a.account, a.debit, a.credit
       FROM generate_series(1, $2) g,
            (VALUES ($4, $6::bigint, 0::bigint), ($5, 0, $6::bigint)) AS a(account, debit, credit)`,
    [book.tag, book.loans, kind, debit, credit, amount.toString()],
  );
}
