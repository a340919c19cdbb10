import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { canSee, requireRole } from '../../../platform/auth';
import { isUuid, notFound } from '../../../platform/errors';
import { Role } from '../../../platform/roles';
import type { SubgraphContext } from '../../../platform/subgraph';
import * as identity from '../service';
import { Customer, KycInput, ProfileInput, toCustomer, User } from './types';

async function visibleCustomer(ctx: SubgraphContext, id: string, viewer = ctx.caller): Promise<Customer> {
  // Someone else's record is reported as missing, so ids cannot be probed.
  const row = isUuid(id) && canSee(viewer, id) ? await identity.findCustomer(ctx.db, id) : null;
  if (!row) throw notFound('customer');
  return toCustomer(row, viewer);
}

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { description: 'The customer themself, or staff.' })
  customer(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return visibleCustomer(ctx, id);
  }

  @Mutation(() => Customer, {
    description: 'The signed-in customer files PAN, Aadhaar, date of birth and address.',
  })
  async submitKyc(@Arg('input', () => KycInput) input: KycInput, @Ctx() ctx: SubgraphContext) {
    const caller = requireRole(ctx, Role.CUSTOMER);
    return toCustomer(await identity.submitKyc(ctx.db, caller.userId, input), caller);
  }

  @Mutation(() => Customer)
  async updateProfile(@Arg('input', () => ProfileInput) input: ProfileInput, @Ctx() ctx: SubgraphContext) {
    const caller = requireRole(ctx, Role.CUSTOMER);
    return toCustomer(await identity.updateProfile(ctx.db, caller.userId, input), caller);
  }
}

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => Customer, { nullable: true, description: 'The profile, for customers.' })
  async customer(@Root() user: User, @Ctx() ctx: SubgraphContext) {
    if (!user.roles.includes(Role.CUSTOMER)) return null;
    return visibleCustomer(ctx, user.id, user.viewer ?? ctx.caller);
  }
}

export const references = {
  Customer: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => visibleCustomer(ctx, ref.id),
  },
};
