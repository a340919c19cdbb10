import type { DataSource, EntityManager } from 'typeorm';
import { config } from '../../platform/config';
import { isUuid } from '../../platform/errors';
import { recordEvent } from '../../platform/events';
import { chargesOn } from '../../platform/products';
import { addDays, businessDate, nextDay } from './business-date';
import { accruedBy } from './domain/accrual';
import {
  type AccountAtDayEnd,
  type AssetClass,
  classifyBorrower,
  daysPastDue,
  overdueBucketOf,
} from './domain/delinquency';
import { dailyAccrual, provisionChange } from './domain/ledger';
import { provisionClassOf, requiredProvision } from './domain/provisioning';
import { loanEvents } from './events';
import {
  bookFallenDue,
  closeIfRepaid,
  IN_ARREARS,
  levy,
  levyDated,
  postMany,
  productsIn,
  reverseNpaIncome,
  settleDue,
} from './loan-service';
import { InstalmentRow, LoanRow } from './model/loan';

/**
 * A business day's servicing of some borrowers' active loans, for the day `day` opens (the close of the day
 * before it). The scope is in SQL over loans `l`: `$1` the borrowers, `$2` the day; a loan already serviced
 * for the day is out of it, so each step is applied to a loan once whoever runs it.
 */
const IN_SCOPE = `l.customer_id = ANY($1) AND l.status = 'ACTIVE' AND coalesce(l.serviced_on, l.disbursed_on) < $2`;

/** A loan's keys in a RETURNING or SELECT over loans `l`, for the events a step sends. */
const LOAN_KEYS =
  'l.id::text AS loan_id, l.application_id::text AS application_id, l.customer_id::text AS customer_id';
const keysOf = (r: Record<string, unknown>) => ({
  id: r.loan_id as string,
  applicationId: r.application_id as string,
  customerId: r.customer_id as string,
});

interface Day {
  customers: string[];
  day: string;
  lateFees: number;
}

/** The steps of a day, in order (each is idempotent: what it did is marked on the rows it touched). */
const STEPS: readonly (readonly [string, (m: EntityManager, d: Day) => Promise<void>])[] = [
  ['accrue', accrue],
  ['fall-due', fallDue],
  ['dated-charges', datedChargesFallDue],
  ['nothing-due', nothingDuePaid],
  ['credit', creditSettles],
  ['reminders', remind],
  ['late-charges', chargeLate],
  ['classify', classify],
  ['provision', provision],
];
export const SERVICING_STEPS = STEPS.map(([name]) => name);

