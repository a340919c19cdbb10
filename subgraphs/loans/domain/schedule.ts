import Decimal from 'decimal.js';
import { AppError } from '../../../platform/errors';
import { minAmount } from '../../../platform/finance';

export type Frequency = 'WEEKLY' | 'FORTNIGHTLY' | 'MONTHLY' | 'QUARTERLY';
export type Method = 'EMI' | 'EQUAL_PRINCIPAL';

export const PERIODS_PER_YEAR: Record<Frequency, number> = {
  WEEKLY: 52,
  FORTNIGHTLY: 26,
  MONTHLY: 12,
  QUARTERLY: 4,
};

export interface ScheduleInput {
  principalMinor: bigint;
  annualRateBps: number;
  /** Amortizing instalments (the moratorium's interest-only instalments come before them). */
  instalments: number;
  frequency: Frequency;
  method: Method;
  /** Interest-only instalments before the first repayment of principal. */
  moratoriumPeriods?: number;
  /** Calendar dates (YYYY-MM-DD) in the loan's time zone. */
  disbursementDate: string;
  /** Defaults to one period after disbursement; otherwise the first period's interest runs by the day. */
  firstDueDate?: string;
}

export interface ScheduledInstalment {
  n: number;
  dueDate: string;
  openingMinor: bigint;
  principalMinor: bigint;
  interestMinor: bigint;
  totalMinor: bigint;
  closingMinor: bigint;
}

const DAY_MS = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const parseDate = (d: string) => {
  const date = new Date(`${d}T00:00:00Z`);
  // JavaScript rolls 30 February over to March; a calendar date must come back as written.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(date.getTime()) || iso(date) !== d) {
    throw new AppError('BAD_USER_INPUT', `not a calendar date: ${d}`);
  }
  return date;
};

/** Adds months keeping the anchor day, clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
function addMonths(anchor: Date, months: number): Date {
  const y = anchor.getUTCFullYear();
  const m = anchor.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(anchor.getUTCDate(), last)));
}

function advance(a: Date, frequency: Frequency, k: number): Date {
  switch (frequency) {
    case 'WEEKLY':
      return new Date(a.getTime() + 7 * k * DAY_MS);
    case 'FORTNIGHTLY':
      return new Date(a.getTime() + 14 * k * DAY_MS);
    case 'MONTHLY':
      return addMonths(a, k);
    case 'QUARTERLY':
      return addMonths(a, 3 * k);
  }
}

/** The k-th period after `anchor` (k = 0 is the anchor itself). */
export const periodAfter = (anchor: string, frequency: Frequency, k: number) =>
  iso(advance(parseDate(anchor), frequency, k));

/** a / b rounded half-up, exactly, for a ≥ 0 and b > 0. */
const divHalfUp = (a: bigint, b: bigint) => (2n * a + b) / (2n * b);
// The EMI's power is computed once per schedule; 40 digits keep its rounding exact in practice.
const Precise = Decimal.clone({ precision: 40 });

/**
 * The repayment schedule. Rules (docs/decisions.md): periodic rate = annual rate / periods a year;
 * each instalment's interest = opening balance × periodic rate, rounded half-up to the minor unit (exact
 * integer arithmetic) — except a broken first period, charged by the day (actual/365); EMI =
 * P·r·(1+r)^t / ((1+r)^t − 1) rounded half-up (P / t without interest), or equal principal P / t rounded
 * half-up; the moratorium's instalments pay interest only; the principal part of an EMI instalment is the
 * EMI less the standard period's interest (so a broken period changes only the first instalment's
 * interest); the last instalment pays off whatever balance is left.
 */
export function buildSchedule(input: ScheduleInput): ScheduledInstalment[] {
  const { principalMinor: p, annualRateBps, instalments: t, frequency, method } = input;
  const moratorium = input.moratoriumPeriods ?? 0;
  if (p <= 0n) throw new AppError('BAD_USER_INPUT', 'the principal must be positive');
  if (!Number.isInteger(t) || t < 1 || t > 1000)
    throw new AppError('BAD_USER_INPUT', 'instalments: 1 to 1000');
  if (!Number.isInteger(moratorium) || moratorium < 0 || moratorium > 36)
    throw new AppError('BAD_USER_INPUT', 'moratorium: 0 to 36 periods');
  if (!Number.isInteger(annualRateBps) || annualRateBps < 0 || annualRateBps > 10_000)
    throw new AppError('BAD_USER_INPUT', 'rate: 0 to 100% a year');

  const perYear = PERIODS_PER_YEAR[frequency];
  const bps = BigInt(annualRateBps);
  const periodDen = 10_000n * BigInt(perYear);
  const standardInterest = (opening: bigint) => divHalfUp(opening * bps, periodDen);

  const disbursed = parseDate(input.disbursementDate);
  const standardFirst = periodAfter(input.disbursementDate, frequency, 1);
  const firstDue = input.firstDueDate ?? standardFirst;
  const brokenDays = (parseDate(firstDue).getTime() - disbursed.getTime()) / DAY_MS;
  if (brokenDays < 1) throw new AppError('BAD_USER_INPUT', 'the first due date must be after disbursement');
  const broken = firstDue !== standardFirst;
  // Anchored on disbursement (31 Jan, 28 Feb, 31 Mar …) or on a first due date chosen apart from it.
  const anchor = broken ? parseDate(firstDue) : disbursed;
  const dueDate = (n: number) => iso(advance(anchor, frequency, broken ? n - 1 : n));

  let level: bigint;
  if (method === 'EQUAL_PRINCIPAL' || annualRateBps === 0) level = divHalfUp(p, BigInt(t));
  else {
    const r = new Precise(annualRateBps).div(10_000).div(perYear);
    const growth = r.plus(1).pow(t);
    level = BigInt(
      new Precise(p.toString())
        .mul(r)
        .mul(growth)
        .div(growth.minus(1))
        .toDecimalPlaces(0, Decimal.ROUND_HALF_UP)
        .toFixed(0),
    );
  }

  const rows: ScheduledInstalment[] = [];
  let balance = p;
  const total = moratorium + t;
  for (let n = 1; n <= total; n++) {
    const standard = standardInterest(balance);
    const interest =
      n === 1 && broken ? divHalfUp(balance * bps * BigInt(brokenDays), 10_000n * 365n) : standard;
    let principal: bigint;
    if (n <= moratorium) principal = 0n;
    else if (n === total) principal = balance;
    else if (method === 'EQUAL_PRINCIPAL') principal = minAmount(level, balance);
    else {
      const part = level - standard;
      principal = part < 0n ? 0n : minAmount(part, balance);
    }
    rows.push({
      n,
      dueDate: dueDate(n),
      openingMinor: balance,
      principalMinor: principal,
      interestMinor: interest,
      totalMinor: principal + interest,
      closingMinor: balance - principal,
    });
    balance -= principal;
  }
  return rows;
}
