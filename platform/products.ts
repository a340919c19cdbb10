// Loan products as data (schema/loan-product.json): what a lender may offer under a product, and every
// charge it may levy. Offers keeps the versions; a loan keeps the version it was offered under, so these
// rules are pure functions of that document, shared by offers (terms, KFS) and loans (servicing).
import Ajv2020 from 'ajv/dist/2020';
import { glMappingProblems } from './chart-of-accounts';
import { AppError } from './errors';
import { divHalfUp, type Frequency, type Method, PAISA, type Rounding, shareOf } from './finance';
import { money } from './graphql/money';
import { schemaJson } from './schema-files';

export type Trigger = 'DISBURSEMENT' | 'INSTALMENT' | 'ON_DATE' | 'OVERDUE' | 'FORECLOSURE' | 'PREPAYMENT';
export type PercentOf =
  | 'PERCENT_OF_AMOUNT'
  | 'PERCENT_OF_OUTSTANDING_PRINCIPAL'
  | 'PERCENT_OF_OVERDUE_INSTALMENT'
  | 'PERCENT_OF_PREPAID_PRINCIPAL';
export type Calculation = { kind: 'FLAT'; amountMinor: string } | { kind: PercentOf; bps: number };

/**
 * What a charge may be a share of at each trigger: only a figure that exists when it is levied (the loan
 * amount at disbursement, the overdue instalment when one is overdue, the principal outstanding at a
 * foreclosure, the principal prepaid at a part-prepayment) — so a product can never name a charge the
 * engine cannot work out.
 */
export const CALCULATIONS_ON: Record<Trigger, readonly Calculation['kind'][]> = {
  DISBURSEMENT: ['FLAT', 'PERCENT_OF_AMOUNT'],
  // A fixed sum on every instalment, so the KFS states it exactly and the APR counts it.
  INSTALMENT: ['FLAT'],
  // Set by staff on a loan for a date (a mandate bounce, a legal notice, a renewal fee).
  ON_DATE: ['FLAT', 'PERCENT_OF_OUTSTANDING_PRINCIPAL'],
  OVERDUE: ['FLAT', 'PERCENT_OF_OVERDUE_INSTALMENT'],
  FORECLOSURE: ['FLAT', 'PERCENT_OF_OUTSTANDING_PRINCIPAL'],
  PREPAYMENT: ['FLAT', 'PERCENT_OF_PREPAID_PRINCIPAL'],
};

export interface Charge {
  code: string;
  name: string;
  trigger: Trigger;
  calculation: Calculation;
  minMinor?: string;
  maxMinor?: string;
  gst: boolean;
}

/** Interest income earned day by day (accrual accounting), or only as each instalment falls due. */
export type InterestRecognition = 'DAILY' | 'ON_DUE_DATE';

export interface LoanProduct {
  code: string;
  name: string;
  description?: string;
  amountMinor: { min: string; max: string };
  tenureMonths: { min: number; max: number };
  annualRateBps: { min: number; max: number };
  frequencies: Frequency[];
  methods: Method[];
  interestMethod?: 'REDUCING_BALANCE';
  maxMoratoriumPeriods: number;
  allocationOrder: ('penalty' | 'fees' | 'interest' | 'principal')[];
  /** How the level instalment is rounded (the paisa, half-up, when absent). */
  instalmentRounding?: { multipleMinor: string; mode: Rounding['mode'] };
  /**
   * Shorthand of the first product versions for a FORECLOSURE charge of this share of the principal
   * outstanding, without GST (0 or absent: none). New versions state it as a charge.
   */
  foreclosureChargeBps?: number;
  /** Lent against collateral (provisioning rates for secured exposures); unsecured when absent. */
  secured?: boolean;
  /** How interest income is recognised (DAILY accrual when absent). */
  interestRecognition?: InterestRecognition;
  /** Left unpaid on an instalment up to this (minor units), it is not in arrears (0 when absent). */
  arrearsToleranceMinor?: string;
  /** Days after a due date before an unpaid instalment draws its OVERDUE charges (0 when absent). */
  penalGraceDays?: number;
  /** Days after disbursement in which the borrower may exit with no foreclosure charge (3 when absent). */
  coolingOffDays?: number;
  /** Ledger accounts this product's loans report in other GL codes than the chart's defaults. */
  glAccounts?: Record<string, string>;
  /** How a borrower may prepay part of the loan (both when absent; none when empty). */
  partPrepayment?: ('REDUCE_EMI' | 'REDUCE_TENURE')[];
  charges: Charge[];
}

/** GST on fees and charges in India (18 %), in basis points. */
export const GST_BPS = 1800n;

let validator: ReturnType<Ajv2020['compile']> | undefined;
const validate = () => {
  validator ??= new Ajv2020({ allErrors: true, strict: false }).compile(
    schemaJson('loan-product.json') as object,
  );
  return validator;
};

