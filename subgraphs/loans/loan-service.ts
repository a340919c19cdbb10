import { createHash, randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager, MoreThan } from 'typeorm';
import { z } from 'zod';
import { type Caller, canSee, hasRole } from '../../platform/auth';
import { type GlAccount, glAccountOf } from '../../platform/chart-of-accounts';
import { updateVersioned } from '../../platform/db';
import { AppError, isUuid, notFound } from '../../platform/errors';
import { type EventMap, type EventOf, recordEvent } from '../../platform/events';
import { type Frequency, instalmentsFor, type Method, minAmount, shareOf } from '../../platform/finance';
import { money } from '../../platform/graphql/money';
import { keysetPage } from '../../platform/graphql/page';
import { logger } from '../../platform/log';
import {
  type ChargeBase,
  chargeFor,
  chargesOn,
  coolingOffDaysOf,
  disclosedCharge,
  gstInFee,
  type LoanProduct,
  productOfTerms,
} from '../../platform/products';
import { Role } from '../../platform/roles';
import { parseInput, staffReason } from '../../platform/validation';
import { addDays, businessDate, valueDateOf } from './business-date';
import { renderNoDues } from './domain/agreement-pdf';
import { applyPayment, parseAllocationOrder } from './domain/allocation';
import { type AssetClass, bucketOf, daysPastDue, portfolioLines } from './domain/delinquency';
import { AgreementStatus } from './domain/esign';
import { type ForeclosureQuote, foreclosureQuote as quoteFigures } from './domain/foreclosure';
import {
  type Account,
  balances,
  chargeWaiver,
  creditHeld,
  disbursement,
  type Entry,
  feeCharge,
  interestDue,
  npaReversal,
  owed,
  penaltyCharge,
  provisionChange,
  recovery,
  repayment,
  suspenseHeld,
  suspenseRelease,
  writeOff,
} from './domain/ledger';
import {
  PREPAYMENT_OPTIONS,
  type PrepaymentOption,
  type PrepaymentPlan,
  planPrepayment,
} from './domain/prepayment';
import { buildSchedule, type ScheduledInstalment } from './domain/schedule';
import { loanEvents } from './events';
import { AgreementRow, ContractRow } from './model/agreement';
import { InstalmentRow, LoanRow, NoDuesRow } from './model/loan';
import { agreementFiles, contactOf, LENDER, repaymentOf } from './service';

export const LOAN_ACTIVATORS = [Role.SYSTEM, Role.ADMIN];
const log = logger('loans');

/** The product version a loan keeps (from its accepted offer): its allocation order and charges. */
export async function productOfLoan(m: DataSource | EntityManager, loan: LoanRow): Promise<LoanProduct> {
  const contract = await m
    .getRepository(ContractRow)
    .findOne({ where: { applicationId: loan.applicationId } });
  return productOfTerms((contract?.offer ?? {}) as { product?: unknown });
}

/** The product of each loan a batch touches, read once per loan. */
export function productsIn(m: EntityManager) {
  const seen = new Map<string, Promise<LoanProduct>>();
  return (loanId: string) => {
    let p = seen.get(loanId);
    if (!p) {
      p = m.findOneOrFail(LoanRow, { where: { id: loanId } }).then((loan) => productOfLoan(m, loan));
      seen.set(loanId, p);
    }
    return p;
  };
}

/**
 * SQL over instalments `i` joined to their loan `l`: the instalment is in arrears — more is left on it than
 * the loan's product tolerates (a few rupees short is not a default: no penal charge, no days past due).
 */
export const IN_ARREARS =
  'i.total_minor - i.principal_paid_minor - i.interest_paid_minor > l.arrears_tolerance_minor';

/** Posts a balanced entry (the database checks the balance again at commit). */
export const post = (m: EntityManager, loanId: string, entry: Entry, reference: string | null) =>
  postMany(m, [{ loanId, entry, reference }]);

/** Posts balanced entries, any number of loans' in two statements (the close of business posts thousands). */
export async function postMany(
  m: EntityManager,
  entries: readonly { loanId: string; entry: Entry; reference: string | null }[],
) {
  if (entries.length === 0) return;
  const ids = entries.map(() => randomUUID());
  await m.query(
    `INSERT INTO journal (id, loan_id, kind, reference, posted_at)
     SELECT id, loan_id, kind, reference, now() FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])
       AS e(id, loan_id, kind, reference)`,
    [ids, entries.map((e) => e.loanId), entries.map((e) => e.entry.kind), entries.map((e) => e.reference)],
  );
  const lines = entries.flatMap((e, k) => e.entry.lines.map((l) => ({ id: ids[k], ...l })));
  await m.query(
    `INSERT INTO journal_lines (entry_id, account, debit_minor, credit_minor)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[])`,
    [
      lines.map((l) => l.id),
      lines.map((l) => l.account),
      lines.map((l) => l.debitMinor.toString()),
      lines.map((l) => l.creditMinor.toString()),
    ],
  );
}

/** The repayment schedule of a contract for a disbursement date. */
function scheduleFor(contract: ContractRow, disbursedOn: string) {
  const o = contract.offer as Record<string, string | number>;
  const repayment = repaymentOf(o);
  return buildSchedule({
    principalMinor: BigInt(o.amountMinor as string),
    annualRateBps: Number(o.annualRateBps),
    instalments: instalmentsFor(Number(o.tenureMonths), repayment.frequency) - repayment.moratoriumPeriods,
    frequency: repayment.frequency,
    method: repayment.method,
    moratoriumPeriods: repayment.moratoriumPeriods,
    rounding: repayment.rounding,
    disbursementDate: disbursedOn,
  });
}

/** Writes the loan's schedule afresh (nothing is paid on a loan before it is funded). */
async function writeSchedule(m: EntityManager, loanId: string, schedule: ScheduledInstalment[]) {
  await m.delete(InstalmentRow, { loanId });
  await m.insert(
    InstalmentRow,
    schedule.map((r) => ({
      loanId,
      n: r.n,
      dueDate: r.dueDate,
      openingMinor: r.openingMinor.toString(),
      principalMinor: r.principalMinor.toString(),
      interestMinor: r.interestMinor.toString(),
      totalMinor: r.totalMinor.toString(),
      closingMinor: r.closingMinor.toString(),
      status: 'DUE',
      principalPaidMinor: '0',
      interestPaidMinor: '0',
      interestAccrued: false,
      interestFrom: null,
      lateFeeChargedOn: null,
      remindedOn: null,
    })),
  );
}

/**
 * Opens the loan account of a signed agreement (once, however often asked) with the schedule it will have
 * if funded today, and sends it to the lender waterfall (disbursement.initiated). It is PENDING_DISBURSEMENT
 * until a partner lender pays out (lender.disbursed), or DISBURSEMENT_FAILED when none does.
 */
