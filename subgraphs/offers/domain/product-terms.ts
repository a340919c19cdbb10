import { amortizeTerms, instalmentsFor, scheduleProblem } from '../../../platform/finance';
import { money } from '../../../platform/graphql/money';
import {
  allCharges,
  type Charge,
  chargeFor,
  chargesOn,
  describeCharge,
  disbursementCharges,
  type LoanProduct,
  roundingOf,
} from '../../../platform/products';

export interface ProductTerms {
  amountMinor: bigint;
  annualRateBps: number;
  tenureMonths: number;
  frequency: LoanProduct['frequencies'][number];
  method: LoanProduct['methods'][number];
  moratoriumPeriods: number;
  processingFeeMinor: bigint;
}

/** The most that may be taken at disbursement under a product: its disbursement charges with their GST. */
export function disbursementCeiling(p: LoanProduct, amountMinor: bigint): bigint {
  const all = disbursementCharges(p, amountMinor);
  return all.amountMinor + all.gstMinor;
}

/** Where offer terms leave the product's rules: the field and why (empty when they fit). */
export function productProblems(p: LoanProduct, t: ProductTerms): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const outside = (field: string, what: string, min: unknown, max: unknown) =>
    out.push({ field, message: `${p.name} lends ${what} from ${min} to ${max}` });
  if (t.amountMinor < BigInt(p.amountMinor.min) || t.amountMinor > BigInt(p.amountMinor.max)) {
    outside('amountMinor', 'amounts', money(p.amountMinor.min).formatted, money(p.amountMinor.max).formatted);
  }
  if (t.tenureMonths < p.tenureMonths.min || t.tenureMonths > p.tenureMonths.max) {
    outside('tenureMonths', 'tenures (months)', p.tenureMonths.min, p.tenureMonths.max);
  }
  if (t.annualRateBps < p.annualRateBps.min || t.annualRateBps > p.annualRateBps.max) {
    outside('annualRateBps', 'rates (basis points)', p.annualRateBps.min, p.annualRateBps.max);
  }
  if (!p.frequencies.includes(t.frequency)) {
    out.push({ field: 'frequency', message: `${p.name} is repaid ${p.frequencies.join(' or ')}` });
  }
  if (!p.methods.includes(t.method)) {
    out.push({ field: 'method', message: `${p.name} is repaid by ${p.methods.join(' or ')}` });
  }
  if (t.moratoriumPeriods > p.maxMoratoriumPeriods) {
    out.push({ field: 'moratoriumPeriods', message: `${p.name} allows at most ${p.maxMoratoriumPeriods}` });
  }
  if (t.moratoriumPeriods >= instalmentsFor(t.tenureMonths, t.frequency)) return out;
  // The schedule as the product rounds it: terms that would end in a balloon or in nothing are refused.
  const rounding = roundingOf(p);
  const repayment = {
    frequency: t.frequency,
    method: t.method,
    moratoriumPeriods: t.moratoriumPeriods,
    rounding,
  };
  const problem = scheduleProblem(
    amortizeTerms(t.amountMinor, t.annualRateBps, t.tenureMonths, repayment),
    t.method,
    t.moratoriumPeriods,
    rounding,
  );
  if (problem) out.push({ field: 'tenureMonths', message: problem });
  const ceiling = disbursementCeiling(p, t.amountMinor);
  if (t.processingFeeMinor > ceiling) {
    out.push({
      field: 'processingFeeMinor',
      message: `${p.name} takes at most ${money(ceiling).formatted} at disbursement (its charges with GST)`,
    });
  }
  return out;
}

/** A charge as the KFS states it: what, when, and how much (or how it is worked out). */
export interface KfsCharge {
  code: string;
  name: string;
  trigger: Charge['trigger'];
  /** How it is worked out, in words a borrower reads. */
  description: string;
  /** For a charge at disbursement: the amount taken; on each instalment: the amount; GST included. */
  amountMinor: bigint | null;
}

/**
 * Every charge of the product, as the Key Fact Statement discloses it (nothing else may ever be levied
 * on the loan): at disbursement the fee actually taken; the penal charge on an overdue instalment (a
 * charge, never penal interest, never capitalised — RBI, 2023); the foreclosure and prepayment charges.
 */
export function kfsCharges(p: LoanProduct, feeTakenMinor: bigint): KfsCharge[] {
  const disbursement = chargesOn(p, 'DISBURSEMENT');
  const out: KfsCharge[] = allCharges(p).map((c) => ({
    code: c.code,
    name: c.name,
    trigger: c.trigger,
    description: describeCharge(c, p),
    amountMinor: null,
  }));
  // The fee taken covers the disbursement charges (at most their sum; less when waived in part).
  const first = out.find((c) => c.trigger === 'DISBURSEMENT');
  if (first && disbursement.length === 1) first.amountMinor = feeTakenMinor;
  // A charge on each instalment is a fixed sum: the KFS states it exactly.
  for (const [k, c] of allCharges(p).entries()) {
    if (c.trigger !== 'INSTALMENT') continue;
    const { amountMinor, gstMinor } = chargeFor(c, {});
    (out[k] as KfsCharge).amountMinor = amountMinor + gstMinor;
  }
  return out;
}