/**
 * A product document checked against its JSON Schema and the rules a schema cannot state (each range
 * in order, charge codes unique, a charge's calculation fitting its trigger). Throws BAD_USER_INPUT with
 * every problem found.
 */
export function parseProduct(document: unknown): LoanProduct {
  const check = validate();
  const problems: string[] = [];
  if (!check(document)) {
    for (const e of check.errors ?? []) problems.push(`${e.instancePath || '/'} ${e.message}`);
    throw new AppError('BAD_USER_INPUT', `not a loan product: ${problems.join('; ')}`, { field: 'document' });
  }
  const p = document as LoanProduct;
  if (BigInt(p.amountMinor.min) > BigInt(p.amountMinor.max)) problems.push('amountMinor: min above max');
  for (const key of ['tenureMonths', 'annualRateBps'] as const) {
    if (p[key].min > p[key].max) problems.push(`${key}: min above max`);
  }
  const codes = new Set<string>();
  for (const c of p.charges) {
    if (codes.has(c.code)) problems.push(`charges: ${c.code} twice`);
    codes.add(c.code);
    if (c.minMinor && c.maxMinor && BigInt(c.minMinor) > BigInt(c.maxMinor)) {
      problems.push(`charges: ${c.code} min above max`);
    }
    if (!CALCULATIONS_ON[c.trigger].includes(c.calculation.kind)) {
      problems.push(
        `charges: ${c.code} is levied on ${c.trigger}, so it is ${CALCULATIONS_ON[c.trigger].join(' or ')}`,
      );
    }
  }
  if ((p.foreclosureChargeBps ?? 0) > 0 && p.charges.some((c) => c.trigger === 'FORECLOSURE')) {
    problems.push('foreclosureChargeBps: state the foreclosure charge once, as a FORECLOSURE charge');
  }
  problems.push(...glMappingProblems(p.glAccounts));
  if (problems.length) {
    throw new AppError('BAD_USER_INPUT', `not a loan product: ${problems.join('; ')}`, { field: 'document' });
  }
  return p;
}

/** What a charge's calculation is a share of, for one levy. */
export interface ChargeBase {
  amountMinor?: bigint;
  outstandingPrincipalMinor?: bigint;
  overdueInstalmentMinor?: bigint;
  prepaidPrincipalMinor?: bigint;
}

/** A charge for one levy: its amount (calculation, then min and max) and the GST on it. */
export function chargeFor(c: Charge, base: ChargeBase): { amountMinor: bigint; gstMinor: bigint } {
  const calc = c.calculation;
  let amount: bigint;
  if (calc.kind === 'FLAT') amount = BigInt(calc.amountMinor);
  else {
    const of = {
      PERCENT_OF_AMOUNT: base.amountMinor,
      PERCENT_OF_OUTSTANDING_PRINCIPAL: base.outstandingPrincipalMinor,
      PERCENT_OF_OVERDUE_INSTALMENT: base.overdueInstalmentMinor,
      PERCENT_OF_PREPAID_PRINCIPAL: base.prepaidPrincipalMinor,
    }[calc.kind];
    if (of === undefined) throw new Error(`${c.code}: nothing to take ${calc.kind} of`);
    amount = divHalfUp(of * BigInt(calc.bps), 10_000n);
  }
  if (c.minMinor !== undefined && amount < BigInt(c.minMinor)) amount = BigInt(c.minMinor);
  if (c.maxMinor !== undefined && amount > BigInt(c.maxMinor)) amount = BigInt(c.maxMinor);
  return { amountMinor: amount, gstMinor: c.gst ? divHalfUp(amount * GST_BPS, 10_000n) : 0n };
}

/** Several charges levied together on one base: their amounts and their GST, each summed. */
export function chargesFor(charges: readonly Charge[], base: ChargeBase) {
  return charges.reduce(
    (sum, c) => {
      const one = chargeFor(c, base);
      return { amountMinor: sum.amountMinor + one.amountMinor, gstMinor: sum.gstMinor + one.gstMinor };
    },
    { amountMinor: 0n, gstMinor: 0n },
  );
}

let standard: LoanProduct | undefined;
/**
 * The product a loan keeps: the version its accepted offer carried; a loan offered before products were
 * data was offered under STANDARD's first version (schema/products/standard.json states those rules).
 */
export function productOfTerms(accepted: { product?: unknown }): LoanProduct {
  if (accepted.product) return accepted.product as LoanProduct;
  standard ??= parseProduct(schemaJson('products', 'standard.json'));
  return standard;
}

/**
 * The look-up period a product gives (RBI Digital Lending Directions, 2025: at least a day, set by the
 * lender's board). Products that do not say give 3 days, the 2022 guidelines' figure.
 */