export async function activate(m: EntityManager, applicationId: string, actorId: string | undefined) {
  const existing = await m.findOne(LoanRow, { where: { applicationId } });
  if (existing) return existing;
  const agreement = await m.findOne(AgreementRow, { where: { applicationId } });
  if (!agreement) throw notFound('agreement');
  if (agreement.status !== AgreementStatus.SIGNED) {
    throw new AppError('FAILED_PRECONDITION', `the agreement is ${agreement.status}, not signed`);
  }
  const contract = await m.findOneOrFail(ContractRow, { where: { applicationId } });
  const o = contract.offer as Record<string, string | number>;
  const disbursedOn = await businessDate(m);
  let schedule: ScheduledInstalment[];
  let unopenable: string | null = null;
  try {
    schedule = scheduleFor(contract, disbursedOn);
  } catch (e) {
    // Terms that can never make a schedule (an offer accepted under older, looser rules) are a failure
    // the borrower and the bank see — never a retried, dead-lettered, silently stuck activation.
    if (!(e instanceof AppError)) throw e;
    schedule = [];
    unopenable = `the loan could not be opened on the accepted terms: ${e.message}`;
  }
  const repayment = repaymentOf(o);
  const id = randomUUID();
  const loan = m.create(LoanRow, {
    id,
    applicationId,
    customerId: agreement.customerId,
    accountNumber: `LN${Date.now().toString(36).toUpperCase()}${id.slice(0, 4).toUpperCase()}`,
    status: unopenable ? 'DISBURSEMENT_FAILED' : 'PENDING_DISBURSEMENT',
    principalMinor: String(o.amountMinor),
    feeMinor: String(o.processingFeeMinor),
    currency: String(o.currency),
    annualRateBps: Number(o.annualRateBps),
    instalments: schedule.length,
    frequency: repayment.frequency,
    method: repayment.method,
    disbursedOn,
    arrearsToleranceMinor: productOfTerms(o).arrearsToleranceMinor ?? '0',
    penalGraceDays: productOfTerms(o).penalGraceDays ?? 0,
    interestRecognition: productOfTerms(o).interestRecognition ?? 'DAILY',
    secured: productOfTerms(o).secured ?? false,
    activatedAt: new Date(),
    fundedAt: null,
    lenderCode: null,
    lenderLoanRef: null,
    closedAt: null,
    closureReason: null,
    version: 1,
  });
  await m.insert(LoanRow, loan);
  if (unopenable) {
    log.error({ loanId: id, applicationId, reason: unopenable }, 'loan not opened');
    await recordEvent(m, loanEvents.disbursementFailed(loan, unopenable));
    return loan;
  }
  await writeSchedule(m, id, schedule);
  await recordEvent(m, loanEvents.disbursementInitiated(loan, actorId));
  return loan;
}

/** The application's loan, locked, while it waits for a lender (null once that is settled). */
async function awaitingFunds(m: EntityManager, applicationId: string) {
  const loan = await m.findOne(LoanRow, { where: { applicationId }, lock: { mode: 'pessimistic_write' } });
  if (!loan) throw new Error(`no loan for application ${applicationId}`);
  return loan.status === 'PENDING_DISBURSEMENT' ? loan : null;
}

/**
 * lenders → loans: a partner lender paid the loan out. The loan becomes ACTIVE from today (its schedule
 * drawn for the day of funding, which may come after the day it was opened), the disbursement is booked, and
 * loan.activated, repayment.schedule.created and disbursement.completed follow.
 */
export async function onLenderDisbursed(m: EntityManager, event: EventOf<'lender.disbursed'>) {
  const d = event.data;
  const loan = await awaitingFunds(m, d.applicationId);
  if (!loan) return;
  const principal = BigInt(loan.principalMinor);
  const fee = BigInt(loan.feeMinor);
  // A lender that booked another principal is a matter for operations (the event goes to the dead letters).
  if (BigInt(d.amountMinor) !== principal) {
    throw new Error(`lender ${d.lenderCode} booked ${d.amountMinor}, the loan's principal is ${principal}`);
  }
  const disbursedOn = await businessDate(m);
  const contract = await m.findOneOrFail(ContractRow, { where: { applicationId: loan.applicationId } });
  const schedule = scheduleFor(contract, disbursedOn);
  const feeGst = gstInFee(productOfTerms(contract.offer as { product?: unknown }), principal, fee);
  await writeSchedule(m, loan.id, schedule);
  const funded = await updateVersioned(m, LoanRow, loan, {
    status: 'ACTIVE',
    disbursedOn,
    instalments: schedule.length,
    fundedAt: new Date(),
    lenderCode: d.lenderCode,
    lenderLoanRef: d.lenderLoanRef,
  });
  await post(
    m,
    loan.id,
    disbursement(principal, fee, feeGst),
    `disbursement of ${loan.accountNumber} by ${d.lenderCode} ${d.lenderLoanRef}`,
  );
  await recordEvent(m, loanEvents.activated(funded));
  await recordEvent(m, loanEvents.scheduleCreated(funded, schedule));
  await recordEvent(m, loanEvents.disbursementCompleted(funded));
}

/** lenders → loans: no partner lender funded the loan; nothing is owed, and the borrower is told. */
export async function onWaterfallFailed(m: EntityManager, event: EventOf<'lender.waterfall.failed'>) {
  const d = event.data;
  const loan = await awaitingFunds(m, d.applicationId);
  if (!loan) return;
  const failed = await updateVersioned(m, LoanRow, loan, { status: 'DISBURSEMENT_FAILED' });
  log.warn(
    { loanId: loan.id, applicationId: loan.applicationId, reason: d.reason },
    'no partner lender funded the loan',
  );
  await recordEvent(m, loanEvents.disbursementFailed(failed, d.reason));
}

/** loans → loans: a signed agreement activates its loan. */
export async function onAgreementSigned(m: EntityManager, event: EventOf<'agreement.signed'>) {
  await activate(m, event.data.applicationId, undefined);
}

export function activateLoan(db: DataSource, caller: Caller, applicationId: string) {
  if (!isUuid(applicationId)) throw notFound('application');
  return db.transaction((m) => activate(m, applicationId, caller.userId));
}

export async function getLoan(db: DataSource, caller: Caller | null, id: string) {
  const loan = isUuid(id) ? await db.getRepository(LoanRow).findOne({ where: { id } }) : null;
  if (!loan || !canSee(caller, loan.customerId)) throw notFound('loan');
  return loan;
}

export async function loanFor(db: DataSource, caller: Caller | null, applicationId: string) {
  const loan = isUuid(applicationId)
    ? await db.getRepository(LoanRow).findOne({ where: { applicationId } })
    : null;
  return loan && canSee(caller, loan.customerId) ? loan : null;
}

export const scheduleOf = (db: DataSource, loanId: string) =>
  db.getRepository(InstalmentRow).find({ where: { loanId }, order: { n: 'ASC' } });

/** The loan's account balances, summed in the database from its journal lines. */
async function balancesOf(db: DataSource | EntityManager, loanId: string) {
  const lines: { account: Account; debit: string; credit: string }[] = await db.query(
    `SELECT l.account, sum(l.debit_minor)::text AS debit, sum(l.credit_minor)::text AS credit
       FROM journal_lines l JOIN journal j ON j.id = l.entry_id WHERE j.loan_id = $1 GROUP BY l.account`,
    [loanId],
  );
  return balances([
    {
      kind: 'REPAYMENT',
      lines: lines.map((l) => ({
        account: l.account,
        debitMinor: BigInt(l.debit),
        creditMinor: BigInt(l.credit),
      })),
    },
  ]);
}

type InstalmentFigures = Pick<
  InstalmentRow,
  'n' | 'dueDate' | 'principalMinor' | 'interestMinor' | 'principalPaidMinor' | 'interestPaidMinor'
> & { interestFrom?: string | null };
const dueOf = (i: InstalmentFigures) => ({
  n: i.n,
  dueDate: i.dueDate,
  principalMinor: BigInt(i.principalMinor),
  interestMinor: BigInt(i.interestMinor),
  principalPaidMinor: BigInt(i.principalPaidMinor),
  interestPaidMinor: BigInt(i.interestPaidMinor),
  interestFrom: i.interestFrom ?? null,
});

