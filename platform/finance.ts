import Decimal from 'decimal.js';

/**
 * Equal monthly instalment of a reducing-balance loan, in minor units, rounded half-up to the unit
 * (the platform's rounding rule: the instalment is rounded, the last one absorbs the remainder).
 * Computed in decimal arithmetic, never in floats.
 */
export function emiMinor(principalMinor: bigint, annualRateBps: number, months: number): bigint {
  if (months <= 0) throw new Error('months must be positive');
  const p = new Decimal(principalMinor.toString());
  if (annualRateBps === 0) return BigInt(p.div(months).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0));
  const r = new Decimal(annualRateBps).div(10_000).div(12);
  const growth = r.plus(1).pow(months);
  const emi = p.mul(r).mul(growth).div(growth.minus(1));
  return BigInt(emi.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0));
}

/** a / b in basis points (1% = 100), rounded down; b must be positive. */
export function ratioBps(a: bigint, b: bigint): number {
  if (b <= 0n) throw new Error('ratio of a non-positive amount');
  return Number((a * 10_000n) / b);
}

export interface Instalment {
  /** 1-based. */
  n: number;
  openingMinor: bigint;
  interestMinor: bigint;
  principalMinor: bigint;
  totalMinor: bigint;
  closingMinor: bigint;
}

/**
 * Monthly reducing-balance schedule with equal instalments: each month's interest is the opening balance
 * times the monthly rate, rounded half-up to the minor unit; the instalment is the rounded EMI, and the
 * last one pays off whatever balance is left (so it absorbs every rounding difference).
 */
export function emiSchedule(principalMinor: bigint, annualRateBps: number, months: number): Instalment[] {
  const emi = emiMinor(principalMinor, annualRateBps, months);
  const r = new Decimal(annualRateBps).div(10_000).div(12);
  const rows: Instalment[] = [];
  let balance = principalMinor;
  for (let n = 1; n <= months; n++) {
    const interest = BigInt(r.mul(balance.toString()).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0));
    const principal = n === months ? balance : emi - interest < balance ? emi - interest : balance;
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
