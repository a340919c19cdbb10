import {
  amortizeTerms,
  aprBps,
  DEFAULT_REPAYMENT,
  type Instalment,
  PERIODS_PER_YEAR,
  type RepaymentTerms,
} from '../../../platform/finance';

export interface OfferTerms {
  amountMinor: bigint;
  annualRateBps: number;
  tenureMonths: number;
  processingFeeMinor: bigint;
  /** The product's charge on each instalment with something to pay, GST included (none when absent). */
  instalmentChargeMinor?: bigint;
  /** Monthly EMI without a moratorium unless stated. */
  repayment?: RepaymentTerms;
}

/** What the borrower must be shown before accepting: the cost of the loan in money and as one rate. */
export interface KeyFacts {
  /** The regular instalment: the first one that repays principal (EMI, or the first of equal principal). */
  emiMinor: bigint;
  instalments: number;
  totalInterestMinor: bigint;
  feesMinor: bigint;
  /** The instalment charges over the loan's life, GST included. */
  recurringChargesMinor: bigint;
  /** Principal, interest and the instalment charges: what the borrower pays over the loan's life. */
  totalPayableMinor: bigint;
  /** Paid out to the borrower: the amount less the processing fee, which is deducted upfront. */
  netDisbursedMinor: bigint;
  /** Annual percentage rate from the real cash flows (fee and instalment charges included), basis points. */
  aprBps: number;
  schedule: Instalment[];
}

export const TERMS_LIMITS = {
  minAmountMinor: 100_000n,
  maxAmountMinor: 100_000_000_000n,
  maxRateBps: 5000,
  minTenureMonths: 3,
  maxTenureMonths: 360,
} as const;

export function keyFacts(terms: OfferTerms): KeyFacts {
  const r = terms.repayment ?? DEFAULT_REPAYMENT;
  const schedule = amortizeTerms(terms.amountMinor, terms.annualRateBps, terms.tenureMonths, r);
  const totalInterestMinor = schedule.reduce((sum, i) => sum + i.interestMinor, 0n);
  const netDisbursedMinor = terms.amountMinor - terms.processingFeeMinor;
  // Each instalment with something to pay carries the product's instalment charge (a ₹0 row carries none).
  const charge = terms.instalmentChargeMinor ?? 0n;
  const payments = schedule.map((i) => (i.totalMinor > 0n ? i.totalMinor + charge : 0n));
  const recurringChargesMinor = charge * BigInt(schedule.filter((i) => i.totalMinor > 0n).length);
  return {
    emiMinor: schedule[r.moratoriumPeriods]?.totalMinor ?? 0n,
    instalments: schedule.length,
    totalInterestMinor,
    feesMinor: terms.processingFeeMinor,
    recurringChargesMinor,
    totalPayableMinor: terms.amountMinor + totalInterestMinor + recurringChargesMinor,
    netDisbursedMinor,
    aprBps: aprBps(netDisbursedMinor, payments, PERIODS_PER_YEAR[r.frequency]),
    schedule,
  };
}