/**
 * The charges a product levies for paying early on a date: none within the cooling-off period (RBI, 2025:
 * the borrower exits then without penalty — and we take none on a part-prepayment then either).
 */
function earlyCharges(
  loan: LoanRow,
  product: LoanProduct,
  asOf: string,
  trigger: 'FORECLOSURE' | 'PREPAYMENT',
) {
  const coolingOffEnds = new Date(Date.parse(loan.disbursedOn) + coolingOffDaysOf(product) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return asOf <= coolingOffEnds ? [] : chargesOn(product, trigger);
}

/** What pays the loan off on a date, from its schedule and the charges in its ledger. */
async function quoteOf(m: DataSource | EntityManager, loan: LoanRow, asOf: string, rows?: InstalmentRow[]) {
  const instalments = rows ?? (await m.getRepository(InstalmentRow).find({ where: { loanId: loan.id } }));
  const b = await balancesOf(m, loan.id);
  const product = await productOfLoan(m, loan);
  const dues = owed(b);
  // Charges set for a date up to asOf and not levied yet are owed by then too (a payoff levies them).
  const dated = (await pendingDated(m, loan.id, asOf)).reduce(
    (sum, d) => sum + datedAmount(product, d.code, dues.principalMinor).total,
    0n,
  );
  return quoteFigures({
    asOf,
    disbursedOn: loan.disbursedOn,
    charges: { ...dues, feesMinor: dues.feesMinor + dated },
    creditMinor: creditHeld(b),
    instalments: instalments.map(dueOf),
    foreclosureCharges: earlyCharges(loan, product, asOf, 'FORECLOSURE'),
  });
}

const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(d)) && new Date(d).toISOString().startsWith(d), 'not a date');
/** How far ahead a borrower can ask what paying off will cost. */
export const QUOTE_HORIZON_DAYS = 30;

/** The date a quote or preview is for: from the disbursement up to 30 days past the business date (by default). */
async function quoteDate(m: EntityManager, loan: LoanRow, date?: string) {
  const open = await businessDate(m);
  const asOf = date === undefined ? open : parseInput(z.object({ date: dateSchema }), { date }).date;
  const horizon = addDays(open, QUOTE_HORIZON_DAYS);
  if (asOf < loan.disbursedOn || asOf > horizon) {
    throw new AppError('BAD_USER_INPUT', `a quote is for a date from ${loan.disbursedOn} to ${horizon}`, {
      field: 'date',
    });
  }
  if (loan.status !== 'ACTIVE') throw new AppError('FAILED_PRECONDITION', `the loan is ${loan.status}`);
  return asOf;
}

/** The foreclosure quote for a date from the disbursement up to 30 days ahead (the business date by default). */
export async function foreclosureQuote(db: DataSource, caller: Caller | null, loanId: string, date?: string) {
  const loan = await getLoan(db, caller, loanId);
  return { loan, quote: await quoteOf(db, loan, await quoteDate(db.manager, loan, date)) };
}

/**
 * What a part-prepayment of `amount` received on a date would do (the business date by default): what it settles,
 * what goes to principal, the new schedule and the interest saved. The payment, when verified, is
 * applied by the same plan from the same state.
 */
export async function prepaymentPreview(
  db: DataSource,
  caller: Caller | null,
  loanId: string,
  input: { amountMinor: bigint; option: string; date?: string },
) {
  const loan = await getLoan(db, caller, loanId);
  const asOf = await quoteDate(db.manager, loan, input.date);
  const { amountMinor, option } = parseInput(
    z.object({
      amountMinor: z.bigint().positive('must be a positive amount').max(100_000_000_000n),
      option: z.enum(PREPAYMENT_OPTIONS),
    }),
    input,
  );
  const rows = await db
    .getRepository(InstalmentRow)
    .find({ where: { loanId: loan.id }, order: { n: 'ASC' } });
  return { loan, plan: await planFor(db, loan, rows, asOf, amountMinor, option) };
}

/** The part-prepayment plan for the loan as it stands, if its product allows the option. */
async function planFor(
  m: DataSource | EntityManager,
  loan: LoanRow,
  rows: InstalmentRow[],
  asOf: string,
  amountMinor: bigint,
  option: PrepaymentOption,
) {
  const product = await productOfLoan(m, loan);
  const allowed = product.partPrepayment ?? PREPAYMENT_OPTIONS;
  if (!allowed.includes(option)) {
    throw new AppError(
      'FAILED_PRECONDITION',
      allowed.length
        ? `${product.name} allows part-prepayment only to ${allowed.join(' or ')}`
        : `${product.name} takes no part-prepayment (paying off early is a foreclosure)`,
    );
  }
  const contract = await m
    .getRepository(ContractRow)
    .findOne({ where: { applicationId: loan.applicationId } });
  const b = await balancesOf(m, loan.id);
  const repayment = repaymentOf((contract?.offer ?? {}) as Record<string, unknown>);
  return planPrepayment({
    asOf,
    disbursedOn: loan.disbursedOn,
    annualRateBps: loan.annualRateBps,
    frequency: loan.frequency as Frequency,
    method: loan.method as Method,
    moratoriumPeriods: repayment.moratoriumPeriods,
    rounding: repayment.rounding,
    instalments: rows.map(dueOf),
    charges: owed(b),
    creditMinor: creditHeld(b),
    amountMinor,
    option,
    prepaymentCharges: earlyCharges(loan, product, asOf, 'PREPAYMENT'),
  });
}

const PREPAY_PURPOSES: Partial<Record<EventMap['payment.verified']['purpose'], PrepaymentOption>> = {
  PREPAY_REDUCE_EMI: 'REDUCE_EMI',
  PREPAY_REDUCE_TENURE: 'REDUCE_TENURE',
};

/**
 * payments → loans: a verified payment is applied to the account; a loan with nothing left owing closes.
 * Credit held from earlier payments is spent with it. A foreclosure payment that covers the quote for the
 * day it was received pays the loan off; one that falls short pays what is due by that day and the rest
 * is held as credit towards the payoff — it never pays the interest of periods not yet run.
 */
export async function onPaymentVerified(m: EntityManager, event: EventOf<'payment.verified'>) {
  const d = event.data;
  const loan = await m.findOne(LoanRow, { where: { id: d.loanId }, lock: { mode: 'pessimistic_write' } });
  if (!loan) throw new Error(`payment ${d.paymentId} names unknown loan ${d.loanId}`);
  const amount = BigInt(d.amountMinor);
  if (loan.status === 'WRITTEN_OFF') {
    await post(m, loan.id, recovery(amount), `recovery, payment ${d.paymentId}`);
    await recordEvent(m, loanEvents.recovered(loan, d.paymentId, amount));
    return;
  }
  if (loan.status !== 'ACTIVE') {
    // Money for a closed loan is owed back, never lost.
    await post(m, loan.id, repayment(NOTHING, amount), `payment ${d.paymentId} after closure`);
    return;
  }
  // Locked, so the daily accrual cannot book an instalment's interest while this payment does.
  const rows = await m.find(InstalmentRow, {
    where: { loanId: loan.id },
    order: { n: 'ASC' },
    lock: { mode: 'pessimistic_write' },
  });
  const receivedOn = await valueDateOf(m, new Date(d.receivedAt));
  const option = PREPAY_PURPOSES[d.purpose];
  if (d.purpose === 'FORECLOSURE' || option) {
    // Money that covers the payoff pays the loan off, whether it was sent as a foreclosure or a prepayment.
    const quote = await quoteOf(m, loan, receivedOn, rows);
    if (amount >= quote.totalMinor) return payOff(m, loan, rows, quote, d.paymentId, amount);
  }
  if (option) {
    try {
      const plan = await planFor(m, loan, rows, receivedOn, amount, option);
      return await prepay(m, loan, rows, plan, d.paymentId, amount);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      // Verified money is never refused: it pays what is due and the rest is held as credit (shown).
      log.info(
        { loanId: loan.id, paymentId: d.paymentId, reason: e.message },
        'part-prepayment held as credit',
      );
    }
  }
  await settleDue(m, loan, rows, receivedOn, amount, `payment ${d.paymentId}`);
  // Money valued on an earlier day than the loan's books (verified after a close of business) is held as
  // credit there; what has fallen due since in the books is settled from it now, not at the next close.
  const booked = loan.servicedOn ?? receivedOn;
  if (booked > receivedOn) await settleDue(m, loan, rows, booked, 0n, `credit held, applied on ${booked}`);
  await closeIfRepaid(m, loan, 'REPAID');
}

