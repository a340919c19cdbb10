import { z } from 'zod';
import { parseInput } from '../../../platform/validation';

export enum FacilityType {
  TERM_LOAN = 'TERM_LOAN',
  WORKING_CAPITAL = 'WORKING_CAPITAL',
  PROJECT_FINANCE = 'PROJECT_FINANCE',
  EQUIPMENT_FINANCE = 'EQUIPMENT_FINANCE',
  PERSONAL_LOAN = 'PERSONAL_LOAN',
}

/** ₹10,000 to ₹1,000 crore, in paise. */
export const MIN_AMOUNT_MINOR = 1_000_000n;
export const MAX_AMOUNT_MINOR = 10n ** 12n;

const minor = (field: string) =>
  z
    .union([z.bigint(), z.string().regex(/^-?\d+$/, `${field} must be a whole number of paise`)])
    .transform((v) => BigInt(v));

const amount = minor('amount')
  .refine((v) => v > 0n, 'must be positive')
  .refine(
    (v) => v >= MIN_AMOUNT_MINOR && v <= MAX_AMOUNT_MINOR,
    `must be between ${MIN_AMOUNT_MINOR} and ${MAX_AMOUNT_MINOR} paise`,
  );

const project = z.object({
  name: z.string().trim().min(1).max(200),
  location: z.string().trim().min(1).max(200),
  costMinor: minor('project cost').refine((v) => v > 0n, 'must be positive'),
  description: z.string().trim().max(4000).nullish(),
});

const fields = {
  amountMinor: amount,
  tenureMonths: z.number().int().min(3, 'at least 3 months').max(360, 'at most 360 months'),
  facilityType: z.enum(FacilityType),
  purpose: z.string().trim().min(3).max(500),
  project: project.nullish(),
  /** Declared net monthly income; risk derives DTI and FOIR from it. Required to submit. */
  monthlyIncomeMinor: minor('monthly income')
    .refine((v) => v > 0n, 'must be positive')
    .nullish(),
  /** Where the loan is spent, for checkout financing: the merchant's 4-digit category code (MCC). */
  merchantCategory: z
    .string()
    .regex(/^[0-9]{4}$/, 'a 4-digit merchant category code')
    .nullish(),
  /** Market value of the collateral offered, if any; risk derives LTV from it. */
  collateralValueMinor: minor('collateral value')
    .refine((v) => v > 0n, 'must be positive')
    .nullish(),
};

export type ProjectDetails = z.output<typeof project>;
export type ApplicationDraft = z.output<z.ZodObject<typeof fields>>;

export const parseDraft = (input: unknown): ApplicationDraft => parseInput(z.object(fields), input);
export const parseDraftPatch = (input: unknown): Partial<ApplicationDraft> =>
  parseInput(z.object(fields).partial(), input);
