import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppError, notFound } from '../../platform/errors';
import { recordEvent } from '../../platform/events';
import { keysetPage } from '../../platform/graphql/page';
import { logger } from '../../platform/log';
import type { Role } from '../../platform/roles';
import { parseInput } from '../../platform/validation';
import {
  apiKeyInputSchema,
  hashApiKey,
  keyUsable,
  looksLikeApiKey,
  newApiKey,
  scopeProblem,
} from './domain/api-key';
import { identityEvents } from './events';
import { ApiKeyRow } from './model/api-key';
import { UserRow } from './model/user';

const log = logger('identity');

/** Issues a key acting as `userId` with some of that account's roles; the key itself is returned once. */
export async function createApiKey(db: DataSource, adminId: string, input: unknown) {
  const data = parseInput(apiKeyInputSchema, input);
  const issued = newApiKey();
  return db.transaction(async (m) => {
    const owner = await m.findOne(UserRow, { where: { id: data.userId } });
    if (!owner || owner.disabled) throw notFound('user');
    const problem = scopeProblem(owner.roles, data.roles);
    if (problem) throw new AppError('BAD_USER_INPUT', problem, { field: 'roles' });
    const row = m.create(ApiKeyRow, {
      id: randomUUID(),
      userId: owner.id,
      name: data.name,
      roles: data.roles,
      prefix: issued.prefix,
      keyHash: issued.keyHash,
      createdBy: adminId,
      expiresAt: data.expiresAt,
      lastUsedAt: null,
      revokedAt: null,
      revokedBy: null,
    });
    await m.save(row);
    await recordEvent(m, identityEvents.apiKeyCreated(row));
    log.info({ apiKeyId: row.id, userId: owner.id, roles: row.roles }, 'API key issued');
    return { row, key: issued.key };
  });
}

export async function revokeApiKey(db: DataSource, adminId: string, id: string): Promise<ApiKeyRow> {
  return db.transaction(async (m) => {
    const row = await m.findOne(ApiKeyRow, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!row) throw notFound('API key');
    if (row.revokedAt) return row;
    Object.assign(row, { revokedAt: new Date(), revokedBy: adminId });
    await m.save(row);
    await recordEvent(m, identityEvents.apiKeyRevoked(row, adminId));
    log.info({ apiKeyId: row.id }, 'API key revoked');
    return row;
  });
}

export async function listApiKeys(
  db: DataSource,
  filter: { userId?: string | null; includeRevoked?: boolean | null },
  page: { first: number; after?: string | null },
) {
  const qb = db.getRepository(ApiKeyRow).createQueryBuilder('k');
  if (filter.userId) qb.andWhere('k.user_id = :u', { u: filter.userId });
  if (!filter.includeRevoked) qb.andWhere('k.revoked_at IS NULL');
  return keysetPage(qb, { sql: 'k.created_at', of: (r) => r.createdAt }, 'DESC', page);
}

/** Who a key acts as: its account with the key's roles; null for an unknown, revoked or expired key. */
export async function callerForApiKey(
  db: DataSource,
  key: string,
): Promise<{ apiKeyId: string; userId: string; roles: Role[]; expiresAt: Date | null } | null> {
  if (!looksLikeApiKey(key)) return null;
  const row = await db.getRepository(ApiKeyRow).findOne({ where: { keyHash: hashApiKey(key) } });
  if (!row || !keyUsable(row, new Date())) return null;
  const owner = await db.getRepository(UserRow).findOne({ where: { id: row.userId } });
  if (!owner || owner.disabled) return null;
  // Roles taken from the account since the key was issued are gone from the key too.
  const roles = row.roles.filter((r) => owner.roles.includes(r));
  if (!roles.length) return null;
  await db.getRepository(ApiKeyRow).update({ id: row.id }, { lastUsedAt: new Date() });
  return { apiKeyId: row.id, userId: row.userId, roles, expiresAt: row.expiresAt };
}