/**
 * Applies a part-prepayment plan: the money settles what is due (with credit held), then the running
 * instalment's interest accrued by the day (booked and paid), then principal; the instalments from the
 * running one on are rewritten as the plan has them, later ones dropped, and the borrower told.
 */
async function prepay(
  m: EntityManager,
  loan: LoanRow,
  rows: InstalmentRow[],
  plan: PrepaymentPlan,
  paymentId: string,
  amount: bigint,
) {
  const reference = `part-prepayment ${paymentId}`;
  // Dues first: what is left over (at least the accrued interest) is held as credit for a moment.
  await settleDue(m, loan, rows, plan.asOf, amount - plan.prepaidMinor - plan.chargeMinor, reference);
  if (plan.chargeMinor > 0n) {
    const gst = plan.chargeGstMinor;
    await post(m, loan.id, feeCharge(plan.chargeMinor - gst, gst), `prepayment charge, ${reference}`);
    await post(m, loan.id, repayment({ ...NOTHING, feesMinor: plan.chargeMinor }, 0n), reference);
  }
  const running = rows.find((i) => i.n === plan.runningInstalment);
  await recogniseInterest(
    m,
    loan.id,
    { n: plan.runningInstalment, accruedMinor: BigInt(running?.accruedMinor ?? 0) },
    plan.accruedInterestMinor,
    `interest of instalment ${plan.runningInstalment} to ${plan.asOf}`,
    loan.assetClass === 'NPA',
  );
  await releaseSuspense(m, loan.id, plan.accruedInterestMinor);
  if (plan.accruedInterestMinor > 0n) {
    await post(
      m,
      loan.id,
      repayment({ ...NOTHING, interestMinor: plan.accruedInterestMinor }, 0n, plan.accruedInterestMinor),
      reference,
    );
  }
  await post(m, loan.id, repayment({ ...NOTHING, principalMinor: plan.prepaidMinor }, 0n), reference);
  for (const [k, r] of plan.schedule.entries()) {
    await m.update(
      InstalmentRow,
      { loanId: loan.id, n: r.n },
      {
        openingMinor: r.openingMinor.toString(),
        principalMinor: r.principalMinor.toString(),
        interestMinor: r.interestMinor.toString(),
        totalMinor: r.totalMinor.toString(),
        closingMinor: r.closingMinor.toString(),
        interestPaidMinor: r.interestPaidMinor.toString(),
        interestFrom: k === 0 ? plan.asOf : null,
      },
    );
  }
  const last = plan.runningInstalment + plan.instalmentsAfter - 1;
  await m.delete(InstalmentRow, { loanId: loan.id, n: MoreThan(last) });
  const updated = await updateVersioned(m, LoanRow, loan, { instalments: last });
  const next = plan.schedule[0] as PrepaymentPlan['schedule'][number];
  await recordEvent(
    m,
    loanEvents.prepaid(updated, {
      paymentId,
      option: plan.option,
      prepaidMinor: plan.prepaidMinor,
      interestSavedMinor: plan.interestSavedMinor,
      instalmentsLeft: plan.instalmentsAfter,
      next: { n: next.n, dueDate: next.dueDate, totalMinor: next.totalMinor - next.interestPaidMinor },
    }),
  );
}

/**
 * Money for the loan (a payment, and credit held from earlier ones) settles what is due by `asOf` —
 * charges and the instalments fallen due, in the allocation order — and the rest is held as credit, to
 * settle instalments as they fall due (the daily run) or a payoff. Interest of a period not yet run is
 * never booked or paid ahead: paying early is an advance, not a prepayment of future interest.
 */
export async function settleDue(
  m: EntityManager,
  loan: LoanRow,
  rows: InstalmentRow[],
  asOf: string,
  amount: bigint,
  reference: string,
) {
  const product = await productOfLoan(m, loan);
  const due = rows.filter((i) => i.dueDate <= asOf);
  // What has fallen due is booked first, so its instalment charges are owed when the money is split.
  for (const row of due) await accrueOnce(m, loan, row, product);
  const b = await balancesOf(m, loan.id);
  const held = creditHeld(b);
  if (amount + held <= 0n) return;
  const order = parseAllocationOrder(product.allocationOrder.join(','));
  const r = applyPayment(amount + held, owed(b), due.map(dueOf), order, asOf);
  if (amount === 0n && r.advanceMinor === held) return; // credit, and nothing due for it to settle
  for (const paid of r.instalments) {
    const row = rows.find((i) => i.n === paid.n) as InstalmentRow;
    const interestPaid = BigInt(row.interestPaidMinor) + paid.interestMinor;
    const principalPaid = BigInt(row.principalPaidMinor) + paid.principalMinor;
    Object.assign(row, {
      interestPaidMinor: interestPaid.toString(),
      principalPaidMinor: principalPaid.toString(),
      status: paid.settled ? 'PAID' : 'PARTIAL',
    });
    await m.update(
      InstalmentRow,
      { loanId: loan.id, n: paid.n },
      {
        interestPaidMinor: row.interestPaidMinor,
        principalPaidMinor: row.principalPaidMinor,
        status: row.status,
      },
    );
  }
  await post(m, loan.id, repayment(r.applied, r.advanceMinor, held), reference);
  await releaseSuspense(m, loan.id, r.applied.interestMinor);
}

/** Interest paid out of what was held in suspense is income now (cash basis on a non-performing loan). */
async function releaseSuspense(m: EntityManager, loanId: string, interestPaidMinor: bigint) {
  if (interestPaidMinor <= 0n) return;
  const release = minAmount(interestPaidMinor, suspenseHeld(await balancesOf(m, loanId)));
  if (release > 0n)
    await post(m, loanId, suspenseRelease(release), 'interest received, released from suspense');
}

/**
 * A loan that became non-performing at a day-end: the income it has not received is taken back — the
 * interest accrued ahead of its due dates reversed, the interest due and unpaid moved to suspense.
 */
export async function reverseNpaIncome(m: EntityManager, loanId: string, day: string) {
  const b = await balancesOf(m, loanId);
  const accrued = b.get('INTEREST_ACCRUED') ?? 0n;
  const unpaid = (b.get('INTEREST_RECEIVABLE') ?? 0n) - suspenseHeld(b);
  if (accrued + unpaid <= 0n) return;
  await post(m, loanId, npaReversal(accrued, unpaid), `non-performing at the close of ${day}`);
  await m.query('UPDATE instalments SET accrued_minor = 0 WHERE loan_id = $1 AND accrued_minor > 0', [
    loanId,
  ]);
}

