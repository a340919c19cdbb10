import { AppError } from '../../../platform/errors';
import {
  amortize,
  type Frequency,
  type Instalment,
  MAX_INSTALMENTS,
  type Method,
  PERIODS_PER_YEAR,
  type Rounding,
} from '../../../platform/finance';

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
  /** The product's rounding of the level instalment (the paisa, half-up, when absent). */
  rounding?: Rounding;
}

export interface ScheduledInstalment extends Instalment {
  dueDate: string;
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

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (y: number, m0: number) => (m0 === 1 && isLeap(y) ? 29 : (MONTH_DAYS[m0] ?? 31));

/** Adds months keeping the anchor day, clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
function addMonths(anchor: Date, months: number): string {
  const total = anchor.getUTCMonth() + months;
  const y = anchor.getUTCFullYear() + Math.floor(total / 12);
  const m0 = ((total % 12) + 12) % 12;
  return `${y}-${pad2(m0 + 1)}-${pad2(Math.min(anchor.getUTCDate(), daysIn(y, m0)))}`;
}

/**
 * The calendar date `days` after 1970-01-01, in integers (H. Hinnant's civil_from_days): a schedule's
 * dates were most of its cost when each went through Date and toISOString.
 */
function dateOfDay(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return `${yoe + era * 400 + (m <= 2 ? 1 : 0)}-${pad2(m)}-${pad2(d)}`;
}

/** The date k periods after `a`, as YYYY-MM-DD. */
function advance(a: Date, frequency: Frequency, k: number): string {
  switch (frequency) {
    case 'WEEKLY':
      return dateOfDay(a.getTime() / DAY_MS + 7 * k);
    case 'FORTNIGHTLY':
      return dateOfDay(a.getTime() / DAY_MS + 14 * k);
    case 'MONTHLY':
      return addMonths(a, k);
    case 'QUARTERLY':
      return addMonths(a, 3 * k);
  }
}

/** The k-th period after `anchor` (k = 0 is the anchor itself). */
export const periodAfter = (anchor: string, frequency: Frequency, k: number) =>
  advance(parseDate(anchor), frequency, k);

/**
 * The repayment schedule with its due dates: the platform's amortization (platform/finance.ts `amortize`,
 * rules in docs/decisions.md) at the frequency's periodic rate, the first period charged by the day when
 * the first due date is not one period after disbursement.
 */
export function buildSchedule(input: ScheduleInput): ScheduledInstalment[] {
  const { principalMinor: p, annualRateBps, instalments: t, frequency, method } = input;
  const moratorium = input.moratoriumPeriods ?? 0;
  if (p <= 0n) throw new AppError('BAD_USER_INPUT', 'the principal must be positive');
  if (!Number.isInteger(t) || t < 1 || t > MAX_INSTALMENTS)
    throw new AppError('BAD_USER_INPUT', `instalments: 1 to ${MAX_INSTALMENTS}`);
  if (!Number.isInteger(moratorium) || moratorium < 0 || moratorium > 36)
    throw new AppError('BAD_USER_INPUT', 'moratorium: 0 to 36 periods');
  if (!Number.isInteger(annualRateBps) || annualRateBps < 0 || annualRateBps > 10_000)
    throw new AppError('BAD_USER_INPUT', 'rate: 0 to 100% a year');

  const disbursed = parseDate(input.disbursementDate);
  const standardFirst = periodAfter(input.disbursementDate, frequency, 1);
  const firstDue = input.firstDueDate ?? standardFirst;
  const brokenDays = (parseDate(firstDue).getTime() - disbursed.getTime()) / DAY_MS;
  if (brokenDays < 1) throw new AppError('BAD_USER_INPUT', 'the first due date must be after disbursement');
  const broken = firstDue !== standardFirst;
  // Anchored on disbursement (31 Jan, 28 Feb, 31 Mar …) or on a first due date chosen apart from it.
  const anchor = broken ? parseDate(firstDue) : disbursed;
  const rows = amortize({
    principalMinor: p,
    annualRateBps,
    instalments: t,
    perYear: PERIODS_PER_YEAR[frequency],
    method,
    moratoriumPeriods: moratorium,
    rounding: input.rounding,
    ...(broken ? { firstPeriodDays: brokenDays } : {}),
  }) as ScheduledInstalment[];
  // Dated in place: a second copy of 360 rows would cost more than computing them.
  for (const row of rows) row.dueDate = advance(anchor, frequency, broken ? row.n - 1 : row.n);
  return rows;
}
