import { z } from 'zod';
import { badInput } from './errors';

/** Validates input with zod; the first problem becomes a BAD_USER_INPUT error naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  throw badInput(field ? `${field}: ${issue?.message}` : (issue?.message ?? 'invalid input'), field);
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
