import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireRole } from '../../../platform/auth';
import { loadMany } from '../../../platform/graphql/loaders';
import { PageInput } from '../../../platform/graphql/page';
import type { SubgraphContext } from '../../../platform/subgraph';
import { LEVELS } from '../domain/approval';
import * as approvals from '../service';
import { ApplicationApprovals, Approval, ApprovalConnection } from './types';

const APPROVERS = LEVELS.map((l) => l.role);

@Resolver(() => Approval)
export class ApprovalResolver {
  @Query(() => Approval, { description: 'The applicant (without comments) or staff.' })
  approval(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return approvals.getApproval(ctx.db, ctx.caller, id);
  }

  @Query(() => ApprovalConnection, {
    description: "Approvers: levels due for one of the caller's roles, oldest first (four eyes applied).",
  })
  approvalsWaitingForMe(
    @Arg('page', () => PageInput, { nullable: true }) page: PageInput | undefined,
    @Ctx() ctx: SubgraphContext,
  ) {
    return approvals.waitingFor(ctx.db, requireRole(ctx, ...APPROVERS), page ?? { first: 20 });
  }

  @Mutation(() => Approval, {
    description: 'Decide the due level of an application (its role only; a comment is required).',
  })
  decideApproval(
    @Arg('applicationId', () => ID) applicationId: string,
    @Arg('level', () => Int) level: number,
    @Arg('approve', () => Boolean) approve: boolean,
    @Arg('comment', () => String) comment: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    const decider = requireRole(ctx, ...APPROVERS);
    return approvals.decide(ctx.db, decider, applicationId, level, approve, comment);
  }

  @FieldResolver(() => ApplicationApprovals)
  application(@Root() a: Approval): ApplicationApprovals {
    return { id: a.applicationId };
  }
}

@Resolver(() => ApplicationApprovals)
export class ApplicationApprovalsResolver {
  @FieldResolver(() => [Approval], {
    description: 'The approval levels, in order; empty until an offer is accepted.',
  })
  approvals(@Root() app: ApplicationApprovals, @Ctx() ctx: SubgraphContext) {
    return loadMany(
      ctx,
      'approvals',
      (ids) => approvals.approvalsFor(ctx.db, ctx.caller, ids),
      (a) => a.applicationId,
    ).load(app.id);
  }
}

export const references = {
  Approval: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) =>
      approvals.getApproval(ctx.db, ctx.caller, ref.id),
  },
  Application: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
};