export const coolingOffDaysOf = (p: Pick<LoanProduct, 'coolingOffDays'>) => p.coolingOffDays ?? 3;

/** The product's rounding of the level instalment, for the amortization. */
export const roundingOf = (p: Pick<LoanProduct, 'instalmentRounding'>): Rounding =>
  p.instalmentRounding
    ? { multipleMinor: BigInt(p.instalmentRounding.multipleMinor), mode: p.instalmentRounding.mode }
    : PAISA;

const pct = (bps: number) => `${(bps / 100).toString()} %`;

/**
 * How a charge of a product is worked out, in words a borrower reads (the KFS and the agreement say it
 * so), with the product's grace days for an overdue instalment.
 */
export function describeCharge(c: Charge, p: Pick<LoanProduct, 'penalGraceDays'> = {}): string {
  const calc = c.calculation;
  const what =
    calc.kind === 'FLAT'
      ? money(calc.amountMinor).formatted
      : `${pct(calc.bps)} of ${
          {
            PERCENT_OF_AMOUNT: 'the loan amount',
            PERCENT_OF_OUTSTANDING_PRINCIPAL: 'the principal outstanding',
            PERCENT_OF_OVERDUE_INSTALMENT: 'the overdue instalment',
            PERCENT_OF_PREPAID_PRINCIPAL: 'the principal prepaid',
          }[calc.kind]
        }`;
  const bounds = [
    c.minMinor && BigInt(c.minMinor) > 0n ? `at least ${money(c.minMinor).formatted}` : '',
    c.maxMinor ? `at most ${money(c.maxMinor).formatted}` : '',
  ].filter(Boolean);
  const when = {
    DISBURSEMENT: 'deducted when the loan is paid out',
    INSTALMENT: 'on each instalment',
    ON_DATE: 'when the lender levies it, on the date it names',
    OVERDUE: p.penalGraceDays
      ? `per instalment still unpaid ${p.penalGraceDays} days after its due date`
      : 'per overdue instalment',
    FORECLOSURE: 'when the loan is paid off early',
    PREPAYMENT: 'on each part-prepayment',
  }[c.trigger];
  return `${what}${bounds.length ? ` (${bounds.join(', ')})` : ''}${c.gst ? ', plus 18 % GST' : ''}, ${when}`;
}

/**
 * Every charge a product version may levy: its charges, and the foreclosure charge the first versions
 * stated as `foreclosureChargeBps` (a share of the principal outstanding, without GST).
 */
export function allCharges(p: LoanProduct): Charge[] {
  const bps = p.foreclosureChargeBps ?? 0;
  if (bps <= 0) return p.charges;
  return [
    ...p.charges,
    {
      code: 'FORECLOSURE',
      name: 'Foreclosure charge',
      trigger: 'FORECLOSURE',
      calculation: { kind: 'PERCENT_OF_OUTSTANDING_PRINCIPAL', bps },
      gst: false,
    },
  ];
}

/** The product's charges levied on an event. */
export const chargesOn = (p: LoanProduct, trigger: Trigger) =>
  allCharges(p).filter((c) => c.trigger === trigger);

/**
 * What a product may take when a loan of `amountMinor` is paid out: its disbursement charges (`amountMinor`)
 * and the GST on them (`gstMinor`) — the fee an offer states is at most their sum.
 */
export const disbursementCharges = (p: LoanProduct, amountMinor: bigint) =>
  chargesFor(chargesOn(p, 'DISBURSEMENT'), { amountMinor });

/**
 * What a product adds to each instalment that has something to pay (its INSTALMENT charges, with GST): a
 * fixed sum, which the KFS states and the APR counts, levied when the instalment falls due.
 */
export const instalmentCharges = (p: LoanProduct) => chargesFor(chargesOn(p, 'INSTALMENT'), {});

/**
 * The GST inside the fee taken at disbursement: the disbursement charges' GST when the whole of them (with
 * GST) is taken, its share half-up when the offer took less — the rule a waiver reverses GST by. The rest of
 * the fee is income; the GST is the tax authority's.
 */
export function gstInFee(p: LoanProduct, amountMinor: bigint, feeTakenMinor: bigint): bigint {
  const all = disbursementCharges(p, amountMinor);
  return shareOf(feeTakenMinor, all.amountMinor + all.gstMinor, all.gstMinor);
}

/**
 * A charge a loan levies: only one its product (the version in the accepted KFS) declares, by code.
 * Throws FAILED_PRECONDITION for any other.
 */
export function disclosedCharge(p: LoanProduct, code: string): Charge {
  const c = allCharges(p).find((x) => x.code === code);
  if (!c) {
    throw new AppError(
      'FAILED_PRECONDITION',
      `${code} is not a charge of ${p.code}: it was not in the KFS the borrower accepted`,
    );
  }
  return c;
}