/** A step's failure, named, so that a parked borrower says where it stopped. */
export class StepFailed extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`${step}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export interface Serviced {
  /** Loan-days serviced. */
  loans: number;
  lateFees: number;
}

/**
 * Brings the active loans of some borrowers up to the business date `asOf` in the caller's transaction:
 * every day after the one each loan was last serviced for, in order, runs the steps and stamps the loan
 * with the day, so a day is never applied twice and a missed day is never skipped. The loans are locked in
 * id order — the order every write locks them in — for as long as the transaction. `stepMs` collects the
 * time spent in each step.
 */
export async function serviceBorrowers(
  m: EntityManager,
  customers: string[],
  asOf: string,
  stepMs: Record<string, number> = {},
): Promise<Serviced> {
  const loans: { since: string }[] = await m.query(
    `SELECT coalesce(l.serviced_on, l.disbursed_on)::text AS since FROM loans l
      WHERE ${IN_SCOPE} ORDER BY l.id FOR UPDATE`,
    [customers, asOf],
  );
  const out: Serviced = { loans: 0, lateFees: 0 };
  if (loans.length === 0) return out;
  const first = loans.map((l) => l.since).sort()[0] as string;
  for (let day = nextDay(first); day <= asOf; day = nextDay(day)) {
    const d: Day = { customers, day, lateFees: 0 };
    for (const [name, step] of STEPS) {
      const started = performance.now();
      try {
        await step(m, d);
      } catch (e) {
        throw new StepFailed(name, e);
      }
      stepMs[name] = (stepMs[name] ?? 0) + performance.now() - started;
    }
    const [, stamped] = await m.query(`UPDATE loans l SET serviced_on = $2 WHERE ${IN_SCOPE}`, [
      customers,
      day,
    ]);
    out.loans += stamped as number;
    out.lateFees += d.lateFees;
  }
  await m.query(
    'UPDATE cob_parked SET resolved_at = now() WHERE customer_id = ANY($1) AND resolved_at IS NULL AND business_date <= $2',
    [customers, asOf],
  );
  return out;
}

/**
 * A write to a loan first brings its borrower up to the business date inline, in its own transaction, so
 * it applies to a loan whose day is closed — never waiting for the whole run, never refused while it runs.
 */
export async function upToDate(m: EntityManager, loanId: string) {
  if (!isUuid(loanId)) return;
  const [loan] = await m.query('SELECT customer_id::text AS c FROM loans WHERE id = $1', [loanId]);
  if (loan) await serviceBorrowers(m, [loan.c], await businessDate(m));
}

/** As `upToDate`, in a transaction of its own (before a write that opens its own). */
export const bringUpToDate = (db: DataSource, loanId: string) => db.transaction((m) => upToDate(m, loanId));

/**
 * Interest earned by the day's start on each performing loan's running instalment (accrual accounting,
 * DAILY loans; a non-performing loan earns nothing until it is paid):
 * what `accruedBy` says is earned, less what was accrued for it already, posted as income not yet due.
 */
async function accrue(m: EntityManager, d: Day) {
  const rows: { loan_id: string; n: number; open: string; accrued: string; start: string; due: string }[] =
    await m.query(
      `SELECT DISTINCT ON (i.loan_id) i.loan_id::text, i.n, (i.interest_minor - i.interest_paid_minor)::text AS open,
              i.accrued_minor::text AS accrued, coalesce(i.interest_from, p.due_date, l.disbursed_on)::text AS start,
              i.due_date::text AS due
         FROM loans l JOIN instalments i ON i.loan_id = l.id
         LEFT JOIN instalments p ON p.loan_id = i.loan_id AND p.n = i.n - 1
        WHERE ${IN_SCOPE} AND l.interest_recognition = 'DAILY' AND l.asset_class <> 'NPA'
          AND i.due_date > $2 AND NOT i.interest_accrued AND i.status <> 'PAID'
        ORDER BY i.loan_id, i.n`,
      [d.customers, d.day],
    );
  const moves = rows
    .map((r) => ({ ...r, amount: accruedBy(BigInt(r.open), r.start, r.due, d.day) - BigInt(r.accrued) }))
    .filter((r) => r.amount > 0n);
  if (moves.length === 0) return;
  await m.query(
    `UPDATE instalments i SET accrued_minor = i.accrued_minor + c.amount
       FROM unnest($1::uuid[], $2::int[], $3::bigint[]) AS c(loan_id, n, amount)
      WHERE i.loan_id = c.loan_id AND i.n = c.n`,
    [moves.map((r) => r.loan_id), moves.map((r) => r.n), moves.map((r) => r.amount.toString())],
  );
  await postMany(
    m,
    moves.map((r) => ({
      loanId: r.loan_id,
      entry: dailyAccrual(r.amount),
      reference: `interest of instalment ${r.n} accrued to ${d.day}`,
    })),
  );
}

/**
 * What has fallen due is booked: each instalment's interest as receivable (so the account shows what is
 * owed) and its instalment charges, once.
 */
async function fallDue(m: EntityManager, d: Day) {
  const [rows]: [Record<string, string | number>[], number] = await m.query(
    `UPDATE instalments i SET interest_accrued = true FROM loans l
      WHERE l.id = i.loan_id AND ${IN_SCOPE} AND i.due_date <= $2 AND i.status <> 'PAID' AND NOT i.interest_accrued
      RETURNING i.loan_id, i.n, (i.interest_minor - i.interest_paid_minor)::text AS interest,
                i.total_minor::text AS total, i.accrued_minor::text AS accrued, l.asset_class = 'NPA' AS npa`,
    [d.customers, d.day],
  );
  const productOf = productsIn(m);
  for (const row of rows) {
    const loanId = row.loan_id as string;
    await bookFallenDue(m, loanId, await productOf(loanId), {
      n: row.n as number,
      interestOpenMinor: BigInt(row.interest as string),
      totalMinor: BigInt(row.total as string),
      accruedMinor: BigInt(row.accrued as string),
      npa: row.npa as unknown as boolean,
    });
  }
}

/** Charges staff set for a date that has come are levied, once. */
async function datedChargesFallDue(m: EntityManager, d: Day) {
  const rows: Record<string, string>[] = await m.query(
    `SELECT c.id, c.loan_id, c.code, c.due_date::text AS due_date FROM dated_charges c JOIN loans l ON l.id = c.loan_id
      WHERE ${IN_SCOPE} AND c.levied_on IS NULL AND c.due_date <= $2 ORDER BY c.due_date, c.set_at`,
    [d.customers, d.day],
  );
  const productOf = productsIn(m);
  for (const r of rows) {
    const charge = { id: r.id as string, code: r.code as string, dueDate: r.due_date as string };
    await levyDated(m, r.loan_id as string, await productOf(r.loan_id as string), charge, d.day);
  }
}

/** An instalment with nothing to pay (a ₹0 moratorium row) is paid on its due date: no fee, no days past due. */
async function nothingDuePaid(m: EntityManager, d: Day) {
  await m.query(
    `UPDATE instalments i SET status = 'PAID' FROM loans l
      WHERE l.id = i.loan_id AND ${IN_SCOPE} AND i.due_date <= $2 AND i.status <> 'PAID'
        AND i.total_minor <= i.principal_paid_minor + i.interest_paid_minor`,
    [d.customers, d.day],
  );
}

/** Credit held (money paid ahead) settles what has fallen due, before any charge is levied on it. */
async function creditSettles(m: EntityManager, d: Day) {
  const withCredit: { id: string }[] = await m.query(
    `SELECT l.id FROM loans l
      WHERE ${IN_SCOPE}
        AND EXISTS (SELECT 1 FROM instalments i WHERE i.loan_id = l.id AND i.due_date <= $2 AND i.status <> 'PAID')
        AND (SELECT coalesce(sum(jl.credit_minor - jl.debit_minor), 0) FROM journal j
               JOIN journal_lines jl ON jl.entry_id = j.id
              WHERE j.loan_id = l.id AND jl.account = 'CUSTOMER_ADVANCE') > 0`,
    [d.customers, d.day],
  );
  for (const { id } of withCredit) {
    const loan = await m.findOneOrFail(LoanRow, { where: { id } });
    const rows = await m.find(InstalmentRow, { where: { loanId: id }, order: { n: 'ASC' } });
    await settleDue(m, loan, rows, d.day, 0n, `credit held, applied on ${d.day}`);
    await closeIfRepaid(m, loan, 'REPAID');
  }
}

/** Instalments with something to pay falling due within REMINDER_DAYS_AHEAD get one `repayment.reminder` each. */
async function remind(m: EntityManager, d: Day) {
  const [rows]: [Record<string, string | number>[], number] = await m.query(
    `UPDATE instalments i SET reminded_on = $2 FROM loans l
      WHERE l.id = i.loan_id AND ${IN_SCOPE} AND i.due_date BETWEEN $2 AND $3
        AND i.status IN ('DUE', 'PARTIAL') AND i.reminded_on IS NULL
        AND i.total_minor > i.principal_paid_minor + i.interest_paid_minor
      RETURNING ${LOAN_KEYS}, i.n, i.due_date::text AS due_date,
                (i.total_minor - i.principal_paid_minor - i.interest_paid_minor)::text AS left`,
    [d.customers, d.day, addDays(d.day, config().REMINDER_DAYS_AHEAD)],
  );
  for (const row of rows) {
    await recordEvent(
      m,
      loanEvents.reminder(keysOf(row), {
        n: row.n as number,
        dueDate: row.due_date as string,
        amountMinor: BigInt(row.left as string),
      }),
    );
  }
}

/**
 * Every instalment past its due date and the product's grace, and in arrears, is charged the product's
 * overdue charges once (what its KFS disclosed) and announced with `payment.overdue`.
 */
async function chargeLate(m: EntityManager, d: Day) {
  const [rows]: [Record<string, string | number>[], number] = await m.query(
    `UPDATE instalments i SET late_fee_charged_on = $2 FROM loans l
      WHERE l.id = i.loan_id AND ${IN_SCOPE} AND i.due_date + l.penal_grace_days < $2 AND i.status <> 'PAID'
        AND i.late_fee_charged_on IS NULL AND ${IN_ARREARS}
      RETURNING ${LOAN_KEYS}, i.n, i.due_date::text AS due_date,
                (i.total_minor - i.principal_paid_minor - i.interest_paid_minor)::text AS left`,
    [d.customers, d.day],
  );
  const productOf = productsIn(m);
  for (const row of rows) {
    const loan = keysOf(row);
    const dpd = daysPastDue(row.due_date as string, d.day);
    const product = await productOf(loan.id);
    let fee = 0n;
    for (const c of chargesOn(product, 'OVERDUE')) {
      fee += await levy(
        m,
        loan,
        product,
        c.code,
        { overdueInstalmentMinor: BigInt(row.left as string) },
        `late charge ${c.code}, instalment ${row.n}`,
      );
    }
    d.lateFees++;
    await recordEvent(
      m,
      loanEvents.overdue(loan, {
        n: row.n as number,
        dueDate: row.due_date as string,
        daysPastDue: dpd,
        bucket: overdueBucketOf(dpd),
        lateFeeMinor: fee,
      }),
    );
  }
}

/**
 * The day-end status of the day before `day`: each borrower's active loans are classified together
 * (`classifyBorrower`), the class stored with the day, and each change kept in loan_classes and announced
 * with `loan.classified`.
 */
async function classify(m: EntityManager, d: Day) {
  const closed = addDays(d.day, -1);
  const loans: {
    id: string;
    application_id: string;
    customer_id: string;
    asset_class: AssetClass;
    oldest: string | null;
  }[] = await m.query(
    `SELECT l.id, l.application_id, l.customer_id, l.asset_class,
            (SELECT min(i.due_date) FROM instalments i
              WHERE i.loan_id = l.id AND i.status IN ('DUE', 'PARTIAL') AND i.due_date < $2
                AND ${IN_ARREARS})::text AS oldest
       FROM loans l
      WHERE l.customer_id IN (SELECT l.customer_id FROM loans l WHERE ${IN_SCOPE}) AND l.status = 'ACTIVE'
      ORDER BY l.customer_id`,
    [d.customers, d.day],
  );
  const byBorrower = new Map<string, (AccountAtDayEnd & (typeof loans)[number])[]>();
  for (const l of loans) {
    const accounts = byBorrower.get(l.customer_id) ?? [];
    accounts.push({ ...l, loanId: l.id, daysPastDue: daysPastDue(l.oldest, d.day), current: l.asset_class });
    byBorrower.set(l.customer_id, accounts);
  }
  // Only a change is written: most loans keep their class from one day to the next.
  const ids: string[] = [];
  const classes: AssetClass[] = [];
  for (const accounts of byBorrower.values()) {
    const classified = classifyBorrower(accounts);
    for (const a of accounts) {
      const to = classified.get(a.loanId) as AssetClass;
      if (to === a.current) continue;
      ids.push(a.loanId);
      classes.push(to);
      if (to === 'NPA') await reverseNpaIncome(m, a.loanId, closed);
      await m.query(
        `INSERT INTO loan_classes (loan_id, date, previous, class, days_past_due) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [a.loanId, closed, a.current, to, a.daysPastDue],
      );
      await recordEvent(
        m,
        loanEvents.classified(
          { id: a.loanId, applicationId: a.application_id, customerId: a.customer_id },
          { date: closed, previous: a.current, assetClass: to, daysPastDue: a.daysPastDue },
        ),
      );
    }
  }
  if (ids.length === 0) return;
  await m.query(
    `UPDATE loans l SET asset_class = c.class, class_since = $3,
            npa_since = CASE WHEN c.class <> 'NPA' THEN NULL WHEN l.asset_class = 'NPA' THEN l.npa_since ELSE $3::date END,
            loss_identified_on = CASE WHEN c.class = 'NPA' THEN l.loss_identified_on END,
            loss_reason = CASE WHEN c.class = 'NPA' THEN l.loss_reason END
       FROM unnest($1::uuid[], $2::text[]) AS c(id, class)
      WHERE l.id = c.id`,
    [ids, classes, closed],
  );
}

