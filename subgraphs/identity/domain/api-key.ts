import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Role } from '../../../platform/roles';
import { displayName } from '../../../platform/validation';

/** Marks a LoanFlow key in logs and secret scanners; the rest is 256 random bits. */
export const API_KEY_PREFIX = 'lfk_';
const KEY = /^lfk_[A-Za-z0-9_-]{43}$/;
/** Characters of a key kept in clear, so an admin can tell keys apart. */
const SHOWN = API_KEY_PREFIX.length + 8;

/** Roles a key can never carry: customers sign in themselves, SYSTEM is the platform's own. */
const NOT_FOR_KEYS: readonly Role[] = [Role.CUSTOMER, Role.SYSTEM];

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function newApiKey() {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, SHOWN), keyHash: hashApiKey(key) };
}

/** Cheap shape check before any lookup. */
export const looksLikeApiKey = (key: string) => KEY.test(key);

export const apiKeyInputSchema = z.object({
  userId: z.uuid(),
  name: displayName(80),
  roles: z
    .array(z.enum(Role))
    .min(1, 'give the key at least one role')
    .transform((roles) => [...new Set(roles)]),
  expiresAt: z
    .date()
    .nullish()
    .transform((d) => d ?? null)
    .refine((d) => d === null || d.getTime() > Date.now(), 'must be in the future'),
});

/** Why a key with `requested` roles cannot be given to an account with `owned`; null when it can. */
export function scopeProblem(owned: readonly Role[], requested: readonly Role[]): string | null {
  const barred = requested.filter((r) => NOT_FOR_KEYS.includes(r));
  if (barred.length) return `a key cannot carry ${barred.join(', ')}`;
  const beyond = requested.filter((r) => !owned.includes(r));
  if (beyond.length) return `the account does not have ${beyond.join(', ')}`;
  return null;
}

export function keyUsable(key: { revokedAt: Date | null; expiresAt: Date | null }, now: Date): boolean {
  return key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now);
}
