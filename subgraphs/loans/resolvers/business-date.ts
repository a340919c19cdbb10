import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { requireRole, requireStaff } from '../../../platform/auth';
import { Role } from '../../../platform/roles';
import type { SubgraphContext } from '../../../platform/subgraph';
import * as calendar from '../business-date';
import { closeDays, closeOfBusiness, parkedBorrowers, recentRuns } from '../close-of-business';

@ObjectType({ description: 'The date the loan book runs on, apart from the clock.' })
export class BusinessDay {
  @Field(() => String, {
    description: 'YYYY-MM-DD: due dates fall, days past due count and the day’s run closes by it.',
  })
  date!: string;
  @Field(() => Date, { description: 'When it last moved.' }) advancedAt!: Date;
  @Field(() => Boolean, {
    description: 'Moved only by an operator (BUSINESS_DATE_MANUAL), not by the calendar.',
  })
  manual!: boolean;
  @Field(() => String, { description: 'Asia/Kolkata time (HH:MM) at which the calendar closes a day.' })
  cutoff!: string;
  @Field(() => [String], { description: 'The days this request moved the date through, in order.' })
  moved!: string[];
}

@ObjectType({ description: 'Time spent in one step of the day’s servicing, over all chunks.' })
export class CobStepTime {
  @Field(() => String) step!: string;
  @Field(() => Int) ms!: number;
}

@ObjectType({
  description: 'A close-of-business run: the servicing of every active loan for a business date.',
})
export class CloseOfBusinessRun {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'The business date the loans were brought to' }) businessDate!: string;
  @Field(() => Date) startedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'Null while chunks are still being worked' })
  finishedAt!: Date | null;
  @Field(() => Int) borrowers!: number;
  @Field(() => Int) borrowersDone!: number;
  @Field(() => Int, { description: 'Loan-days serviced' }) loansDone!: number;
  @Field(() => Int) chunks!: number;
  @Field(() => Int) chunksDone!: number;
  @Field(() => Int, { description: 'Borrowers parked by a failure (see parkedBorrowers)' }) parked!: number;
  @Field(() => [CobStepTime]) steps!: CobStepTime[];
}

@ObjectType({ description: 'A borrower whose servicing failed: the run went on without them.' })
export class ParkedBorrower {
  @Field(() => ID) customerId!: string;
  @Field(() => String) businessDate!: string;
  @Field(() => String, { description: 'The step that failed' }) step!: string;
  @Field(() => String) reason!: string;
  @Field(() => Date) parkedAt!: Date;
  @Field(() => Int) attempts!: number;
}

const answer = async (ctx: SubgraphContext, moved: string[]): Promise<BusinessDay> => ({
  ...(await calendar.businessDay(ctx.db)),
  moved,
});

@Resolver(() => BusinessDay)
export class BusinessDateResolver {
  @Query(() => BusinessDay, { description: 'Staff: the business date.' })
  async businessDate(@Ctx() ctx: SubgraphContext) {
    requireStaff(ctx);
    return answer(ctx, []);
  }

  @Mutation(() => BusinessDay, {
    description:
      'ADMIN: close the open business day once the calendar has; the day’s run (due dates, charges, overdue notices) follows for the new date.',
  })
  async advanceBusinessDate(@Ctx() ctx: SubgraphContext) {
    const moved = await calendar.advanceOneDay(ctx.db, requireRole(ctx, Role.ADMIN));
    await closeDays(ctx.db, moved);
    return answer(ctx, moved);
  }

  @Mutation(() => BusinessDay, {
    description:
      'ADMIN, where BUSINESS_DATE_SETTABLE is on (tests and demos): move the business date forward to `date`, running each day on the way.',
  })
  async setBusinessDate(@Arg('date', () => String) date: string, @Ctx() ctx: SubgraphContext) {
    const moved = await calendar.setBusinessDate(ctx.db, requireRole(ctx, Role.ADMIN), date);
    await closeDays(ctx.db, moved);
    return answer(ctx, moved);
  }

  @Query(() => [CloseOfBusinessRun], {
    description: 'Staff: the latest close-of-business runs, newest first.',
  })
  closeOfBusinessRuns(
    @Arg('last', () => Int, { defaultValue: 10 }) last: number,
    @Ctx() ctx: SubgraphContext,
  ) {
    requireStaff(ctx);
    return recentRuns(ctx.db, last);
  }

  @Query(() => [ParkedBorrower], {
    description: 'Staff: borrowers whose servicing failed and awaits a retry.',
  })
  parkedBorrowers(@Ctx() ctx: SubgraphContext) {
    requireStaff(ctx);
    return parkedBorrowers(ctx.db);
  }

  @Mutation(() => CloseOfBusinessRun, {
    nullable: true,
    description:
      'ADMIN: run the close of business again for the business date — parked borrowers are retried, nothing done is done twice. Null when every loan was already serviced.',
  })
  async retryCloseOfBusiness(@Ctx() ctx: SubgraphContext) {
    requireRole(ctx, Role.ADMIN);
    const r = await closeOfBusiness(ctx.db, await calendar.businessDate(ctx.db.manager));
    return r.runId ? (await recentRuns(ctx.db, 100)).find((x) => x.id === r.runId) : null;
  }
}
