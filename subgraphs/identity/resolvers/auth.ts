import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { requireCaller, requireRole } from '../../../platform/auth';
import { isUuid, notFound } from '../../../platform/errors';
import { Role } from '../../../platform/roles';
import type { SubgraphContext } from '../../../platform/subgraph';
import * as accounts from '../accounts';
import * as identity from '../service';
import {
  AuthAuditEntry,
  AuthPayload,
  LoginInput,
  RegisterInput,
  RegistrationStarted,
  SessionState,
  StaffUserInput,
  toUser,
  User,
} from './types';

/**
 * The answer to a sign-in: its user is read as that user (`viewer`), not as the anonymous request that
 * signed in — so `login { user { customer { … } } }` shows the person their own profile.
 */
const payload = (t: identity.Tokens): AuthPayload => ({
  ...t,
  user: { ...toUser(t.user), viewer: { userId: t.user.id, roles: t.user.roles } },
});
/** An id that cannot be a user's is a user not found, as everywhere in the graph. */
const userId = (id: string) => {
  if (!isUuid(id)) throw notFound('user');
  return id;
};

@Resolver()
export class AuthResolver {
  @Mutation(() => RegistrationStarted, {
    description:
      'Sign up as a customer: a link to confirm the e-mail address is sent to it, and the account opens when it is followed (verifyEmail). The answer is the same whether or not the address already has an account.',
  })
  async register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: SubgraphContext) {
    return accounts.register(ctx.db, input);
  }

  @Mutation(() => AuthPayload, {
    description: 'Opens the account from the link sent at sign-up (its token) and signs in.',
  })
  async verifyEmail(@Arg('token', () => String) token: string, @Ctx() ctx: SubgraphContext) {
    return payload(await accounts.verifyEmail(ctx.db, token));
  }

  @Mutation(() => AuthPayload, {
    description:
      'After 3 failed tries for an address each try waits 1, 2, 4… s (RATE_LIMITED with retryAfterSeconds); after 10 the account is locked and its owner e-mailed.',
  })
  async login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: SubgraphContext) {
    return payload(await accounts.login(ctx.db, input, ctx.ip));
  }

  @Mutation(() => AuthPayload, {
    description: 'Rotates the refresh token; reusing an old one revokes the login.',
  })
  async refresh(@Arg('refreshToken', () => String) token: string, @Ctx() ctx: SubgraphContext) {
    return payload(await identity.refresh(ctx.db, token));
  }

  @Mutation(() => Boolean, { description: 'Revokes the refresh token and every token of its login.' })
  async logout(@Arg('refreshToken', () => String) token: string, @Ctx() ctx: SubgraphContext) {
    return identity.logout(ctx.db, token);
  }

  @Mutation(() => AuthPayload, {
    description: 'The signed-in user: a new password; every other session ends, this one gets new tokens.',
  })
  async changePassword(
    @Arg('currentPassword', () => String) currentPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    const caller = requireCaller(ctx);
    return payload(await accounts.changePassword(ctx.db, caller, { currentPassword, newPassword }, ctx.ip));
  }

  @Mutation(() => Boolean, {
    description:
      'E-mails a single-use link (valid 30 minutes) to reset the password. Always true: whether the address has an account is not told.',
  })
  async requestPasswordReset(@Arg('email', () => String) email: string, @Ctx() ctx: SubgraphContext) {
    return accounts.requestPasswordReset(ctx.db, email.slice(0, 320), ctx.ip);
  }

  @Mutation(() => Boolean, {
    description:
      'Sets a new password with the token from the reset link; ends every session and unlocks the account.',
  })
  async resetPassword(
    @Arg('token', () => String) token: string,
    @Arg('newPassword', () => String) newPassword: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    return accounts.resetPassword(ctx.db, token, newPassword, ctx.ip);
  }

  @Mutation(() => User, { description: 'ADMIN only: creates a staff or partner account.' })
  async createStaffUser(
    @Arg('input', () => StaffUserInput) input: StaffUserInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    requireRole(ctx, Role.ADMIN);
    return toUser(await identity.createUser(ctx.db, input, input.roles));
  }

  @Mutation(() => User, {
    description:
      'ADMIN only: the account cannot sign in; its sessions and API keys stop working within seconds.',
  })
  async disableUser(
    @Arg('userId', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    const admin = requireRole(ctx, Role.ADMIN);
    return toUser(await accounts.disableUser(ctx.db, admin, userId(id), reason));
  }

  @Mutation(() => User, { description: 'ADMIN only: enables a disabled account and unlocks a locked one.' })
  async enableUser(@Arg('userId', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    const admin = requireRole(ctx, Role.ADMIN);
    return toUser(await accounts.enableUser(ctx.db, admin, userId(id)));
  }

  @Mutation(() => User, {
    description: 'ADMIN only: ends every session of the account now (it may sign in again).',
  })
  async signOutUser(@Arg('userId', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    const admin = requireRole(ctx, Role.ADMIN);
    return toUser(await accounts.signOutUser(ctx.db, admin, userId(id)));
  }

  @Query(() => SessionState, { description: 'SYSTEM only (the gateway).' })
  async sessionState(@Arg('userId', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    requireRole(ctx, Role.SYSTEM);
    return accounts.sessionState(ctx.db, userId(id));
  }

  @Query(() => [AuthAuditEntry], { description: 'ADMIN only: an account’s security trail, newest first.' })
  async authAudit(
    @Arg('userId', () => ID) id: string,
    @Arg('last', () => Int, { defaultValue: 50 }) last: number,
    @Ctx() ctx: SubgraphContext,
  ) {
    requireRole(ctx, Role.ADMIN);
    return accounts.auditOf(ctx.db, userId(id), Math.max(1, Math.min(last, 200)));
  }

  @Query(() => User)
  async me(@Ctx() ctx: SubgraphContext) {
    const user = await identity.findUser(ctx.db, requireCaller(ctx).userId);
    if (!user) throw notFound('user');
    return toUser(user);
  }
}
