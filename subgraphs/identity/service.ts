import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Algorithm, hash } from '@node-rs/argon2';
import type { DataSource, EntityManager } from 'typeorm';
import { signAccessToken } from '../../platform/auth';
import { config } from '../../platform/config';
import { AppError, notFound, unauthenticated } from '../../platform/errors';
import { recordEvent } from '../../platform/events';
import { logger } from '../../platform/log';
import { blindIndex, encryptPii, maskAadhaar, maskPan, piiKeyId } from '../../platform/pii';
import { Role } from '../../platform/roles';
import { parseInput } from '../../platform/validation';
import { passwordProblem } from './domain/password';
import { parseKyc, profileSchema, staffSchema } from './domain/profile';
import { decideRefresh } from './domain/refresh';
import { identityEvents } from './events';
import { CustomerRow } from './model/customer';
import { RefreshTokenRow } from './model/refresh-token';
import { UserRow } from './model/user';

const log = logger('identity');

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
export const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: UserRow;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export async function issueTokens(
  m: EntityManager,
  user: UserRow,
  familyId: string = randomUUID(),
): Promise<Tokens> {
  const c = config();
  const refreshToken = randomBytes(32).toString('base64url');
  await m.insert(RefreshTokenRow, {
    id: randomUUID(),
    userId: user.id,
    familyId,
    tokenHash: sha256(refreshToken),
    expiresAt: new Date(Date.now() + c.REFRESH_TOKEN_TTL_SECONDS * 1000),
  });
  const accessToken = await signAccessToken({
    userId: user.id,
    roles: user.roles,
    tokenVersion: user.tokenVersion,
  });
  return { accessToken, refreshToken, expiresIn: c.ACCESS_TOKEN_TTL_SECONDS, user };
}

async function insertUser(
  m: EntityManager,
  input: { email: string; password: string; fullName: string },
  roles: Role[],
): Promise<UserRow> {
  if (await m.exists(UserRow, { where: { email: input.email } })) {
    throw new AppError('CONFLICT', 'an account with this e-mail already exists');
  }
  const user = m.create(UserRow, {
    id: randomUUID(),
    email: input.email,
    passwordHash: await hash(input.password, ARGON2),
    fullName: input.fullName,
    roles,
    disabled: false,
  });
  await m.save(user);
  return user;
}

/** Staff and partner accounts: by an admin, or by the seed command. */
export async function createUser(db: DataSource, input: unknown, roles: Role[]): Promise<UserRow> {
  if (roles.length === 0 || roles.includes(Role.CUSTOMER)) {
    throw new AppError('BAD_USER_INPUT', 'staff accounts need staff roles; customers register themselves', {
      field: 'roles',
    });
  }
  // SYSTEM is the platform acting on its own (the gateway resolving API keys); no person holds it.
  if (roles.includes(Role.SYSTEM)) {
    throw new AppError('BAD_USER_INPUT', 'SYSTEM is not a role for accounts', { field: 'roles' });
  }
  const data = parseInput(staffSchema, input);
  const problem = passwordProblem(data.password, [data.email, data.fullName]);
  if (problem) throw new AppError('BAD_USER_INPUT', `password: ${problem}`, { field: 'password' });
  return db.transaction(async (m) => {
    const user = await insertUser(m, data, roles);
    log.info({ userId: user.id, roles }, 'staff user created');
    return user;
  });
}

export async function refresh(db: DataSource, token: string): Promise<Tokens> {
  const outcome = await db.transaction(async (m) => {
    const row = await m
      .getRepository(RefreshTokenRow)
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where('t.token_hash = :h', { h: sha256(token) })
      .getOne();
    if (!row) return { error: 'invalid refresh token' } as const;
    const decision = decideRefresh(row, new Date());
    if (decision === 'reuse') {
      await m.update(RefreshTokenRow, { familyId: row.familyId }, { revokedAt: new Date() });
      log.warn({ userId: row.userId, familyId: row.familyId }, 'refresh token reuse: family revoked');
      return { error: 'refresh token reuse detected; please log in again' } as const;
    }
    if (decision !== 'rotate') return { error: `refresh token ${decision}` } as const;
    const user = await m.findOneByOrFail(UserRow, { id: row.userId });
    if (user.disabled) return { error: 'account disabled' } as const;
    await m.update(RefreshTokenRow, { id: row.id }, { usedAt: new Date() });
    return { tokens: await issueTokens(m, user, row.familyId) } as const;
  });
  // The revocation above must commit, so the error is thrown only after the transaction.
  if ('error' in outcome) throw unauthenticated(outcome.error);
  return outcome.tokens;
}

