import type { z } from 'zod';
import { badInput } from './errors';

/** Validates input with zod; the first problem becomes a BAD_USER_INPUT error naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  throw badInput(field ? `${field}: ${issue?.message}` : (issue?.message ?? 'invalid input'), field);
}
