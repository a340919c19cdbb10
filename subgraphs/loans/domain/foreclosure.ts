import { divHalfUp, minAmount } from '../../../platform/finance';
import type { InstalmentDue } from './allocation';
import type { Dues } from './ledger';

export interface ScheduledDue extends InstalmentDue {
  dueDate: string;
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
  /** Foreclosure charge on the principal outstanding, in basis points (0 = none). */
  chargeBps: number;
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
  chargeMinor: bigint;
  creditMinor: bigint;
  /** Everything above less the credit held (never below zero). */
  totalMinor: bigint;
  /** The instalment whose period is running on asOf, if any. */
  runningInstalment: number | null;
}

const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/**
 * What pays the loan off on a date: all principal still unpaid, the unpaid interest of instalments already
 * due, the running period's interest up to that date (its scheduled interest × days elapsed / days in the
 * period, half-up — so a broken first period and a moratorium are honoured as scheduled), penalties and
 * fees owed, and the foreclosure charge, less credit already held. Interest of later periods is not owed.
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
      const elapsed = BigInt(Math.max(0, days(periodStart, q.asOf)));
      const length = BigInt(Math.max(1, days(periodStart, i.dueDate)));
      const accrued = divHalfUp(i.interestMinor * minAmount(elapsed, length), length);
      broken = accrued > i.interestPaidMinor ? accrued - i.interestPaidMinor : 0n;
    }
    periodStart = i.dueDate;
  }
  const charge = divHalfUp(principal * BigInt(q.chargeBps), 10_000n);
  const gross = principal + interestDue + broken + q.charges.penaltyMinor + q.charges.feesMinor + charge;
  return {
    asOf: q.asOf,
    principalMinor: principal,
    interestDueMinor: interestDue,
    brokenPeriodInterestMinor: broken,
    penaltyMinor: q.charges.penaltyMinor,
    feesMinor: q.charges.feesMinor,
    chargeMinor: charge,
    creditMinor: q.creditMinor,
    totalMinor: gross > q.creditMinor ? gross - q.creditMinor : 0n,
    runningInstalment: running,
  };
}
