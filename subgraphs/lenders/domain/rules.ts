import { z } from 'zod';

/** Bureau bands as risk names them (subgraphs/risk/domain/scoring.ts), best first. */
export const BUREAU_BANDS = ['EXCELLENT', 'GOOD', 'FAIR', 'POOR', 'VERY_POOR'] as const;
export type BureauBand = (typeof BUREAU_BANDS)[number];

const minor = z.union([z.string().regex(/^[0-9]+$/), z.number().int().nonnegative()]).transform(BigInt);
const range = <T extends z.ZodType<number | bigint>>(bound: T) =>
  z
    .object({ min: bound.optional(), max: bound.optional() })
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min above max');

/**
 * One lender's appetite, as data a risk manager edits: who it lends to (every criterion given must hold;
 * one left out does not restrict) and where it stands in the waterfall (lower `priority` is tried first;
 * `bandBonus` moves it up for the bands it wants most).
 */
export const lenderRulesSchema = z.object({
  lenderCode: z.string().regex(/^[A-Z][A-Z0-9_]{1,31}$/, 'upper-case code, e.g. ACME_NBFC'),
  active: z.boolean().default(true),
  priority: z.number().int().min(0).max(1000),
  bandBonus: z.partialRecord(z.enum(BUREAU_BANDS), z.number().int().min(-1000).max(1000)).default({}),
  bureauBands: z.array(z.enum(BUREAU_BANDS)).min(1).optional(),
  ageYears: range(z.number().int().min(18).max(100)).optional(),
  monthlyIncomeMinor: range(minor).optional(),
  amountMinor: range(minor).optional(),
  tenureMonths: range(z.number().int().min(1).max(480)).optional(),
  states: z.array(z.string().min(2).max(60)).min(1).optional(),
  products: z.array(z.string().min(2).max(40)).min(1).optional(),
  merchantCategories: z
    .array(z.string().regex(/^[0-9]{4}$/, 'a 4-digit MCC'))
    .min(1)
    .optional(),
  /** What the lender takes in one calendar day (Asia/Kolkata), in minor units. */
  dailyExposureCapMinor: minor.optional(),
});
export type LenderRules = z.output<typeof lenderRulesSchema>;

export const ruleSetSchema = z
  .array(lenderRulesSchema)
  .min(1)
  .refine((l) => new Set(l.map((r) => r.lenderCode)).size === l.length, 'each lender once');

/** What the selector knows about an application at checkout. */
export interface Facts {
  bureauBand: BureauBand | null;
  ageYears: number | null;
  monthlyIncomeMinor: bigint | null;
  amountMinor: bigint;
  tenureMonths: number;
  state: string | null;
  product: string;
  merchantCategory: string | null;
}

/**
 * Completed years from a date of birth to a day (both YYYY-MM-DD): one more on each birthday; a 29 February
 * birthday counts from 1 March in other years.
 */
export function ageOn(dateOfBirth: string, day: string): number {
  const [by = 0, bm = 0, bd = 0] = dateOfBirth.split('-').map(Number);
  const [y = 0, m = 0, d = 0] = day.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export interface Verdict {
  lenderCode: string;
  eligible: boolean;
  /** Why not, one reason a failed criterion; empty when eligible. */
  reasons: string[];
  rank: number;
}

type Check = (f: Facts, lentToday: bigint) => string | null;

// Reasons are made when the rules are compiled, so an evaluation allocates no strings.
const within = <T extends number | bigint>(
  name: string,
  r: { min?: T; max?: T } | undefined,
  value: (f: Facts) => T | null,
): Check | null => {
  if (!r) return null;
  const { min, max } = r;
  const unknown = `${name} unknown`;
  const below = `${name} below ${min}`;
  const above = `${name} above ${max}`;
  return (f) => {
    const v = value(f);
    if (v === null) return unknown;
    if (min !== undefined && v < min) return below;
    if (max !== undefined && v > max) return above;
    return null;
  };
};

const oneOf = (
  name: string,
  allowed: readonly string[] | undefined,
  value: (f: Facts) => string | null,
): Check | null => {
  if (!allowed) return null;
  const served = new Set(allowed.map((a) => a.toUpperCase()));
  const unknown = `${name} unknown`;
  return (f) => {
    const v = value(f);
    if (v === null) return unknown;
    const key = v.toUpperCase();
    return served.has(key) ? null : `${name} ${v} not served`;
  };
};

/** One lender's rules as a list of checks, built once per rule version: evaluating reads no JSON. */
function compileLender(r: LenderRules) {
  const cap = r.dailyExposureCapMinor;
  const capReason = `daily exposure cap of ${cap} reached`;
  const checks = [
    oneOf('bureau band', r.bureauBands, (f) => f.bureauBand),
    within('age', r.ageYears, (f) => f.ageYears),
    within('monthly income', r.monthlyIncomeMinor, (f) => f.monthlyIncomeMinor),
    within('amount', r.amountMinor, (f) => f.amountMinor),
    within('tenure', r.tenureMonths, (f) => f.tenureMonths),
    oneOf('state', r.states, (f) => f.state),
    oneOf('product', r.products, (f) => f.product),
    oneOf('merchant category', r.merchantCategories, (f) => f.merchantCategory),
    cap === undefined
      ? null
      : (f: Facts, lentToday: bigint) => (lentToday + f.amountMinor > cap ? capReason : null),
  ].filter((c): c is Check => c !== null);
  const bonus = r.bandBonus as Partial<Record<BureauBand, number>>;
  const code = r.lenderCode;
  const paused = r.active ? null : 'lender paused';
  return (f: Facts, lentToday: bigint): Verdict => {
    let reasons: string[] | null = paused ? [paused] : null;
    for (let i = 0; i < checks.length; i++) {
      const why = (checks[i] as Check)(f, lentToday);
      if (why) {
        reasons ??= [];
        reasons.push(why);
      }
    }
    const rank = r.priority - (f.bureauBand ? (bonus[f.bureauBand] ?? 0) : 0);
    return { lenderCode: code, eligible: reasons === null, reasons: reasons ?? [], rank };
  };
}

const byTurn = (a: Verdict, b: Verdict) =>
  Number(b.eligible) - Number(a.eligible) ||
  a.rank - b.rank ||
  (a.lenderCode < b.lenderCode ? -1 : a.lenderCode > b.lenderCode ? 1 : 0);

export type Selector = (facts: Facts, lentToday: (lenderCode: string) => bigint) => Verdict[];

/**
 * The waterfall for a rule version: every lender's verdict, eligible ones first in the order to try them
 * (rank, then code so equal ranks stay stable).
 */
export function compileRuleSet(rules: readonly LenderRules[]): Selector {
  const lenders = rules.map((r) => ({ code: r.lenderCode, evaluate: compileLender(r) }));
  return (facts, lentToday) => {
    const verdicts = new Array<Verdict>(lenders.length);
    for (let i = 0; i < lenders.length; i++) {
      const l = lenders[i] as (typeof lenders)[number];
      verdicts[i] = l.evaluate(facts, lentToday(l.code));
    }
    return verdicts.sort(byTurn);
  };
}
