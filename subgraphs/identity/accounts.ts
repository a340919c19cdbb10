// Accounts under control: sign-up confirmed by e-mail, sign-in throttled and locked after repeated
// failures, password change and reset, and what an admin does to an account (disable, enable, sign out).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../../platform/auth';
import { config, publicUrl } from '../../platform/config';
import { lockKey } from '../../platform/db';
import { AppError, notFound, unauthenticated } from '../../platform/errors';
import { recordEvent } from '../../platform/events';
import type { UserSessionsRevoked } from '../../platform/events/event-map';
import { logger } from '../../platform/log';
import { Role } from '../../platform/roles';
import { parseInput } from '../../platform/validation';
import { accountMail } from './domain/mail';
import { passwordProblem } from './domain/password';
import { loginSchema, newPasswordSchema, registrationSchema } from './domain/profile';
import { type FailureCount, type ThrottlePolicy, waitSeconds } from './domain/throttle';
import { identityEvents } from './events';
import { queueMail } from './mail-queue';
import { AuthAuditRow, PasswordResetRow, PendingRegistrationRow } from './model/account';
import { CustomerRow } from './model/customer';
import { RefreshTokenRow } from './model/refresh-token';
import { UserRow } from './model/user';
import { ARGON2, issueTokens, type Tokens } from './service';

const log = logger('identity');

const REGISTRATION_HOURS = 24;
const RESET_MINUTES = 30;
/** A second reset e-mail for one account within this long is not sent (the first link still works). */
const RESET_RESEND_SECONDS = 60;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');
const link = (kind: 'verify' | 'reset', token: string) => `${publicUrl(config())}/account#${kind}=${token}`;
const resetPage = () => `${publicUrl(config())}/account`;
// Verified against when the e-mail is unknown, so a miss costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;
const dummy = () => {
  dummyHash ??= hash(randomBytes(16).toString('hex'), ARGON2);
  return dummyHash;
};

type AuditAction =
  | 'REGISTRATION_STARTED'
  | 'REGISTRATION_EXISTING'
  | 'REGISTERED'
  | 'LOGIN_SUCCEEDED'
  | 'LOGIN_FAILED'
  | 'LOCKED'
  | 'DISABLED'
  | 'ENABLED'
  | 'SIGNED_OUT'
  | 'PASSWORD_CHANGED'
  | 'PASSWORD_RESET_REQUESTED'
  | 'PASSWORD_RESET';

async function audit(
  m: EntityManager | DataSource,
  action: AuditAction,
  entry: { userId?: string | null; actorId?: string | null; ip?: string | null; detail?: string | null },
) {
  await m.getRepository(AuthAuditRow).insert({
    action,
    userId: entry.userId ?? null,
    actorId: entry.actorId ?? null,
    ip: entry.ip ?? null,
    detail: entry.detail ?? null,
  });
}

function requireStrong(password: string, personal: string[]) {
  const problem = passwordProblem(password, personal);
  if (problem) throw new AppError('BAD_USER_INPUT', `password: ${problem}`, { field: 'password' });
}

/**
 * Sign-up: the same answer whether or not the address has an account, so it cannot be used to find out.
 * A new address gets a link to confirm it (the account is opened only then, with what was given here);
 * an address with an account gets a notice saying so. Both paths hash the password and send one e-mail.
 */
