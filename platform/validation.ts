import { z } from 'zod';
import { AppError } from './errors';

/** One thing wrong with an input: the field (dotted path; empty for the input as a whole) and why. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Validates input with zod. Every bad field is reported at once (the first problem per field), in the
 * message and as `details.fields`, so a client fixes a form in one round trip; `details.field` names the
 * first, for clients that show one.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const fields: FieldProblem[] = [];
  for (const issue of r.error.issues) {
    const field = issue.path.join('.');
    if (!fields.some((f) => f.field === field)) fields.push({ field, message: issue.message });
  }
  const message = fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ');
  const first = fields[0]?.field || undefined;
  throw new AppError('BAD_USER_INPUT', message || 'invalid input', {
    ...(first ? { field: first } : {}),
    fields,
  });
}

/**
 * Characters that change how text looks without being seen: bidirectional overrides and isolates (which
 * can make "Asha" display as someone else's name) and zero-width ones (which make two names look equal).
 */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;

/** A name a person or a thing is known by: trimmed, 2 to `max` characters, nothing invisible in it. */
export const displayName = (max: number) =>
  z
    .string()
    .trim()
    .min(2, 'too short')
    .max(max, 'too long')
    .refine((v) => !INVISIBLE.test(v), 'must not contain invisible or direction-changing characters');

/** Why staff did something to a record (a waiver, a write-off, a rejection), kept with what they did. */
export const staffReason = z.string().trim().min(3, 'a reason of at least 3 characters').max(1000);

/** A record named by its own id or by its application's (one of each per application, or its latest). */
export type RecordRef = { id: string } | { applicationId: string };

/**
 * The one way a command's record was named: its own id, or its application's — the seed's REST table
 * addresses KYC reviews, offers and agreements by application. Exactly one of the two.
 */
export function recordRef(
  idName: string,
  id: string | null | undefined,
  applicationId: string | null | undefined,
): RecordRef {
  if (!id === !applicationId) {
    throw new AppError('BAD_USER_INPUT', `give either ${idName} or applicationId`, { field: idName });
  }
  return id ? { id } : { applicationId: applicationId as string };
}

/** The id a reference carries (checked as a UUID before any query). */
export const refKey = (ref: RecordRef) => ('id' in ref ? ref.id : ref.applicationId);
