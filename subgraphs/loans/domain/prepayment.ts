import { AppError } from '../../../platform/errors';
import {
  amortize,
  divHalfUp,
  type Frequency,
  type Instalment,
  levelOf,
  type Method,
  minAmount,
  PERIODS_PER_YEAR,
  type Rounding,
} from '../../../platform/finance';
import { money } from '../../../platform/graphql/money';
import { type Charge, chargesFor } from '../../../platform/products';
import { accruedInterest, type ScheduledDue } from './foreclosure';
import type { Dues } from './ledger';

export const PREPAYMENT_OPTIONS = ['REDUCE_EMI', 'REDUCE_TENURE'] as const;
export type PrepaymentOption = (typeof PREPAYMENT_OPTIONS)[number];

export interface PrepaymentInput {
  /** The business date the money is received (YYYY-MM-DD). */
  asOf: string;
  disbursedOn: string;
  annualRateBps: number;
  frequency: Frequency;
  method: Method;
  /** The loan's interest-only instalments at the start. */
  moratoriumPeriods: number;
  /** The product's rounding of the level instalment (the paisa, half-up, when absent). */
  rounding?: Rounding;
  instalments: readonly ScheduledDue[];
  charges: Pick<Dues, 'penaltyMinor' | 'feesMinor'>;
  /** Credit held from earlier payments: it settles what is due first, as any payment's does. */
  creditMinor: bigint;
  amountMinor: bigint;
  option: PrepaymentOption;
  /** The product's PREPAYMENT charges, levied on the principal prepaid. */
  prepaymentCharges?: readonly Charge[];
}

export interface PrepaymentPlan {
  asOf: string;
  option: PrepaymentOption;
  /** What the money (with credit held) settles first: charges and instalments due by asOf. */
  dueSettledMinor: bigint;
  /** The running instalment's interest accrued by asOf, paid now (the foreclosure quote's figure). */
  accruedInterestMinor: bigint;
  /** What goes to principal. */
  prepaidMinor: bigint;
  /** The prepayment charges on it, with their GST (paid from the same money). */
  chargeMinor: bigint;
  /** The GST in chargeMinor. */
  chargeGstMinor: bigint;
  /** The instalment whose period is running: the first one rescheduled. */
  runningInstalment: number;
  principalBeforeMinor: bigint;
  principalAfterMinor: bigint;
  /** The level instalment (EMI, or equal principal's principal part) before and after. */
  levelBeforeMinor: bigint;
  levelAfterMinor: bigint;
  instalmentsBefore: number;
  instalmentsAfter: number;
  /** Interest still to pay from asOf on (the running period's rest and later periods), before and after. */
  interestBeforeMinor: bigint;
  interestAfterMinor: bigint;
  interestSavedMinor: bigint;
  /**
   * The instalments from the running one on, as they will be. The running one's interest includes what
   * is paid of it now (`interestPaidMinor`); the rest of it runs from asOf.
   */
  schedule: (Instalment & { dueDate: string; interestPaidMinor: bigint })[];
}

const sum = (xs: readonly bigint[]) => xs.reduce((a, x) => a + x, 0n);

/**
 * The most principal `budget` prepays once the prepayment charges on that principal (with GST) are paid
 * from it too: the largest P with P + charges(P) ≤ budget. Charges never fall as P grows, so a bisection
 * finds it exactly; what is left (a few paisa of rounding) is held as credit.
 */
export function prepaidWithin(budget: bigint, charges: readonly Charge[]) {
  const levy = (p: bigint) => chargesFor(charges, { prepaidPrincipalMinor: p });
  const cost = (p: bigint) => {
    const c = levy(p);
    return p + c.amountMinor + c.gstMinor;
  };
  const nothing = { prepaid: 0n, levied: { amountMinor: 0n, gstMinor: 0n } };
  if (budget <= 0n || cost(0n) > budget) return nothing;
  if (!charges.length) return { prepaid: budget, levied: nothing.levied };
  let lo = 0n;
  let hi = budget;
  while (lo < hi) {
    const mid = (lo + hi + 1n) / 2n;
    if (cost(mid) <= budget) lo = mid;
    else hi = mid - 1n;
  }
  // Nothing prepaid, nothing charged.
  return lo === 0n ? nothing : { prepaid: lo, levied: levy(lo) };
}

/**
 * A part-prepayment on a date. The money first settles what is due by then (as any payment does) and the
 * running instalment's interest accrued by that day (exactly what the foreclosure quote would ask); the
 * rest reduces principal that day. What is left of the running instalment's interest runs on the new
 * balance (its share, half-up), so the borrower pays exactly for the time each rupee was lent. The
 * instalments from the running one on are re-amortised on the new balance with the platform's one
 * amortization, on the same due dates: REDUCE_EMI keeps their number and lowers the level instalment;
 * REDUCE_TENURE keeps the level as nearly as whole instalments allow (the fewest instalments whose level
 * is not above today's) and drops instalments from the end. A moratorium still running stays
 * interest-only.
 */
