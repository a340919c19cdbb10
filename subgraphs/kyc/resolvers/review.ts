import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireRole } from '../../../platform/auth';
import { PageInput } from '../../../platform/graphql/page';
import { Role } from '../../../platform/roles';
import type { SubgraphContext } from '../../../platform/subgraph';
import { recordRef } from '../../../platform/validation';
import type { ReviewRow } from '../model/review';
import * as kyc from '../service';
import {
  ApplicationKyc,
  CustomerOfReview,
  KycChecklistInput,
  KycQueueFilter,
  KycReview,
  KycReviewConnection,
  WatchlistKind,
} from './types';

const reviewRef = (reviewId: string | null, applicationId: string | null) =>
  recordRef('reviewId', reviewId, applicationId);

@Resolver(() => KycReview)
export class KycReviewResolver {
  @Query(() => KycReviewConnection, { description: 'KYC staff: reviews waiting, oldest first.' })
  kycQueue(
    @Arg('filter', () => KycQueueFilter, { nullable: true }) filter: KycQueueFilter | undefined,
    @Arg('page', () => PageInput, { nullable: true }) page: PageInput | undefined,
    @Ctx() ctx: SubgraphContext,
  ) {
    const caller = requireRole(ctx, ...kyc.KYC_STAFF);
    const assignedTo = filter?.mine ? caller.userId : filter?.assignedTo;
    return kyc.queue(ctx.db, { statuses: filter?.statuses, assignedTo }, page ?? { first: 20 });
  }

  @Query(() => KycReview, { description: 'The applicant or staff.' })
  kycReview(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return kyc.getReview(ctx.db, ctx.caller, id);
  }

  @Mutation(() => KycReview, { description: 'KYC_MANAGER hands a review to an officer.' })
  assignKyc(
    @Arg('reviewId', () => ID, { nullable: true }) reviewId: string | null,
    @Arg('applicationId', () => ID, {
      nullable: true,
      description: 'Instead of reviewId: the review of this application.',
    })
    applicationId: string | null,
    @Arg('officerId', () => ID) officerId: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    return kyc.assign(
      ctx.db,
      requireRole(ctx, Role.KYC_MANAGER),
      reviewRef(reviewId, applicationId),
      officerId,
    );
  }

  @Mutation(() => KycReview, {
    description: 'The assigned KYC_OFFICER records the checklist; sanctions are screened.',
  })
  verifyKyc(
    @Arg('reviewId', () => ID, { nullable: true }) reviewId: string | null,
    @Arg('applicationId', () => ID, {
      nullable: true,
      description: 'Instead of reviewId: the review of this application.',
    })
    applicationId: string | null,
    @Arg('checklist', () => KycChecklistInput) checklist: KycChecklistInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return kyc.verify(
      ctx.db,
      requireRole(ctx, Role.KYC_OFFICER),
      reviewRef(reviewId, applicationId),
      checklist,
    );
  }

  @Mutation(() => KycReview, {
    description: 'KYC_MANAGER approves (customer AND project must pass) or rejects; a reason is required.',
  })
  decideKyc(
    @Arg('reviewId', () => ID, { nullable: true }) reviewId: string | null,
    @Arg('applicationId', () => ID, {
      nullable: true,
      description: 'Instead of reviewId: the review of this application.',
    })
    applicationId: string | null,
    @Arg('approve', () => Boolean) approve: boolean,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    return kyc.decideReview(
      ctx.db,
      requireRole(ctx, Role.KYC_MANAGER),
      reviewRef(reviewId, applicationId),
      approve,
      reason,
    );
  }

  @Mutation(() => Boolean, {
    description: 'KYC_MANAGER or ADMIN adds a name to the sanctions/PEP watchlist.',
  })
  addWatchlistEntry(
    @Arg('name', () => String) name: string,
    @Arg('list', () => WatchlistKind) list: WatchlistKind,
    @Ctx() ctx: SubgraphContext,
  ) {
    requireRole(ctx, Role.KYC_MANAGER, Role.ADMIN);
    return kyc.addToWatchlist(ctx.db, name, list);
  }

  @FieldResolver(() => ApplicationKyc)
  application(@Root() review: ReviewRow): ApplicationKyc {
    return { id: review.applicationId };
  }

  @FieldResolver(() => CustomerOfReview)
  customer(@Root() review: ReviewRow): CustomerOfReview {
    return { id: review.customerId };
  }
}

@Resolver(() => ApplicationKyc)
export class ApplicationKycResolver {
  @FieldResolver(() => KycReview, { nullable: true, description: 'Opens when the application is submitted.' })
  kycReview(@Root() app: ApplicationKyc, @Ctx() ctx: SubgraphContext) {
    return kyc.reviewOf(ctx.db, ctx.caller, app.id);
  }
}

export const references = {
  KycReview: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) =>
      kyc.getReview(ctx.db, ctx.caller, ref.id),
  },
  Application: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
  Customer: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
};
