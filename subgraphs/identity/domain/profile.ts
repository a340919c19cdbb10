import { z } from 'zod';
import { normalizeAadhaar, normalizePan } from '../../../platform/pii';
import { displayName, parseInput } from '../../../platform/validation';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password';

const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'not a valid e-mail address' }));
// Length bounds keep argon2 work bounded; strength is judged by domain/password.ts (NIST SP 800-63B).
const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `at most ${MAX_PASSWORD_LENGTH} characters`);
const fullName = displayName(120);
/**
 * An Indian mobile number as people write it — `98765 43210`, `+91 98765-43210`, `09876543210` (the
 * trunk 0), `919876543210`, `00919876543210` — as stored, `+919876543210`; null when it is not one.
 * Spaces and hyphens are separators; what is left is an optional +91, 0091, 91 or 0 and ten digits
 * starting 6–9 (the national numbering plan's mobile range).
 */
export function normalizeMobile(written: string): string | null {
  const m = /^(?:\+91|0091|91|0)?([6-9][0-9]{9})$/.exec(written.replace(/[\s-]/g, ''));
  return m ? `+91${m[1]}` : null;
}
const phone = z
  .string()
  .max(40)
  .transform((p, ctx) => {
    const mobile = normalizeMobile(p);
    if (mobile === null) ctx.addIssue({ code: 'custom', message: 'must be an Indian mobile number' });
    return mobile ?? p;
  });

const address = z.object({
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).nullish(),
  city: z.string().trim().min(1).max(100),
  state: z.string().trim().min(1).max(100),
  postalCode: z.string().regex(/^[1-9][0-9]{5}$/, 'must be a 6-digit PIN code'),
});

export function ageOn(dateOfBirth: string, today: Date): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d)) age--;
  return age;
}

const dateOfBirth = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a date')
  .refine((d) => {
    const age = ageOn(d, new Date());
    return age >= 18 && age <= 100;
  }, 'the applicant must be between 18 and 100 years old');

/** An optional GraphQL input: null (which GraphQL allows for a nullable field) means not given. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

export const registrationSchema = z.object({ email, password, fullName, phone: optional(phone) });
export const staffSchema = z.object({ email, password, fullName });
export const loginSchema = z.object({ email, password: z.string().min(1).max(MAX_PASSWORD_LENGTH) });
export const newPasswordSchema = z.object({ password });
export const profileSchema = z.object({
  fullName: optional(fullName),
  phone: optional(phone),
  address: optional(address),
});

export interface KycData {
  pan: string;
  aadhaar: string;
  dateOfBirth: string;
  address: z.infer<typeof address>;
}

export function parseKyc(input: unknown): KycData {
  const parsed = parseInput(z.object({ pan: z.string(), aadhaar: z.string(), dateOfBirth, address }), input);
  return { ...parsed, pan: normalizePan(parsed.pan), aadhaar: normalizeAadhaar(parsed.aadhaar) };
}

/** Shown to anyone but the owner: enough to recognise, not to contact. */
export function maskEmail(value: string): string {
  const [local = '', domain = ''] = value.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

export function maskPhone(value: string): string {
  return `XXXXXX${value.slice(-4)}`;
}
