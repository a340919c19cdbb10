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
