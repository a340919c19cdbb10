import Decimal from 'decimal.js';

/**
 * Decimals for money: 50 significant digits, so a rounding to the paisa is decided by the exact value
 * (decimal.js's default 20 could put a true half-paisa tie a digit off and round it the wrong way).
 */
const Money = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_HALF_UP });

/** a / b rounded half-up, exactly, for a ≥ 0 and b > 0. */
export const divHalfUp = (a: bigint, b: bigint) => (2n * a + b) / (2n * b);

/**
 * The share of `of` that `part` of `whole` carries, half-up — all of it when the part is the whole, so
 * shares taken in pieces that end at the whole add up to `of` exactly (nothing of a whole of 0).
 */
export const shareOf = (part: bigint, whole: bigint, of: bigint) =>
  part === whole ? of : whole === 0n ? 0n : divHalfUp(part * of, whole);

/**
 * Equal instalment of a reducing-balance loan, P·r·(1+r)^t / ((1+r)^t − 1) with r the periodic rate,
 * rounded half-up to the minor unit (P / t without interest). Decimal arithmetic, never floats.
 */
export function emiMinor(
  principalMinor: bigint,
  annualRateBps: number,
  periods: number,
  perYear = 12,
  rounding: Rounding = PAISA,
): bigint {
  if (periods <= 0) throw new Error('periods must be positive');
  const emi =
    annualRateBps === 0
      ? new Money(principalMinor.toString()).div(periods)
      : (() => {
          const r = new Money(annualRateBps).div(10_000).div(perYear);
          const growth = r.plus(1).pow(periods);
          return new Money(principalMinor.toString()).mul(r).mul(growth).div(growth.minus(1));
        })();
  return roundTo(emi, rounding);
}

export const ROUNDING_MODES = ['HALF_UP', 'UP', 'DOWN'] as const;
/**
 * How a product rounds the level instalment: to a multiple of minor units (1 = the paisa, 100 = the
 * rupee), half-up, up or down. Interest is always to the paisa; the last instalment takes the difference.
 */
export interface Rounding {
  multipleMinor: bigint;
  mode: (typeof ROUNDING_MODES)[number];
}
export const PAISA: Rounding = { multipleMinor: 1n, mode: 'HALF_UP' };
const DECIMAL_MODE = { HALF_UP: Decimal.ROUND_HALF_UP, UP: Decimal.ROUND_UP, DOWN: Decimal.ROUND_DOWN };

/** An exact non-negative amount rounded to the product's multiple, decided by its exact value. */
export function roundTo(exact: Decimal.Value, r: Rounding): bigint {
  const m = new Money(r.multipleMinor.toString());
  const units = new Money(exact).div(m).toDecimalPlaces(0, DECIMAL_MODE[r.mode]);
  return BigInt(units.mul(m).toFixed(0));
}

/** a / b in basis points (1% = 100), rounded down; b must be positive. */
export function ratioBps(a: bigint, b: bigint): number {
  if (b <= 0n) throw new Error('ratio of a non-positive amount');
  return Number((a * 10_000n) / b);
}