/**
 * Each loan's provision brought to what its class at the day-end needs on the principal outstanding
 * (rates in schema/provisioning.json): only a change is posted — up as an expense, down written back.
 */
async function provision(m: EntityManager, d: Day) {
  const closed = addDays(d.day, -1);
  const rows: {
    id: string;
    asset_class: AssetClass;
    npa_since: string | null;
    loss_on: string | null;
    secured: boolean;
    held: string;
    outstanding: string;
  }[] = await m.query(
    `SELECT l.id::text, l.asset_class, l.npa_since::text, l.loss_identified_on::text AS loss_on, l.secured,
            l.provision_minor::text AS held,
            (SELECT coalesce(sum(i.principal_minor - i.principal_paid_minor), 0) FROM instalments i
              WHERE i.loan_id = l.id)::text AS outstanding
       FROM loans l WHERE ${IN_SCOPE}`,
    [d.customers, d.day],
  );
  const changes = rows
    .map((r) => ({
      id: r.id,
      delta:
        requiredProvision(
          BigInt(r.outstanding),
          provisionClassOf(r.asset_class, r.npa_since, closed, r.loss_on),
          r.secured,
        ) - BigInt(r.held),
    }))
    .filter((c) => c.delta !== 0n);
  if (changes.length === 0) return;
  await m.query(
    `UPDATE loans l SET provision_minor = l.provision_minor + c.delta
       FROM unnest($1::uuid[], $2::bigint[]) AS c(id, delta) WHERE l.id = c.id`,
    [changes.map((c) => c.id), changes.map((c) => c.delta.toString())],
  );
  await postMany(
    m,
    changes.map((c) => ({
      loanId: c.id,
      entry: provisionChange(c.delta),
      reference: `provision at the close of ${closed}`,
    })),
  );
}
