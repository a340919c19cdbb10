import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { canSee, requireCaller, requireRole, requireStaff } from '../../../platform/auth';
import { notFound } from '../../../platform/errors';
import { loadMany } from '../../../platform/graphql/loaders';
import { Money, money } from '../../../platform/graphql/money';
import { PageInput } from '../../../platform/graphql/page';
import { Role } from '../../../platform/roles';
import type { SubgraphContext } from '../../../platform/subgraph';
import type { ApplicationRow, CustomerKycRow, TimelineRow } from '../model/application';
import * as applications from '../service';
import {
  Application,
  ApplicationConnection,
  ApplicationFilter,
  ApplicationInput,
  ApplicationPatch,
  ApplicationStatusCount,
  CustomerRef,
  Dashboard,
  ProjectDetails,
  TimelineEntry,
} from './types';

@Resolver(() => Application)
export class ApplicationResolver {
  @Query(() => Application, { description: 'The applicant or staff; anyone else gets NOT_FOUND.' })
  application(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return applications.getApplication(ctx.db, ctx.caller, id);
  }

  @Query(() => ApplicationConnection, { description: "The signed-in customer's applications, newest first." })
  async myApplications(
    @Arg('page', () => PageInput, { nullable: true }) page: PageInput | undefined,
    @Ctx() ctx: SubgraphContext,
  ) {
    const caller = requireCaller(ctx);
    return applications.listApplications(ctx.db, { customerId: caller.userId }, page ?? { first: 20 });
  }

  @Query(() => ApplicationConnection, { description: 'Staff: every application, filtered, newest first.' })
  async applications(
    @Arg('filter', () => ApplicationFilter, { nullable: true }) filter: ApplicationFilter | undefined,
    @Arg('page', () => PageInput, { nullable: true }) page: PageInput | undefined,
    @Ctx() ctx: SubgraphContext,
  ) {
    requireStaff(ctx);
    return applications.listApplications(ctx.db, filter ?? {}, page ?? { first: 20 });
  }

  @Mutation(() => Application, { description: 'A customer starts an application (DRAFT).' })
  createApplication(
    @Arg('input', () => ApplicationInput) input: ApplicationInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return applications.createApplication(ctx.db, requireRole(ctx, Role.CUSTOMER), input);
  }

  @Mutation(() => Application, { description: 'Changes a DRAFT application.' })
  updateApplication(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ApplicationPatch) input: ApplicationPatch,
    @Ctx() ctx: SubgraphContext,
  ) {
    return applications.updateApplication(ctx.db, requireRole(ctx, Role.CUSTOMER), id, input);
  }

  @Mutation(() => Application, { description: 'DRAFT → SUBMITTED: the application goes to KYC review.' })
  submitApplication(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return applications.submitApplication(ctx.db, requireRole(ctx, Role.CUSTOMER), id);
  }

  @Mutation(() => Application, { description: 'The applicant withdraws before approval.' })
  withdrawApplication(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | undefined,
    @Ctx() ctx: SubgraphContext,
  ) {
    return applications.withdrawApplication(ctx.db, requireRole(ctx, Role.CUSTOMER), id, reason ?? null);
  }

  @FieldResolver(() => CustomerRef)
  customer(@Root() app: ApplicationRow): CustomerRef {
    return { id: app.customerId };
  }

  @FieldResolver(() => Money, { description: 'Requested amount.' })
  amount(@Root() app: ApplicationRow): Money {
    return money(app.amountMinor, app.currency);
  }

  @FieldResolver(() => Money, { nullable: true, description: 'Declared net monthly income.' })
  monthlyIncome(@Root() app: ApplicationRow): Money | null {
    return app.monthlyIncomeMinor ? money(app.monthlyIncomeMinor, app.currency) : null;
  }

  @FieldResolver(() => Money, { nullable: true, description: 'Market value of the collateral offered.' })
  collateralValue(@Root() app: ApplicationRow): Money | null {
    return app.collateralValueMinor ? money(app.collateralValueMinor, app.currency) : null;
  }

  @FieldResolver(() => ProjectDetails, { nullable: true })
  project(@Root() app: ApplicationRow): ProjectDetails | null {
    const p = app.project;
    return p ? { ...p, cost: money(p.costMinor, app.currency), description: p.description ?? null } : null;
  }

  @FieldResolver(() => Boolean, { description: "Whether the customer's KYC data has reached this service." })
  async kycDataReceived(@Root() app: ApplicationRow, @Ctx() ctx: SubgraphContext) {
    const rows = await loadMany<CustomerKycRow>(
      ctx,
      'kyc',
      (ids) => applications.kycOnFile(ctx.db, ids),
      (k) => k.customerId,
    ).load(app.customerId);
    return rows.length > 0;
  }

  @FieldResolver(() => [TimelineEntry], { description: 'Oldest first.' })
  timeline(@Root() app: ApplicationRow, @Ctx() ctx: SubgraphContext) {
    return loadMany<TimelineRow>(
      ctx,
      'timeline',
      (ids) => applications.timeline(ctx.db, ids),
      (t) => t.applicationId,
    ).load(app.id);
  }
}

@Resolver(() => CustomerRef)
export class CustomerApplicationsResolver {
  @FieldResolver(() => [Application], {
    description: "The customer's applications, newest first (first 100).",
  })
  async applications(@Root() customer: CustomerRef, @Ctx() ctx: SubgraphContext) {
    if (!canSee(ctx.caller, customer.id)) throw notFound('customer');
    const r = await applications.listApplications(ctx.db, { customerId: customer.id }, { first: 100 });
    return r.nodes;
  }
}

@Resolver(() => Dashboard)
export class DashboardResolver {
  @Query(() => Dashboard, { description: 'Staff: the platform at a glance.' })
  dashboard(@Ctx() ctx: SubgraphContext): Dashboard {
    requireStaff(ctx);
    return { id: 'platform' };
  }

  @FieldResolver(() => [ApplicationStatusCount], { description: 'Every application, counted by status.' })
  applicationsByStatus(@Ctx() ctx: SubgraphContext) {
    requireStaff(ctx);
    return applications.applicationsByStatus(ctx.db);
  }
}

export const references = {
  Dashboard: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
  Application: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) =>
      applications.getApplication(ctx.db, ctx.caller, ref.id),
  },
  Customer: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
};