/**
 * What an instalment falling due books, once (`interest_accrued` marks it done): its scheduled interest
 * not yet paid as receivable — interest a part-prepayment already booked and paid up to its day is not
 * booked again — and, when it has something to pay, the product's instalment charges with their GST.
 */
export async function bookFallenDue(
  m: EntityManager,
  loanId: string,
  product: LoanProduct,
  row: { n: number; interestOpenMinor: bigint; totalMinor: bigint; accruedMinor: bigint; npa: boolean },
) {
  await recogniseInterest(m, loanId, row, row.interestOpenMinor, `interest of instalment ${row.n}`, row.npa);
  if (row.totalMinor <= 0n) return;
  for (const c of chargesOn(product, 'INSTALMENT')) {
    const { amountMinor, gstMinor } = chargeFor(c, {});
    if (amountMinor + gstMinor > 0n) {
      await post(m, loanId, feeCharge(amountMinor, gstMinor), `charge ${c.code}, instalment ${row.n}`);
    }
  }
}

/** Books an instalment as fallen due, once. */
async function accrueOnce(m: EntityManager, loan: LoanRow, row: InstalmentRow, product: LoanProduct) {
  if (row.interestAccrued) return;
  await bookFallenDue(m, row.loanId, product, {
    n: row.n,
    interestOpenMinor: BigInt(row.interestMinor) - BigInt(row.interestPaidMinor),
    totalMinor: BigInt(row.totalMinor),
    accruedMinor: BigInt(row.accruedMinor),
    npa: loan.assetClass === 'NPA',
  });
  await m.update(InstalmentRow, { loanId: row.loanId, n: row.n }, { interestAccrued: true });
  Object.assign(row, { interestAccrued: true, accruedMinor: '0' });
}

/**
 * Interest of an instalment becoming receivable — falling due, or paid for a broken period — with what was
 * accrued for it day by day moved across (and any excess given back): the instalment has nothing accrued
 * left after.
 */
async function recogniseInterest(
  m: EntityManager,
  loanId: string,
  row: { n: number; accruedMinor: bigint },
  dueMinor: bigint,
  reference: string,
  npa: boolean,
) {
  if (dueMinor === 0n && row.accruedMinor === 0n) return;
  await post(m, loanId, interestDue(dueMinor, row.accruedMinor, npa), reference);
  if (row.accruedMinor > 0n) {
    await m.update(InstalmentRow, { loanId, n: row.n }, { accruedMinor: '0' });
  }
}

/** Pays the loan off at its quote: the interest and charge it names are booked, then everything is settled. */
async function payOff(
  m: EntityManager,
  loan: LoanRow,
  rows: InstalmentRow[],
  quote: ForeclosureQuote,
  paymentId: string,
  amount: bigint,
) {
  const product = await productOfLoan(m, loan);
  for (const row of rows.filter((i) => i.dueDate <= quote.asOf)) await accrueOnce(m, loan, row, product);
  for (const d of await pendingDated(m, loan.id, quote.asOf))
    await levyDated(m, loan.id, product, d, quote.asOf);
  // The running period's interest is the quote's; anything accrued ahead on a later one is given back.
  for (const row of rows.filter((i) => i.dueDate > quote.asOf)) {
    const running = row.n === quote.runningInstalment;
    await recogniseInterest(
      m,
      loan.id,
      { n: row.n, accruedMinor: BigInt(row.accruedMinor) },
      running ? quote.brokenPeriodInterestMinor : 0n,
      running
        ? `interest of instalment ${row.n} to ${quote.asOf}`
        : `accrual of instalment ${row.n} reversed`,
      loan.assetClass === 'NPA',
    );
  }
  if (quote.chargeMinor > 0n) {
    const gst = quote.chargeGstMinor;
    await post(m, loan.id, feeCharge(quote.chargeMinor - gst, gst), 'foreclosure charge');
  }
  for (const row of rows) {
    if (row.status === 'PAID') continue;
    const due = row.dueDate <= quote.asOf;
    const interestPaid =
      BigInt(row.interestPaidMinor) +
      (due
        ? BigInt(row.interestMinor) - BigInt(row.interestPaidMinor)
        : row.n === quote.runningInstalment
          ? quote.brokenPeriodInterestMinor
          : 0n);
    await m.update(
      InstalmentRow,
      { loanId: loan.id, n: row.n },
      {
        interestPaidMinor: interestPaid.toString(),
        principalPaidMinor: row.principalMinor,
        status: due ? 'PAID' : 'FORECLOSED',
      },
    );
  }
  const b = await balancesOf(m, loan.id);
  const dues = owed(b);
  const total = dues.penaltyMinor + dues.feesMinor + dues.interestMinor + dues.principalMinor;
  const held = creditHeld(b);
  await post(m, loan.id, repayment(dues, amount + held - total, held), `foreclosure payment ${paymentId}`);
  await releaseSuspense(m, loan.id, dues.interestMinor);
  await closeIfRepaid(m, loan, 'FORECLOSED');
}

/** Closes a loan nothing is owed on; the amount still owed otherwise. */
export async function closeIfRepaid(m: EntityManager, loan: LoanRow, reason: 'REPAID' | 'FORECLOSED') {
  const left = owed(await balancesOf(m, loan.id));
  const total = Object.values(left).reduce((a, v) => a + v, 0n);
  if (total !== 0n) return { closed: null, owedMinor: total };
  // Nothing is at risk on a repaid loan: its provision is written back.
  const held = BigInt(loan.provisionMinor);
  if (held > 0n) await post(m, loan.id, provisionChange(-held), 'provision written back: repaid');
  const closed = await updateVersioned(m, LoanRow, loan, {
    status: 'CLOSED',
    closedAt: new Date(),
    closureReason: reason,
    provisionMinor: '0',
  });
  await recordEvent(m, loanEvents.fullyRepaid(closed));
  await recordEvent(m, loanEvents.closed(closed, reason));
  return { closed, owedMinor: 0n };
}

/** Loan operations, besides the borrower, may ask for a closure. */
export const CLOSERS = [Role.MANAGER, Role.ADMIN];

/**
 * Closes a loan once nothing is owed. A loan closes by itself on the payment that clears it, so this
 * confirms a closure (a closed loan is returned as it is) or says what is still owed.
 */