export async function register(db: DataSource, input: unknown): Promise<{ email: string }> {
  const data = parseInput(registrationSchema, input);
  requireStrong(data.password, [data.email, data.fullName]);
  const passwordHash = await hash(data.password, ARGON2);
  const existing = await db.getRepository(UserRow).findOne({ where: { email: data.email } });
  if (existing) {
    await db.transaction(async (m) => {
      await audit(m, 'REGISTRATION_EXISTING', { userId: existing.id });
      await queueMail(m, data.email, accountMail.alreadyRegistered(resetPage()));
    });
    return { email: data.email };
  }
  const token = newToken();
  await db.transaction(async (m) => {
    await m.query('DELETE FROM pending_registrations WHERE expires_at < now()');
    await m.insert(PendingRegistrationRow, {
      id: randomUUID(),
      email: data.email,
      tokenHash: sha256(token),
      passwordHash,
      fullName: data.fullName,
      phone: data.phone ?? null,
      expiresAt: new Date(Date.now() + REGISTRATION_HOURS * 3600_000),
    });
    await audit(m, 'REGISTRATION_STARTED', {});
    await queueMail(
      m,
      data.email,
      accountMail.verify(data.fullName, link('verify', token), REGISTRATION_HOURS),
    );
  });
  return { email: data.email };
}

/** The link from the sign-up e-mail: opens the account with what was given at sign-up, and signs in. */
export async function verifyEmail(db: DataSource, token: string): Promise<Tokens> {
  const invalid = () =>
    new AppError('FAILED_PRECONDITION', 'this link is invalid, used or expired', { field: 'token' });
  return db.transaction(async (m) => {
    const pending = await m.findOne(PendingRegistrationRow, {
      where: { tokenHash: sha256(token) },
      lock: { mode: 'pessimistic_write' },
    });
    if (!pending || pending.expiresAt < new Date()) throw invalid();
    await m.delete(PendingRegistrationRow, { email: pending.email });
    if (await m.exists(UserRow, { where: { email: pending.email } })) throw invalid();
    const user = m.create(UserRow, {
      id: randomUUID(),
      email: pending.email,
      passwordHash: pending.passwordHash,
      fullName: pending.fullName,
      roles: [Role.CUSTOMER],
      disabled: false,
      tokenVersion: 0,
      lockedAt: null,
    });
    await m.save(user);
    const contact = { id: user.id, fullName: pending.fullName, email: pending.email, phone: pending.phone };
    await m.insert(CustomerRow, { ...contact, kycStatus: 'NOT_SUBMITTED' });
    await recordEvent(m, identityEvents.customerRegistered(user.id, pending.fullName));
    await recordEvent(m, identityEvents.contactUpdated(contact));
    await audit(m, 'REGISTERED', { userId: user.id });
    log.info({ userId: user.id }, 'customer registered');
    return issueTokens(m, user);
  });
}

const policies = () => {
  const c = config();
  return {
    email: {
      free: c.LOGIN_FREE_ATTEMPTS,
      maxDelaySeconds: c.LOGIN_MAX_DELAY_SECONDS,
      windowSeconds: 24 * 3600,
    } satisfies ThrottlePolicy,
    ip: {
      free: c.LOGIN_IP_FREE_ATTEMPTS,
      maxDelaySeconds: c.LOGIN_IP_MAX_DELAY_SECONDS,
      windowSeconds: 3600,
    } satisfies ThrottlePolicy,
  };
};

const emailSubject = (email: string) => `email:${sha256(email)}`;
const ipSubject = (ip: string) => `ip:${ip}`;

async function failuresOf(m: EntityManager, subject: string): Promise<FailureCount | undefined> {
  const [row] = await m.query('SELECT failures, last_failure_at FROM login_failures WHERE subject = $1', [
    subject,
  ]);
  return row ? { failures: row.failures, lastFailureAt: row.last_failure_at } : undefined;
}

/** Counts one failure (a quiet day or hour starts the count again); returns the new count. */
async function countFailure(m: EntityManager, subject: string, windowSeconds: number): Promise<number> {
  const [row] = await m.query(
    `INSERT INTO login_failures AS f (subject, failures, last_failure_at) VALUES ($1, 1, now())
     ON CONFLICT (subject) DO UPDATE SET
       failures = CASE WHEN f.last_failure_at < now() - make_interval(secs => $2) THEN 1 ELSE f.failures + 1 END,
       last_failure_at = now()
     RETURNING failures`,
    [subject, windowSeconds],
  );
  return row.failures;
}