export const FREQUENCIES = ['WEEKLY', 'FORTNIGHTLY', 'MONTHLY', 'QUARTERLY'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const METHODS = ['EMI', 'EQUAL_PRINCIPAL'] as const;
export type Method = (typeof METHODS)[number];

export const PERIODS_PER_YEAR: Record<Frequency, number> = {
  WEEKLY: 52,
  FORTNIGHTLY: 26,
  MONTHLY: 12,
  QUARTERLY: 4,
};

/** The most instalments a loan may have (the schedule, the offer and the KFS all hold to it). */
export const MAX_INSTALMENTS = 1000;

/** Instalments in a tenure of whole months at a frequency (36 months weekly = 156). */
export const instalmentsFor = (tenureMonths: number, frequency: Frequency) =>
  Math.round((tenureMonths * PERIODS_PER_YEAR[frequency]) / 12);

/** How a loan is repaid: the offer states it, the agreement and the loan's schedule follow it. */
export interface RepaymentTerms {
  frequency: Frequency;
  method: Method;
  /** Interest-only instalments at the start, counted within the tenure. */
  moratoriumPeriods: number;
  /** The product's rounding of the level instalment (the paisa, half-up, when absent). */
  rounding?: Rounding;
}

export const DEFAULT_REPAYMENT: RepaymentTerms = {
  frequency: 'MONTHLY',
  method: 'EMI',
  moratoriumPeriods: 0,
};

/** The amortization of a loan of `tenureMonths` repaid on these terms (the KFS, the agreement). */
export const amortizeTerms = (
  principalMinor: bigint,
  annualRateBps: number,
  tenureMonths: number,
  r: RepaymentTerms,
) =>
  amortize({
    principalMinor,
    annualRateBps,
    instalments: instalmentsFor(tenureMonths, r.frequency) - r.moratoriumPeriods,
    perYear: PERIODS_PER_YEAR[r.frequency],
    method: r.method,
    moratoriumPeriods: r.moratoriumPeriods,
    rounding: r.rounding,
  });

export interface Instalment {
  /** 1-based. */
  n: number;
  openingMinor: bigint;
  interestMinor: bigint;
  principalMinor: bigint;
  totalMinor: bigint;
  closingMinor: bigint;
}

export interface AmortizeInput {
  principalMinor: bigint;
  annualRateBps: number;
  /** Instalments that repay principal (the moratorium's interest-only ones come before them). */
  instalments: number;
  /** Periods a year: 52, 26, 12 or 4. */
  perYear: number;
  method: Method;
  moratoriumPeriods?: number;
  /** A broken first period, charged by the day (actual/365) instead of one period's rate. */
  firstPeriodDays?: number;
  /** How the level instalment is rounded (the paisa, half-up, when absent). */
  rounding?: Rounding;
}

/** The level part of `t` instalments repaying `principalMinor`: the EMI, or equal principal's P / t. */
export const levelOf = (
  principalMinor: bigint,
  annualRateBps: number,
  t: number,
  perYear: number,
  method: Method,
  rounding: Rounding = PAISA,
) =>
  method === 'EQUAL_PRINCIPAL'
    ? roundTo(new Money(principalMinor.toString()).div(t), rounding)
    : emiMinor(principalMinor, annualRateBps, t, perYear, rounding);

/**
 * The platform's one amortization (amounts only; loans adds the dates). Each instalment's interest is the
 * opening balance × periodic rate rounded half-up to the minor unit, in exact integers (a broken first
 * period by the day); EMI instalments repay EMI − the standard period's interest, equal-principal ones
 * round(P / t); moratorium instalments pay interest only; the last one repays whatever balance is left.
 */
export function amortize(input: AmortizeInput): Instalment[] {
  const { principalMinor: p, annualRateBps, instalments: t, perYear, method } = input;
  const moratorium = input.moratoriumPeriods ?? 0;
  const bps = BigInt(annualRateBps);
  const standardInterest = (opening: bigint) => divHalfUp(opening * bps, 10_000n * BigInt(perYear));
  const level = levelOf(p, annualRateBps, t, perYear, method, input.rounding);
  const rows: Instalment[] = [];
  let balance = p;
  const total = moratorium + t;
  for (let n = 1; n <= total; n++) {
    const standard = standardInterest(balance);
    const interest =
      n === 1 && input.firstPeriodDays !== undefined
        ? divHalfUp(balance * bps * BigInt(input.firstPeriodDays), 10_000n * 365n)
        : standard;
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
      openingMinor: balance,
      interestMinor: interest,
      principalMinor: principal,
      totalMinor: principal + interest,
      closingMinor: balance - principal,
    });
    balance -= principal;
  }
  return rows;
}

