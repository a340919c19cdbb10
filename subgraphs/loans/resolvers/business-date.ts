import { Arg, Ctx, Field, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { requireRole, requireStaff } from '../../../platform/auth';
import { Role } from '../../../platform/roles';
import type { SubgraphContext } from '../../../platform/subgraph';
import * as calendar from '../business-date';
import { closeDays } from '../loan-service';

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
}