export async function closeLoan(db: DataSource, caller: Caller, loanId: string) {
  return db.transaction(async (m) => {
    const loan = isUuid(loanId)
      ? await m.findOne(LoanRow, { where: { id: loanId }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!loan || !canSee(caller, loan.customerId)) throw notFound('loan');
    if (caller.userId !== loan.customerId && !hasRole(caller, ...CLOSERS)) {
      throw new AppError('FORBIDDEN', 'only the borrower or loan operations close a loan');
    }
    if (loan.status === 'CLOSED') return loan;
    if (loan.status !== 'ACTIVE') throw new AppError('ILLEGAL_TRANSITION', `the loan is ${loan.status}`);
    const r = await closeIfRepaid(m, loan, 'REPAID');
    if (!r.closed) {
      throw new AppError(
        'FAILED_PRECONDITION',
        `${money(r.owedMinor, loan.currency).formatted} is still owed; pay it (a foreclosure quote gives the amount for a date) and the loan closes`,
      );
    }
    return r.closed;
  });
}

export interface LoanFilter {
  status?: string | null;
  customerId?: string | null;
}

/** Staff: loans, newest first. */
export function listLoans(
  db: DataSource,
  filter: LoanFilter,
  page: { first: number; after?: string | null },
) {
  const qb = db.getRepository(LoanRow).createQueryBuilder('l');
  if (filter.status) qb.andWhere('l.status = :s', { s: filter.status });
  if (filter.customerId) {
    if (!isUuid(filter.customerId)) qb.andWhere('false');
    else qb.andWhere('l.customer_id = :c', { c: filter.customerId });
  }
  return keysetPage(qb, { sql: 'l.activated_at', of: (r) => r.activatedAt }, 'DESC', page);
}

/** Loans by status, and for active loans the principal outstanding by delinquency bucket, per currency. */
export async function portfolio(db: DataSource, at?: string) {
  const asOf = at ?? (await businessDate(db.manager));
  const byStatus: { status: string; count: number }[] = (
    await db.query('SELECT status, count(*)::int AS count FROM loans GROUP BY status ORDER BY status')
  ).map((r: { status: string; count: number }) => ({ status: r.status, count: r.count }));
  const active: {
    currency: string;
    oldest: string | null;
    outstanding: string;
    assetClass: AssetClass;
    provision: string;
  }[] = await db.query(
    `SELECT l.currency, l.asset_class AS "assetClass", l.provision_minor::text AS provision,
            min(i.due_date) FILTER (WHERE i.status IN ('DUE', 'PARTIAL')
                                      AND ${IN_ARREARS})::text AS oldest,
            sum(i.principal_minor - i.principal_paid_minor)::text AS outstanding
       FROM loans l JOIN instalments i ON i.loan_id = l.id
      WHERE l.status = 'ACTIVE' GROUP BY l.id, l.currency`,
  );
  return { byStatus, lines: portfolioLines(active, asOf) };
}

/**
 * Levies a charge on a loan: only one its product version declares (so one the accepted KFS disclosed),
 * worked out on `base`, with its GST. Returns what the borrower now owes for it.
 */
export async function levy(
  m: EntityManager,
  loan: Pick<LoanRow, 'id'>,
  product: LoanProduct,
  code: string,
  base: ChargeBase,
  reference: string,
): Promise<bigint> {
  const { amountMinor, gstMinor } = chargeFor(disclosedCharge(product, code), base);
  if (amountMinor + gstMinor > 0n) await post(m, loan.id, penaltyCharge(amountMinor, gstMinor), reference);
  return amountMinor + gstMinor;
}

const NOTHING = { penaltyMinor: 0n, feesMinor: 0n, interestMinor: 0n, principalMinor: 0n };

/** The loan, locked for a change staff make to it. */
async function lockLoan(m: EntityManager, loanId: string) {
  const loan = isUuid(loanId)
    ? await m.findOne(LoanRow, { where: { id: loanId }, lock: { mode: 'pessimistic_write' } })
    : null;
  if (!loan) throw notFound('loan');
  return loan;
}

/** An active loan, locked for a change staff make to what it owes. */
async function lockActiveLoan(m: EntityManager, loanId: string) {
  const loan = await lockLoan(m, loanId);
  if (loan.status !== 'ACTIVE') throw new AppError('FAILED_PRECONDITION', `the loan is ${loan.status}`);
  return loan;
}

/**
 * An active non-performing loan, locked for what only an NPA takes (`what`: "is written off"). The class is
 * the one the close of business stored: the write was brought up to the business date first.
 */
async function lockNpa(m: EntityManager, loanId: string, what: string) {
  const loan = await lockLoan(m, loanId);
  if (loan.status !== 'ACTIVE') throw new AppError('ILLEGAL_TRANSITION', `the loan is ${loan.status}`);
  if (loan.assetClass !== 'NPA') {
    throw new AppError(
      'FAILED_PRECONDITION',
      `only a non-performing loan ${what} (it is ${loan.assetClass})`,
    );
  }
  return loan;
}

/** Who may levy or waive charges: an operations manager or the credit head (or an administrator). */
export const WAIVER_ROLES = [Role.MANAGER, Role.CREDIT_HEAD, Role.ADMIN];

/** A charge staff set on a loan for a date, and what was levied for it once the date came. */
export interface DatedCharge {
  id: string;
  loanId: string;
  code: string;
  dueDate: string;
  reason: string;
  setBy: string;
  leviedMinor: bigint | null;
  leviedOn: string | null;
}

type PendingDated = Pick<DatedCharge, 'id' | 'code' | 'dueDate'>;

/** An ON_DATE charge of the product worked out on the principal outstanding, with its GST. */
function datedAmount(product: LoanProduct, code: string, outstandingPrincipalMinor: bigint) {
  const { amountMinor, gstMinor } = chargeFor(disclosedCharge(product, code), { outstandingPrincipalMinor });
  return { amountMinor, gstMinor, total: amountMinor + gstMinor };
}

const pendingDated = async (
  m: DataSource | EntityManager,
  loanId: string,
  asOf: string,
): Promise<PendingDated[]> =>
  (
    await m.query(
      `SELECT id, code, due_date::text AS due_date FROM dated_charges
        WHERE loan_id = $1 AND levied_on IS NULL AND due_date <= $2 ORDER BY due_date, set_at`,
      [loanId, asOf],
    )
  ).map((r: { id: string; code: string; due_date: string }) => ({
    id: r.id,
    code: r.code,
    dueDate: r.due_date,
  }));

/** Levies a dated charge (once: the row records what and when), on the principal outstanding now. */
export async function levyDated(
  m: EntityManager,
  loanId: string,
  product: LoanProduct,
  d: PendingDated,
  on: string,
) {
  const { amountMinor, gstMinor, total } = datedAmount(
    product,
    d.code,
    owed(await balancesOf(m, loanId)).principalMinor,
  );
  if (total > 0n) await post(m, loanId, feeCharge(amountMinor, gstMinor), `charge ${d.code} of ${d.dueDate}`);
  await m.query('UPDATE dated_charges SET levied_minor = $2, levied_on = $3 WHERE id = $1', [
    d.id,
    total.toString(),
    on,
  ]);
}

const datedOf = (r: Record<string, string | null>): DatedCharge => ({
  id: r.id as string,
  loanId: r.loan_id as string,
  code: r.code as string,
  dueDate: r.due_date as string,
  reason: r.reason as string,
  setBy: r.set_by as string,
  leviedMinor: r.levied_minor === null ? null : BigInt(r.levied_minor as string),
  leviedOn: r.levied_on,
});
const DATED_COLUMNS = `id, loan_id, code, due_date::text AS due_date, reason, set_by, levied_minor::text AS levied_minor,
  levied_on::text AS levied_on`;

/** The charges set on a loan for a date, levied or not (the borrower or staff). */
export async function datedCharges(db: DataSource, caller: Caller | null, loanId: string) {
  const loan = await getLoan(db, caller, loanId);
  const rows: Record<string, string | null>[] = await db.query(
    `SELECT ${DATED_COLUMNS} FROM dated_charges WHERE loan_id = $1 ORDER BY due_date, set_at`,
    [loan.id],
  );
  return { loan, charges: rows.map(datedOf) };
}

/**
 * Sets one of the loan's ON_DATE charges (only one its product, and so its KFS, declares) for a date from
 * the disbursement to the last instalment (today by default), with the reason. A date that has come is
 * levied at once; a later one by the daily run on that date, and a payoff before then does not owe it.
 */
export async function setDatedCharge(
  db: DataSource,
  staff: Caller,
  loanId: string,
  input: { code: string; date?: string; reason: string },
) {
  const { code, date, reason } = parseInput(
    z.object({
      code: z.string().trim().min(1, 'a charge code').max(40),
      date: dateSchema.optional(),
      reason: staffReason,
    }),
    input,
  );
  return db.transaction(async (m) => {
    const loan = await lockActiveLoan(m, loanId);
    const product = await productOfLoan(m, loan);
    const charge = disclosedCharge(product, code);
    if (charge.trigger !== 'ON_DATE') {
      throw new AppError(
        'FAILED_PRECONDITION',
        `${code} is levied on ${charge.trigger}, not on a date set by staff`,
      );
    }
    const open = await businessDate(m);
    const on = date ?? open;
    const [{ last }] = await m.query(
      'SELECT max(due_date)::text AS last FROM instalments WHERE loan_id = $1',
      [loan.id],
    );
    if (on < loan.disbursedOn || on > last) {
      throw new AppError('BAD_USER_INPUT', `a date from ${loan.disbursedOn} to ${last}`, { field: 'date' });
    }
    const id = randomUUID();
    await m.query(
      'INSERT INTO dated_charges (id, loan_id, code, due_date, reason, set_by) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, loan.id, code, on, reason, staff.userId],
    );
    if (on <= open) await levyDated(m, loan.id, product, { id, code, dueDate: on }, open);
    const [row] = await m.query(`SELECT ${DATED_COLUMNS} FROM dated_charges WHERE id = $1`, [id]);
    return { loan, charge: datedOf(row) };
  });
}

/**
 * Waives up to `amount` of the charges a loan owes, with a reason kept in the journal and the event. The
 * GST given up is the waived amount's share of GST in all the charges levied on the loan (half-up), so a
 * waiver of everything owed reverses the GST exactly. Interest and principal are never waived here.
 */
export async function waiveCharges(
  db: DataSource,
  staff: Caller,
  loanId: string,
  input: { amountMinor: bigint; reason: string },
) {
  const { amountMinor, reason } = parseInput(
    z.object({
      amountMinor: z.bigint().positive('must be a positive amount'),
      reason: staffReason,
    }),
    input,
  );
  return db.transaction(async (m) => {
    const loan = await lockActiveLoan(m, loanId);
    const owedCharges = owed(await balancesOf(m, loan.id)).penaltyMinor;
    if (amountMinor > owedCharges) {
      throw new AppError('BAD_USER_INPUT', `at most the charges owed (${money(owedCharges).formatted})`, {
        field: 'amount',
      });
    }
    const [levied] = await m.query(
      `SELECT coalesce(sum(jl.credit_minor) FILTER (WHERE jl.account = 'GST_PAYABLE'), 0)::text AS gst,
              coalesce(sum(jl.debit_minor) FILTER (WHERE jl.account = 'PENALTY_RECEIVABLE'), 0)::text AS total
         FROM journal j JOIN journal_lines jl ON jl.entry_id = j.id
        WHERE j.loan_id = $1 AND j.kind = 'PENALTY'`,
      [loan.id],
    );
    const gst = shareOf(amountMinor, BigInt(levied.total), BigInt(levied.gst));
    await post(m, loan.id, chargeWaiver(amountMinor, gst), `waiver by ${staff.userId}: ${reason}`);
    await recordEvent(m, loanEvents.chargesWaived(loan, amountMinor, reason, staff.userId));
    return loan;
  });
}

/** Who may write a loan off: the credit committee's head (or an administrator). */
export const WRITE_OFF_ROLES = [Role.CREDIT_HEAD, Role.ADMIN];

/**
 * Writes off a non-performing loan (its asset class at the last close of business is NPA): everything still owed goes to the write-off
 * expense in one entry, the loan is WRITTEN_OFF (no no-dues certificate: the debt is not forgiven), and
 * money received later is booked as recovery income.
 */
export async function writeOffLoan(db: DataSource, staff: Caller, loanId: string, reason: string) {
  const why = parseInput(staffReason, reason);
  return db.transaction(async (m) => {
    const loan = await lockNpa(m, loanId, 'is written off');
    const dues = owed(await balancesOf(m, loan.id));
    const total = dues.penaltyMinor + dues.feesMinor + dues.interestMinor + dues.principalMinor;
    const suspense = minAmount(suspenseHeld(await balancesOf(m, loan.id)), total);
    // The provision held covers the loss it was made for; any of it left over is written back.
    const held = BigInt(loan.provisionMinor);
    const used = minAmount(held, total - suspense);
    if (total > 0n) await post(m, loan.id, writeOff(dues, suspense, used), `write-off: ${why}`);
    if (held > used) await post(m, loan.id, provisionChange(used - held), 'provision written back');
    const done = await updateVersioned(m, LoanRow, loan, {
      status: 'WRITTEN_OFF',
      closedAt: new Date(),
      closureReason: 'WRITTEN_OFF',
      provisionMinor: '0',
    });
    await recordEvent(m, loanEvents.writtenOff(done, total, why, staff.userId));
    return done;
  });
}

/**
 * Records a loss asset (RBI IRACP: an NPA whose loss the lender, its auditors or an RBI inspection has
 * identified and that is not yet written off). Its provision goes to the LOSS rate at the next close; an
 * upgrade (all arrears paid) clears it.
 */
export async function identifyLoss(db: DataSource, staff: Caller, loanId: string, reason: string) {
  const why = parseInput(staffReason, reason);
  return db.transaction(async (m) => {
    const loan = await lockNpa(m, loanId, 'is a loss asset');
    if (loan.lossIdentifiedOn) {
      throw new AppError('ILLEGAL_TRANSITION', `its loss was identified on ${loan.lossIdentifiedOn}`);
    }
    const on = await businessDate(m);
    const done = await updateVersioned(m, LoanRow, loan, { lossIdentifiedOn: on, lossReason: why });
    await recordEvent(m, loanEvents.lossIdentified(done, on, why, staff.userId));
    return done;
  });
}

/** The account as the ledger and the schedule say it is on the business date. */
export async function accountOf(db: DataSource, loanId: string) {
  const b = await balancesOf(db, loanId);
  const dues = owed(b);
  const credit = creditHeld(b);
  const [next] = await db.query(
    `SELECT due_date::text AS due, (total_minor - principal_paid_minor - interest_paid_minor)::text AS total
       FROM instalments
      WHERE loan_id = $1 AND status IN ('DUE', 'PARTIAL') AND total_minor > principal_paid_minor + interest_paid_minor
      ORDER BY n LIMIT 1`,
    [loanId],
  );
  // Days past due count from the oldest instalment in arrears: more left on it than the tolerance.
  const [arrears] = await db.query(
    `SELECT min(i.due_date)::text AS due FROM instalments i JOIN loans l ON l.id = i.loan_id
      WHERE i.loan_id = $1 AND i.status IN ('DUE', 'PARTIAL') AND ${IN_ARREARS}`,
    [loanId],
  );
  const dpd = daysPastDue((arrears?.due as string) ?? null, await businessDate(db.manager));
  return {
    ...dues,
    creditMinor: credit,
    nextDueDate: (next?.due as string) ?? null,
    nextDueMinor: next
      ? BigInt(next.total as string) > credit
        ? BigInt(next.total as string) - credit
        : 0n
      : null,
    daysPastDue: dpd,
    bucket: bucketOf(dpd),
  };
}

/** Every change of the loan's asset class, oldest first (stored by the close of business, never recomputed). */
export const classHistoryOf = async (db: DataSource, loanId: string) =>
  (
    await db.query(
      `SELECT date::text AS date, previous, class, days_past_due FROM loan_classes WHERE loan_id = $1 ORDER BY date`,
      [loanId],
    )
  ).map((r: { date: string; previous: AssetClass; class: AssetClass; days_past_due: number }) => ({
    date: r.date,
    previous: r.previous,
    assetClass: r.class,
    daysPastDue: r.days_past_due,
  }));

/** loans → loans: a closed loan gets its no-dues certificate (PDF in the document store, with its hash). */
export async function onLoanClosed(m: EntityManager, event: EventOf<'loan.closed'>) {
  const { loanId } = event.data;
  if (await m.exists(NoDuesRow, { where: { loanId } })) return;
  const loan = await m.findOneOrFail(LoanRow, { where: { id: loanId } });
  const contact = await contactOf(m, loan.customerId);
  const bytes = await renderNoDues({
    accountNumber: loan.accountNumber,
    borrower: contact?.name ?? loan.customerId,
    customerId: loan.customerId,
    lender: LENDER,
    principalMinor: BigInt(loan.principalMinor),
    currency: loan.currency,
    disbursedOn: loan.disbursedOn,
    closedOn: await valueDateOf(m, loan.closedAt ?? new Date()),
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const fileId = await (await agreementFiles()).putFile(
    'no-dues',
    `${loan.accountNumber}-no-dues.pdf`,
    Buffer.from(bytes),
    {
      loanId,
      sha256,
    },
  );
  await m.insert(NoDuesRow, { loanId, fileId, sha256, issuedAt: new Date() });
}

export const noDuesOf = (db: DataSource, loanId: string) =>
  db.getRepository(NoDuesRow).findOne({ where: { loanId } });

/** The no-dues certificate as a file to download (a signed link was checked before). */
export async function noDuesDownload(db: DataSource, loanId: string) {
  const row = isUuid(loanId) ? await noDuesOf(db, loanId) : null;
  const loan = row ? await db.getRepository(LoanRow).findOne({ where: { id: loanId } }) : null;
  const file = row ? await (await agreementFiles()).getFile('no-dues', row.fileId) : null;
  if (!file || !loan) throw notFound('no-dues certificate');
  return { content: file.content, fileName: `${loan.accountNumber}-no-dues.pdf` };
}

/**
 * Where the ledger and the loan records disagree, loan by loan (empty when they tie out): every loan's
 * journal balances; for an active loan, the interest accrued and not yet due is what its instalments hold,
 * the principal receivable is the principal its schedule has left, and the interest receivable is what its
 * fallen-due instalments have left unpaid; and every loan's provision is what the loan says it holds.
 */
export async function reconcile(db: DataSource | EntityManager, loanIds?: string[]) {
  return (await db.query(
    `WITH b AS (
       SELECT j.loan_id, coalesce(sum(jl.debit_minor - jl.credit_minor), 0) AS total,
              coalesce(sum(jl.debit_minor - jl.credit_minor) FILTER (WHERE jl.account = 'INTEREST_ACCRUED'), 0) AS accrued,
              coalesce(sum(jl.debit_minor - jl.credit_minor) FILTER (WHERE jl.account = 'LOAN_PRINCIPAL'), 0) AS principal,
              coalesce(sum(jl.debit_minor - jl.credit_minor) FILTER (WHERE jl.account = 'INTEREST_RECEIVABLE'), 0) AS interest,
              coalesce(sum(jl.credit_minor - jl.debit_minor) FILTER (WHERE jl.account = 'LOAN_LOSS_PROVISION'), 0) AS provision
         FROM journal j JOIN journal_lines jl ON jl.entry_id = j.id
        WHERE $1::uuid[] IS NULL OR j.loan_id = ANY($1)
        GROUP BY j.loan_id),
     s AS (
       SELECT i.loan_id, sum(i.accrued_minor) AS accrued, sum(i.principal_minor - i.principal_paid_minor) AS principal,
              coalesce(sum(i.interest_minor - i.interest_paid_minor) FILTER (WHERE i.interest_accrued AND i.status <> 'PAID'), 0) AS interest
         FROM instalments i WHERE $1::uuid[] IS NULL OR i.loan_id = ANY($1) GROUP BY i.loan_id)
     SELECT b.loan_id::text AS "loanId", l.status, b.total::text AS "unbalanced",
            b.accrued::text AS "ledgerAccrued", s.accrued::text AS "scheduleAccrued",
            b.principal::text AS "ledgerPrincipal", s.principal::text AS "schedulePrincipal",
            b.interest::text AS "ledgerInterest", s.interest::text AS "scheduleInterest",
            b.provision::text AS "ledgerProvision", l.provision_minor::text AS "loanProvision"
       FROM b JOIN loans l ON l.id = b.loan_id JOIN s ON s.loan_id = b.loan_id
      WHERE b.total <> 0 OR b.provision <> l.provision_minor
         OR (l.status = 'ACTIVE' AND (b.accrued <> s.accrued OR b.principal <> s.principal OR b.interest <> s.interest))`,
    [loanIds ?? null],
  )) as Record<string, string>[];
}

/**
 * The trial balance of the loan book at the moment: debits and credits per account, for each lender (or the
 * platform's own book) and product, with the GL account each is reported in (the chart of accounts as the
 * loan's product version maps it); each group's debits equal its credits.
 */
export async function trialBalance(db: DataSource) {
  const rows: {
    lender: string | null;
    product: string;
    glAccounts: Record<string, string> | null;
    currency: string;
    account: string;
    debit: string;
    credit: string;
  }[] = await db.query(
    `SELECT l.lender_code AS lender, coalesce(c.offer->'product'->>'code', 'STANDARD') AS product,
            c.offer->'product'->'glAccounts' AS "glAccounts", l.currency,
            jl.account, sum(jl.debit_minor)::text AS debit, sum(jl.credit_minor)::text AS credit
       FROM journal_lines jl JOIN journal j ON j.id = jl.entry_id JOIN loans l ON l.id = j.loan_id
       LEFT JOIN contracts c ON c.application_id = l.application_id
      GROUP BY 1, 2, 3, 4, 5`,
  );
  // Versions of a product that map an account alike report it on one line.
  const lines = new Map<string, TrialBalanceRow>();
  for (const r of rows) {
    const gl = glAccountOf(r.account, { glAccounts: r.glAccounts ?? undefined }, r.lender !== null);
    const lender = r.lender ?? 'OWN BOOK';
    const key = [lender, r.product, r.currency, r.account, gl.code].join('|');
    const line = lines.get(key) ?? {
      lender,
      product: r.product,
      currency: r.currency,
      account: r.account,
      gl,
      debitMinor: 0n,
      creditMinor: 0n,
    };
    line.debitMinor += BigInt(r.debit);
    line.creditMinor += BigInt(r.credit);
    lines.set(key, line);
  }
  return [...lines.values()].sort(
    (a, b) =>
      a.lender.localeCompare(b.lender) ||
      a.product.localeCompare(b.product) ||
      a.currency.localeCompare(b.currency) ||
      a.gl.code.localeCompare(b.gl.code) ||
      a.account.localeCompare(b.account),
  );
}

export interface TrialBalanceRow {
  lender: string;
  product: string;
  currency: string;
  account: string;
  gl: GlAccount;
  debitMinor: bigint;
  creditMinor: bigint;
}