/**
 * Claims one try at a password for an e-mail address (whether or not it has an account, so the answer
 * tells nothing) from a client address: refused with RATE_LIMITED while either has to wait, else counted
 * as a failure in advance — two guesses sent at once are both counted before either is checked.
 */
async function claimAttempt(db: DataSource, email: string, ip: string | undefined) {
  const p = policies();
  const subjects = [
    { subject: emailSubject(email), policy: p.email },
    ...(ip ? [{ subject: ipSubject(ip), policy: p.ip }] : []),
  ];
  return db.transaction(async (m) => {
    // One claim at a time per e-mail address, so the wait is read and the count raised as one step.
    await lockKey(m, emailSubject(email));
    const now = new Date();
    let wait = 0;
    for (const s of subjects)
      wait = Math.max(wait, waitSeconds(await failuresOf(m, s.subject), now, s.policy));
    if (wait > 0) return { wait };
    const failures = await countFailure(m, subjects[0]?.subject as string, p.email.windowSeconds);
    if (ip) await countFailure(m, ipSubject(ip), p.ip.windowSeconds);
    return { wait: 0, failures };
  });
}

const tooManyTries = (wait: number) =>
  new AppError('RATE_LIMITED', `too many failed sign-ins; try again in ${wait} s`, {
    retryAfterSeconds: wait,
  });

/**
 * Checks a password for an account under the sign-in throttle: the try is claimed first (see
 * claimAttempt); a right password clears the address's count, a wrong one stays counted and locks the
 * account once LOGIN_LOCK_AFTER are reached (the owner is told by e-mail how to unlock it). Every outcome
 * is audited. Throws UNAUTHENTICATED with one message for every failure.
 */
async function checkPassword(db: DataSource, email: string, password: string, ip: string | undefined) {
  const claim = await claimAttempt(db, email, ip);
  // Not audited: a refused try checked nothing, and a flood of them must not become a flood of writes.
  if (claim.wait > 0) throw tooManyTries(claim.wait);
  const user = await db.getRepository(UserRow).findOne({ where: { email } });
  const ok = await verify(user?.passwordHash ?? (await dummy()), password);
  if (user && ok && !user.disabled && !user.lockedAt) {
    await db.transaction(async (m) => {
      await m.query('DELETE FROM login_failures WHERE subject = $1', [emailSubject(email)]);
      // The claim counted against the client address too; a success takes it back.
      if (ip)
        await m.query('UPDATE login_failures SET failures = greatest(failures - 1, 0) WHERE subject = $1', [
          ipSubject(ip),
        ]);
      await audit(m, 'LOGIN_SUCCEEDED', { userId: user.id, ip });
    });
    return user;
  }
  await audit(db, 'LOGIN_FAILED', { userId: user?.id, ip, detail: user?.disabled ? 'disabled' : null });
  if (user && !user.lockedAt && (claim.failures ?? 0) >= config().LOGIN_LOCK_AFTER) {
    const locked = await db
      .createQueryBuilder()
      .update(UserRow)
      .set({ lockedAt: () => 'now()' })
      .where('id = :id AND locked_at IS NULL', { id: user.id })
      .execute();
    if (locked.affected) {
      await db.transaction(async (m) => {
        await audit(m, 'LOCKED', { userId: user.id, ip, detail: `${claim.failures} failed sign-ins` });
        await queueMail(m, user.email, accountMail.locked(claim.failures ?? 0, resetPage()));
      });
      log.warn({ userId: user.id }, 'account locked after repeated failed sign-ins');
    }
  }
  throw unauthenticated('invalid e-mail or password');
}

export async function login(db: DataSource, input: unknown, ip: string | undefined): Promise<Tokens> {
  const data = parseInput(loginSchema, input);
  const user = await checkPassword(db, data.email, data.password, ip);
  return db.transaction((m) => issueTokens(m, user));
}

