import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { requireCaller, requireRole } from '../../../platform/auth';
import { notFound } from '../../../platform/errors';
import { Role } from '../../../platform/roles';
import type { SubgraphContext } from '../../../platform/subgraph';
import * as identity from '../service';
import { AuthPayload, LoginInput, RegisterInput, StaffUserInput, toUser, User } from './types';

const payload = (t: identity.Tokens): AuthPayload => ({ ...t, user: toUser(t.user) });

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, { description: 'Sign up as a customer.' })
  async register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: SubgraphContext) {
    return payload(await identity.register(ctx.db, input));
  }

  @Mutation(() => AuthPayload)
  async login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: SubgraphContext) {
    return payload(await identity.login(ctx.db, input));
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

  @Mutation(() => User, { description: 'ADMIN only: creates a staff or partner account.' })
  async createStaffUser(
    @Arg('input', () => StaffUserInput) input: StaffUserInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    requireRole(ctx, Role.ADMIN);
    return toUser(await identity.createUser(ctx.db, input, input.roles));
  }

  @Query(() => User)
  async me(@Ctx() ctx: SubgraphContext) {
    const user = await identity.findUser(ctx.db, requireCaller(ctx).userId);
    if (!user) throw notFound('user');
    return toUser(user);
  }
}