/**
 * Annual percentage rate of a loan from its real cash flows (RBI's KFS circular, 2024: the APR is the
 * annualised internal rate of return of the cash flows, fees included): `receivedMinor` paid out at the
 * start against `paymentsMinor` at the end of periods 1, 2, … — the first after `firstPeriod` periods when
 * it is broken (its days over the period's) — then periods a year × the periodic rate, in basis points
 * rounded half-up. A weekly loan's periodic rate is a week's, so it is annualised ×52, not ×12.
 * Bisection in decimals: the present value falls as the rate rises.
 */
export function aprBps(
  receivedMinor: bigint,
  paymentsMinor: readonly bigint[],
  perYear = 12,
  firstPeriod = 1,
): number {
  if (receivedMinor <= 0n || paymentsMinor.length === 0) throw new Error('an APR needs money out and back');
  const received = new Money(receivedMinor.toString());
  const payments = paymentsMinor.map((p) => new Money(p.toString()));
  const presentValue = (i: Decimal) => {
    const factor = i.plus(1);
    // The first payment after `firstPeriod` periods, each later one a whole period after the one before.
    let discount = firstPeriod === 1 ? new Money(1).div(factor) : new Money(1).div(factor.pow(firstPeriod));
    let pv = new Money(0);
    for (const p of payments) {
      pv = pv.plus(p.mul(discount));
      discount = discount.div(factor);
    }
    return pv;
  };
  let low = new Money(0);
  let high = new Money(1); // 100% a period: far above any lawful rate
  if (presentValue(low).lessThan(received)) throw new Error('the payments are less than the amount received');
  for (let k = 0; k < 90; k++) {
    const mid = low.plus(high).div(2);
    if (presentValue(mid).greaterThan(received)) low = mid;
    else high = mid;
  }
  return low.plus(high).div(2).mul(perYear).mul(10_000).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
}

/**
 * Why a schedule is not one a borrower can be offered, or undefined: its last instalment must stay within
 * 1 % of the level one (the EMI, or equal principal's principal part), or within one rounding unit (the
 * product's multiple; the paisa by default) per repaying instalment when that is more; the unit may be at
 * most 1 % of the level, and the loan may not be repaid before its last instalment. Rounding each period
 * drifts the balance a little, and the drift grows with (1 + r)^n: on ordinary terms the last EMI differs
 * by a few rupees, but where the instalment barely exceeds a period's interest (₹1,000 at 36 % over 30
 * years) or the growth is vast (₹50 lakh fortnightly at 50 % over 30 years) the schedule ends with a
 * balloon or with nothing. Such terms are refused rather than signed.
 */
export function scheduleProblem(
  rows: readonly Instalment[],
  method: Method,
  moratoriumPeriods = 0,
  rounding: Rounding = PAISA,
) {
  const repaying = rows.slice(moratoriumPeriods);
  const first = repaying[0];
  const last = repaying.at(-1);
  if (!first || !last || repaying.length < 2) return undefined;
  const level = method === 'EMI' ? first.totalMinor : first.principalMinor;
  const end = method === 'EMI' ? last.totalMinor : last.principalMinor;
  const drift = end > level ? end - level : level - end;
  // A unit above 1 % of the instalment rounds it out of shape (to nothing, or repaid before the end).
  if (rounding.multipleMinor * 100n > level || repaying.slice(0, -1).some((i) => i.closingMinor === 0n)) {
    return `an instalment of ${level} minor units cannot be rounded to multiples of ${rounding.multipleMinor}: choose terms with a larger instalment`;
  }
  const perUnit = BigInt(repaying.length) * rounding.multipleMinor;
  const allowed = level / 100n > perUnit ? level / 100n : perUnit;
  if (drift <= allowed) return undefined;
  return `the last instalment would be ${end} against ${level} minor units: these terms cannot be repaid in equal instalments; shorten the tenure or change the rate`;
}

/** The smaller of two amounts. */
export const minAmount = (a: bigint, b: bigint) => (a < b ? a : b);

/** The calendar date where loans live (schedules, sanction and lending days are Asia/Kolkata dates). */
export const lendingDay = (at = new Date()) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(at);