/** Ends every session of an account: refresh tokens revoked, access tokens refused by the gateway. */
async function endSessions(
  m: EntityManager,
  user: UserRow,
  reason: UserSessionsRevoked['reason'],
  actorId: string,
) {
  await m.update(UserRow, { id: user.id }, { tokenVersion: user.tokenVersion + 1 });
  user.tokenVersion += 1;
  await m
    .createQueryBuilder()
    .update(RefreshTokenRow)
    .set({ revokedAt: () => 'now()' })
    .where('user_id = :id AND revoked_at IS NULL', { id: user.id })
    .execute();
  await recordEvent(m, identityEvents.sessionsRevoked(user.id, user.tokenVersion, reason, actorId));
}

/** The signed-in user changes their password; every other session ends, this one gets new tokens. */
export async function changePassword(
  db: DataSource,
  caller: Caller,
  input: { currentPassword: string; newPassword: string },
  ip: string | undefined,
): Promise<Tokens> {
  const data = parseInput(newPasswordSchema, { password: input.newPassword });
  const current = await db.getRepository(UserRow).findOne({ where: { id: caller.userId } });
  if (!current) throw notFound('user');
  // The current password is checked under the sign-in throttle, so this is no way round it.
  await checkPassword(db, current.email, input.currentPassword, ip);
  requireStrong(data.password, [current.email, current.fullName]);
  const passwordHash = await hash(data.password, ARGON2);
  return db.transaction(async (m) => {
    const user = await m.findOneOrFail(UserRow, {
      where: { id: caller.userId },
      lock: { mode: 'pessimistic_write' },
    });
    await m.update(UserRow, { id: user.id }, { passwordHash });
    await endSessions(m, user, 'PASSWORD_CHANGED', user.id);
    await audit(m, 'PASSWORD_CHANGED', { userId: user.id, actorId: user.id, ip });
    return issueTokens(m, user);
  });
}

/** Always true: whether the address has an account is not told. An account gets a single-use link. */
export async function requestPasswordReset(db: DataSource, email: string, ip: string | undefined) {
  const normalized = email.trim().toLowerCase();
  const user = await db.getRepository(UserRow).findOne({ where: { email: normalized } });
  if (!user || user.disabled) return true;
  const token = newToken();
  await db.transaction(async (m) => {
    await lockKey(m, `reset:${user.id}`);
    const recent = await m
      .getRepository(PasswordResetRow)
      .createQueryBuilder('r')
      .where('r.user_id = :id AND r.created_at > now() - make_interval(secs => :s)', {
        id: user.id,
        s: RESET_RESEND_SECONDS,
      })
      .getExists();
    if (recent) return;
    await m.insert(PasswordResetRow, {
      id: randomUUID(),
      userId: user.id,
      tokenHash: sha256(token),
      expiresAt: new Date(Date.now() + RESET_MINUTES * 60_000),
      usedAt: null,
    });
    await audit(m, 'PASSWORD_RESET_REQUESTED', { userId: user.id, ip });
    await queueMail(m, user.email, accountMail.reset(link('reset', token), RESET_MINUTES));
  });
  return true;
}