export async function logout(db: DataSource, token: string): Promise<boolean> {
  const row = await db.getRepository(RefreshTokenRow).findOne({ where: { tokenHash: sha256(token) } });
  if (!row) return false;
  await db.getRepository(RefreshTokenRow).update({ familyId: row.familyId }, { revokedAt: new Date() });
  return true;
}

export async function findUser(db: DataSource, id: string) {
  return db.getRepository(UserRow).findOne({ where: { id } });
}

export async function findCustomer(db: DataSource, id: string) {
  return db.getRepository(CustomerRow).findOne({ where: { id } });
}

async function lockCustomer(m: EntityManager, customerId: string): Promise<CustomerRow> {
  const row = await m.findOne(CustomerRow, {
    where: { id: customerId },
    lock: { mode: 'pessimistic_write' },
  });
  if (!row) throw notFound('customer');
  return row;
}

export async function submitKyc(db: DataSource, customerId: string, input: unknown): Promise<CustomerRow> {
  const kyc = parseKyc(input);
  const panIndex = blindIndex('pan', kyc.pan);
  const aadhaarIndex = blindIndex('aadhaar', kyc.aadhaar);
  return db.transaction(async (m) => {
    const customer = await lockCustomer(m, customerId);
    const clash = await m
      .getRepository(CustomerRow)
      .createQueryBuilder('c')
      .where('c.id <> :id AND (c.pan_index = :p OR c.aadhaar_index = :a)', {
        id: customerId,
        p: panIndex,
        a: aadhaarIndex,
      })
      .getExists();
    if (clash) {
      log.warn({ customerId }, 'KYC refused: PAN or Aadhaar already registered');
      throw new AppError('CONFLICT', 'this PAN or Aadhaar is already registered to another customer');
    }
    const panEnc = encryptPii(kyc.pan);
    Object.assign(customer, {
      dateOfBirth: kyc.dateOfBirth,
      address: kyc.address,
      panEnc,
      panMasked: maskPan(kyc.pan),
      panIndex,
      aadhaarEnc: encryptPii(kyc.aadhaar),
      aadhaarMasked: maskAadhaar(kyc.aadhaar),
      aadhaarIndex,
      kycStatus: 'SUBMITTED',
      kycSubmittedAt: new Date(),
    });
    await m.save(customer);
    await recordEvent(
      m,
      identityEvents.kycSubmitted(
        customerId,
        customer.kycSubmittedAt as Date,
        piiKeyId(panEnc) ?? '',
        panIndex,
        { dateOfBirth: kyc.dateOfBirth, state: kyc.address.state },
      ),
    );
    return customer;
  });
}

export async function updateProfile(
  db: DataSource,
  customerId: string,
  input: unknown,
): Promise<CustomerRow> {
  const patch = parseInput(profileSchema, input);
  const fields = (Object.keys(patch) as (keyof typeof patch)[]).filter((k) => patch[k] !== undefined);
  if (fields.length === 0) throw new AppError('BAD_USER_INPUT', 'nothing to update');
  return db.transaction(async (m) => {
    const customer = await lockCustomer(m, customerId);
    Object.assign(customer, Object.fromEntries(fields.map((f) => [f, patch[f]])));
    await m.save(customer);
    if (patch.fullName) await m.update(UserRow, { id: customerId }, { fullName: patch.fullName });
    const profile =
      patch.address && customer.dateOfBirth
        ? { dateOfBirth: customer.dateOfBirth, state: patch.address.state }
        : null;
    await recordEvent(m, identityEvents.profileUpdated(customerId, fields, customer.fullName, profile));
    await recordEvent(m, identityEvents.contactUpdated(customer));
    return customer;
  });
}
