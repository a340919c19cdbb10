import { divHalfUp, minAmount } from '../../../platform/finance';
import { type Charge, chargesFor } from '../../../platform/products';
import type { InstalmentDue } from './allocation';
import type { Dues } from './ledger';

const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

export interface ScheduledDue extends InstalmentDue {
  dueDate: string;
  /**
   * Set when a part-prepayment fell in this instalment's period: its interest up to that day was paid
   * then, and what is left of it runs from that day (on the new balance).
   */
  interestFrom?: string | null;
}

/**
 * The interest of the running instalment accrued by `asOf`: the part of its interest not yet paid, pro
 * rata by days over the stretch it covers — from the period's start (or the last part-prepayment in it)
 * to its due date — half-up. A broken first period and a moratorium are honoured as scheduled.
 */
export function accruedInterest(running: ScheduledDue, periodStart: string, asOf: string) {
  const from = running.interestFrom ?? periodStart;
  const elapsed = BigInt(Math.max(0, days(from, asOf)));
  const length = BigInt(Math.max(1, days(from, running.dueDate)));
  return divHalfUp((running.interestMinor - running.interestPaidMinor) * minAmount(elapsed, length), length);
}

export interface QuoteInput {
  /** The business date the loan is paid off (YYYY-MM-DD). */
  asOf: string;
  disbursedOn: string;
  /** Penalties and fees as the ledger holds them. */
  charges: Pick<Dues, 'penaltyMinor' | 'feesMinor'>;
  /** Credit held for the borrower from earlier payments, which goes towards the payoff. */
  creditMinor: bigint;
  instalments: readonly ScheduledDue[];
  /** The product's FORECLOSURE charges (none within the cooling-off period). */
  foreclosureCharges: readonly Charge[];
}

export interface ForeclosureQuote {
  asOf: string;
  principalMinor: bigint;
  /** Unpaid interest of the instalments due by asOf. */
  interestDueMinor: bigint;
  /** Interest of the running period up to asOf (the scheduled interest pro rata by days). */
  brokenPeriodInterestMinor: bigint;
  penaltyMinor: bigint;
  feesMinor: bigint;
  /** The foreclosure charges with their GST. */
  chargeMinor: bigint;
  /** The GST in chargeMinor (the tax authority's, not income). */
  chargeGstMinor: bigint;
  creditMinor: bigint;
  /** Everything above less the credit held (never below zero). */
  totalMinor: bigint;
  /** The instalment whose period is running on asOf, if any. */
  runningInstalment: number | null;
}

/**
 * What pays the loan off on a date: all principal still unpaid, the unpaid interest of instalments already
 * due, the running period's interest up to that date (its scheduled interest × days elapsed / days in the
 * period, half-up — so a broken first period and a moratorium are honoured as scheduled), penalties and
 * fees owed, and the foreclosure charges with their GST, less credit already held. Interest of later periods is not owed.
 */
export function foreclosureQuote(q: QuoteInput): ForeclosureQuote {
  const sorted = [...q.instalments].sort((a, b) => a.n - b.n);
  let principal = 0n;
  let interestDue = 0n;
  let broken = 0n;
  let running: number | null = null;
  let periodStart = q.disbursedOn;
  for (const i of sorted) {
    principal += i.principalMinor - i.principalPaidMinor;
    const interestOpen = i.interestMinor - i.interestPaidMinor;
    if (i.dueDate <= q.asOf) {
      interestDue += interestOpen;
    } else if (running === null) {
      running = i.n;
      broken = accruedInterest(i, periodStart, q.asOf);
    }
    periodStart = i.dueDate;
  }
  const levied = chargesFor(q.foreclosureCharges, { outstandingPrincipalMinor: principal });
  const charge = levied.amountMinor + levied.gstMinor;
  const gross = principal + interestDue + broken + q.charges.penaltyMinor + q.charges.feesMinor + charge;
  return {
    asOf: q.asOf,
    principalMinor: principal,
    interestDueMinor: interestDue,
    brokenPeriodInterestMinor: broken,
    penaltyMinor: q.charges.penaltyMinor,
    feesMinor: q.charges.feesMinor,
    chargeMinor: charge,
    chargeGstMinor: levied.gstMinor,
    creditMinor: q.creditMinor,
    totalMinor: gross > q.creditMinor ? gross - q.creditMinor : 0n,
    runningInstalment: running,
  };
}