/** The link from the reset e-mail: a new password, every session ended, the account unlocked. */
export async function resetPassword(
  db: DataSource,
  token: string,
  newPassword: string,
  ip: string | undefined,
) {
  const data = parseInput(newPasswordSchema, { password: newPassword });
  const invalid = () =>
    new AppError('FAILED_PRECONDITION', 'this link is invalid, used or expired', { field: 'token' });
  const reset = await db.getRepository(PasswordResetRow).findOne({ where: { tokenHash: sha256(token) } });
  if (!reset || reset.usedAt || reset.expiresAt < new Date()) throw invalid();
  const owner = await db.getRepository(UserRow).findOneOrFail({ where: { id: reset.userId } });
  requireStrong(data.password, [owner.email, owner.fullName]);
  const passwordHash = await hash(data.password, ARGON2);
  await db.transaction(async (m) => {
    const used = await m
      .createQueryBuilder()
      .update(PasswordResetRow)
      .set({ usedAt: () => 'now()' })
      .where('id = :id AND used_at IS NULL', { id: reset.id })
      .execute();
    if (!used.affected) throw invalid();
    // Other links sent before this one stop working too.
    await m
      .createQueryBuilder()
      .update(PasswordResetRow)
      .set({ usedAt: () => 'now()' })
      .where('user_id = :u AND used_at IS NULL', { u: owner.id })
      .execute();
    const user = await m.findOneOrFail(UserRow, {
      where: { id: owner.id },
      lock: { mode: 'pessimistic_write' },
    });
    await m.update(UserRow, { id: user.id }, { passwordHash, lockedAt: null });
    await m.query('DELETE FROM login_failures WHERE subject = $1', [emailSubject(user.email)]);
    await endSessions(m, user, 'PASSWORD_RESET', user.id);
    await audit(m, 'PASSWORD_RESET', { userId: user.id, ip });
  });
  return true;
}

async function lockUser(m: EntityManager, userId: string) {
  const user = await m.findOne(UserRow, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
  if (!user) throw notFound('user');
  return user;
}

/** ADMIN: the account can no longer sign in, and its sessions and API keys stop working at once. */
export async function disableUser(db: DataSource, admin: Caller, userId: string, reason: string) {
  if (userId === admin.userId)
    throw new AppError('FAILED_PRECONDITION', 'an admin cannot disable their own account');
  if (reason.trim().length < 3) throw new AppError('BAD_USER_INPUT', 'give a reason', { field: 'reason' });
  return db.transaction(async (m) => {
    const user = await lockUser(m, userId);
    if (!user.disabled) {
      await m.update(UserRow, { id: user.id }, { disabled: true });
      user.disabled = true;
      await endSessions(m, user, 'DISABLED', admin.userId);
      await audit(m, 'DISABLED', {
        userId: user.id,
        actorId: admin.userId,
        detail: reason.trim().slice(0, 500),
      });
    }
    return user;
  });
}

/** ADMIN: a disabled account can sign in again, and a locked one is unlocked. */
export async function enableUser(db: DataSource, admin: Caller, userId: string) {
  return db.transaction(async (m) => {
    const user = await lockUser(m, userId);
    await m.update(UserRow, { id: user.id }, { disabled: false, lockedAt: null });
    await m.query('DELETE FROM login_failures WHERE subject = $1', [emailSubject(user.email)]);
    Object.assign(user, { disabled: false, lockedAt: null });
    await audit(m, 'ENABLED', { userId: user.id, actorId: admin.userId });
    return user;
  });
}

/** ADMIN: every session of the account ends now (it may sign in again). */
export async function signOutUser(db: DataSource, admin: Caller, userId: string) {
  return db.transaction(async (m) => {
    const user = await lockUser(m, userId);
    await endSessions(m, user, 'SIGNED_OUT', admin.userId);
    await audit(m, 'SIGNED_OUT', { userId: user.id, actorId: admin.userId });
    return user;
  });
}

/** For the gateway (SYSTEM): whether the account's tokens of a generation may still be used. */
export async function sessionState(db: DataSource, userId: string) {
  const user = await db.getRepository(UserRow).findOne({ where: { id: userId } });
  return user
    ? { userId, tokenVersion: user.tokenVersion, active: !user.disabled }
    : { userId, tokenVersion: 0, active: false };
}

/** ADMIN: what happened to an account, newest first. */
export function auditOf(db: DataSource, userId: string, limit: number) {
  return db.getRepository(AuthAuditRow).find({ where: { userId }, order: { id: 'DESC' }, take: limit });
}