export function planPrepayment(q: PrepaymentInput): PrepaymentPlan {
  const sorted = [...q.instalments].sort((a, b) => a.n - b.n);
  const due = sorted.filter((i) => i.dueDate <= q.asOf);
  const ahead = sorted.filter((i) => i.dueDate > q.asOf);
  const running = ahead[0];
  if (!running)
    throw new AppError('FAILED_PRECONDITION', 'every instalment has fallen due: nothing to prepay');
  if (ahead.some((i) => i.principalPaidMinor > 0n || (i !== running && i.interestPaidMinor > 0n))) {
    // Money in advance is held as credit, never paid ahead: only a prepayment touches the running one.
    throw new Error('an instalment not yet due has been paid towards');
  }
  const dueNow =
    q.charges.penaltyMinor +
    q.charges.feesMinor +
    sum(due.map((i) => i.principalMinor + i.interestMinor - i.principalPaidMinor - i.interestPaidMinor));
  const accrued = accruedInterest(running, due.at(-1)?.dueDate ?? q.disbursedOn, q.asOf);
  // Credit held settles dues first; only this payment's own money runs ahead into principal (and pays
  // the charges on it).
  const budget = minAmount(q.amountMinor, q.amountMinor + q.creditMinor - dueNow - accrued);
  const { prepaid, levied } = prepaidWithin(budget, q.prepaymentCharges ?? []);
  if (prepaid <= 0n) {
    throw new AppError(
      'BAD_USER_INPUT',
      'the amount only covers what is due and the interest run so far: nothing is left to prepay',
      { field: 'amount' },
    );
  }
  const before = sum(ahead.map((i) => i.principalMinor));
  if (prepaid >= before) {
    throw new AppError(
      'BAD_USER_INPUT',
      'the amount repays all the principal: pay the foreclosure quote instead',
      { field: 'amount' },
    );
  }
  const after = before - prepaid;
  const perYear = PERIODS_PER_YEAR[q.frequency];
  const moratorium = ahead.filter((i) => i.n <= q.moratoriumPeriods).length;
  const amortizing = ahead.length - moratorium;
  const level = (balance: bigint, t: number) =>
    levelOf(balance, q.annualRateBps, t, perYear, q.method, q.rounding);
  const levelBefore = level(before, amortizing);
  // Less than one instalment moves the schedule by less than its own rounding (interest "saved" could
  // come out a paisa below zero); such money is better held as credit for the next instalment.
  if (prepaid < levelBefore) {
    throw new AppError(
      'BAD_USER_INPUT',
      `a part-prepayment is at least one instalment (${money(levelBefore).formatted}) beyond what is due`,
      { field: 'amount' },
    );
  }
  let t = amortizing;
  if (q.option === 'REDUCE_TENURE') {
    // The level falls as the count rises: the fewest instalments whose level is not above today's.
    let lo = 1;
    while (lo < t) {
      const mid = Math.floor((lo + t) / 2);
      if (level(after, mid) <= levelBefore) t = mid;
      else lo = mid + 1;
    }
  }
  const rows = amortize({
    principalMinor: after,
    annualRateBps: q.annualRateBps,
    instalments: t,
    perYear,
    method: q.method,
    moratoriumPeriods: moratorium,
    rounding: q.rounding,
  });
  // The running instalment's interest not yet run, scaled to the new balance.
  const restBefore = running.interestMinor - running.interestPaidMinor - accrued;
  const restAfter = divHalfUp(restBefore * after, before);
  const paidOfRunning = running.interestPaidMinor + accrued;
  const schedule = rows.map((r, i) => {
    const first = i === 0;
    const interestMinor = first ? paidOfRunning + restAfter : r.interestMinor;
    return {
      ...r,
      n: running.n + i,
      interestMinor,
      interestPaidMinor: first ? paidOfRunning : 0n,
      totalMinor: r.principalMinor + interestMinor,
      dueDate: (ahead[i] as ScheduledDue).dueDate,
    };
  });
  const interestBefore = restBefore + sum(ahead.slice(1).map((i) => i.interestMinor));
  const interestAfter = restAfter + sum(schedule.slice(1).map((r) => r.interestMinor));
  return {
    asOf: q.asOf,
    option: q.option,
    dueSettledMinor: dueNow,
    accruedInterestMinor: accrued,
    prepaidMinor: prepaid,
    chargeMinor: levied.amountMinor + levied.gstMinor,
    chargeGstMinor: levied.gstMinor,
    runningInstalment: running.n,
    principalBeforeMinor: before,
    principalAfterMinor: after,
    levelBeforeMinor: levelBefore,
    levelAfterMinor: level(after, t),
    instalmentsBefore: ahead.length,
    instalmentsAfter: schedule.length,
    interestBeforeMinor: interestBefore,
    interestAfterMinor: interestAfter,
    interestSavedMinor: interestBefore - interestAfter,
    schedule,
  };
}
