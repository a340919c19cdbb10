import Decimal from 'decimal.js';

/** a / b rounded half-up, exactly, for a ≥ 0 and b > 0. */
export const divHalfUp = (a: bigint, b: bigint) => (2n * a + b) / (2n * b);

/**
 * Equal instalment of a reducing-balance loan, P·r·(1+r)^t / ((1+r)^t − 1) with r the periodic rate,
 * rounded half-up to the minor unit (P / t without interest). Decimal arithmetic, never floats.
 */
export function emiMinor(
  principalMinor: bigint,
  annualRateBps: number,
  periods: number,
  perYear = 12,
): bigint {
  if (periods <= 0) throw new Error('periods must be positive');
  if (annualRateBps === 0) return divHalfUp(principalMinor, BigInt(periods));
  // decimal.js's 20 significant digits leave ten below the paisa for amounts up to ₹1,000 crore.
  const r = new Decimal(annualRateBps).div(10_000).div(perYear);
  const growth = r.plus(1).pow(periods);
  const emi = new Decimal(principalMinor.toString()).mul(r).mul(growth).div(growth.minus(1));
  return BigInt(emi.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0));
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

/** Instalments in a tenure of whole months at a frequency (36 months weekly = 156). */
export const instalmentsFor = (tenureMonths: number, frequency: Frequency) =>
  Math.round((tenureMonths * PERIODS_PER_YEAR[frequency]) / 12);

/** How a loan is repaid: the offer states it, the agreement and the loan's schedule follow it. */
export interface RepaymentTerms {
  frequency: Frequency;
  method: Method;
  /** Interest-only instalments at the start, counted within the tenure. */
  moratoriumPeriods: number;
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
}

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
  const level =
    method === 'EQUAL_PRINCIPAL' ? divHalfUp(p, BigInt(t)) : emiMinor(p, annualRateBps, t, perYear);
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
 * Annual percentage rate of a loan from its real cash flows: the monthly internal rate of return of
 * `receivedMinor` paid out at the start against `paymentsMinor` at the end of months 1, 2, …, times 12,
 * in basis points rounded half-up. Bisection in decimals: the present value falls as the rate rises.
 */
export function aprBps(receivedMinor: bigint, paymentsMinor: readonly bigint[]): number {
  if (receivedMinor <= 0n || paymentsMinor.length === 0) throw new Error('an APR needs money out and back');
  const received = new Decimal(receivedMinor.toString());
  const payments = paymentsMinor.map((p) => new Decimal(p.toString()));
  const presentValue = (i: Decimal) => {
    const factor = i.plus(1);
    let pv = new Decimal(0);
    let discount = new Decimal(1);
    for (const p of payments) {
      discount = discount.div(factor);
      pv = pv.plus(p.mul(discount));
    }
    return pv;
  };
  let low = new Decimal(0);
  let high = new Decimal(1); // 100% a month: far above any lawful rate
  if (presentValue(low).lessThan(received)) throw new Error('the payments are less than the amount received');
  for (let k = 0; k < 80; k++) {
    const mid = low.plus(high).div(2);
    if (presentValue(mid).greaterThan(received)) low = mid;
    else high = mid;
  }
  return low.plus(high).div(2).mul(12).mul(10_000).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
}

/** The smaller of two amounts. */
export const minAmount = (a: bigint, b: bigint) => (a < b ? a : b);

/** The calendar date where loans live (schedules, sanction and lending days are Asia/Kolkata dates). */
export const lendingDay = (at = new Date()) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(at);
