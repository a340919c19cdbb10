import {
  Arg,
  Ctx,
  Directive,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  UseMiddleware,
} from 'type-graphql';
import { ZodError } from 'zod';
import { canSee, requireRole, requireStaff } from '../../../platform/auth';
import { AppError } from '../../../platform/errors';
import { StaffOnly } from '../../../platform/graphql/visibility';
import { Role } from '../../../platform/roles';
import type { SubgraphContext } from '../../../platform/subgraph';
import type { LenderAttemptRow } from '../model/lenders';
import * as lenders from '../service';

@ObjectType({ description: 'A partner lender (NBFC) in the waterfall, with its current rules.' })
@Directive('@key(fields: "code")')
export class Lender {
  @Field(() => ID) code!: string;
  @Field(() => Boolean, { description: 'False when its rules pause it, or it has no rules yet.' })
  active!: boolean;
  @Field(() => Int, {
    nullable: true,
    description: 'Lower is tried first (before band bonuses); null until a rule version includes it.',
  })
  priority!: number | null;
  @Field(() => Boolean, { description: 'This replica has a connector descriptor for it.' })
  connected!: boolean;
  @Field(() => Boolean, { description: 'Its circuit is open on this replica (skipped until it closes).' })
  circuitOpen!: boolean;
}

@ObjectType({ description: 'One call to a lender (or a skip), with what was sent and answered.' })
export class LenderAttempt {
  @Field(() => ID) id!: string;
  @Field(() => String) lenderCode!: string;
  @Field(() => Int, { description: '0 for a skip or a status check by a later worker.' }) tryNo!: number;
  @Field(() => String) idempotencyToken!: string;
  @Field(() => String, {
    description:
      'APPROVED, DECLINED, PENDING, TIMEOUT, UNAVAILABLE, CIRCUIT_OPEN, CAP_REACHED, NO_CONNECTOR, STATUS_APPROVED, STATUS_DECLINED, STATUS_PENDING, STATUS_UNKNOWN',
  })
  outcome!: string;
  @Field(() => String, { nullable: true, description: 'The request, as JSON.' }) request!: string | null;
  @Field(() => String, { nullable: true, description: 'The answer read from the lender, as JSON.' })
  response!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Date) startedAt!: Date;
  @Field(() => Int) durationMs!: number;
}

@ObjectType({ description: 'The waterfall of one application.' })
export class Disbursement {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'PENDING, RUNNING, DISBURSED or FAILED' }) status!: string;
  @Field(() => Int, { nullable: true, description: 'Staff only.' })
  @UseMiddleware(StaffOnly)
  ruleVersion!: number | null;
  @Field(() => [String], { nullable: true, description: 'Staff only: the lenders to try, in order.' })
  @UseMiddleware(StaffOnly)
  plan!: string[] | null;
  @Field(() => String, { nullable: true }) lenderCode!: string | null;
  @Field(() => String, { nullable: true, description: 'Staff only: the lender’s own reference.' })
  @UseMiddleware(StaffOnly)
  lenderLoanRef!: string | null;
  @Field(() => String, { nullable: true, description: 'Staff only.' })
  @UseMiddleware(StaffOnly)
  failureReason!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}

@ObjectType({ description: 'A version of every lender’s eligibility and ranking rules.' })
export class LenderRuleSet {
  @Field(() => Int) version!: number;
  @Field(() => String, { description: 'The rules as JSON (see updateLenderRules).' }) rulesJson!: string;
}

@ObjectType('Application')
@Directive('@key(fields: "id")')
export class ApplicationLenders {
  @Field(() => ID) id!: string;
}

const toAttempt = (a: LenderAttemptRow): LenderAttempt => ({
  id: a.id,
  lenderCode: a.lenderCode,
  tryNo: a.tryNo,
  idempotencyToken: a.idempotencyToken,
  outcome: a.outcome,
  request: a.request ? JSON.stringify(a.request) : null,
  response: a.response ? JSON.stringify(a.response) : null,
  error: a.error,
  startedAt: a.startedAt,
  durationMs: a.durationMs,
});

@Resolver(() => Lender)
export class LenderResolver {
  @Query(() => [Lender], { description: 'Staff: the lenders of the current rules, in priority order.' })
  async lenders(@Ctx() ctx: SubgraphContext) {
    requireStaff(ctx);
    return lenders.lenderList(ctx.db);
  }

  @Query(() => LenderRuleSet, { description: 'RISK_MANAGER: the current rule version.' })
  async lenderRules(@Ctx() ctx: SubgraphContext) {
    requireRole(ctx, Role.RISK_MANAGER, Role.RISK_OFFICER);
    const r = await lenders.currentRuleRow(ctx.db);
    return { version: r.version, rulesJson: JSON.stringify(r.rules) };
  }

  @Mutation(() => LenderRuleSet, {
    description:
      'RISK_MANAGER: a new version of every lender’s rules (a JSON array, one entry per lender); the next waterfall on every replica uses it.',
  })
  async updateLenderRules(@Arg('rulesJson', () => String) rulesJson: string, @Ctx() ctx: SubgraphContext) {
    const manager = requireRole(ctx, Role.RISK_MANAGER);
    let input: unknown;
    try {
      input = JSON.parse(rulesJson);
    } catch {
      throw new AppError('BAD_USER_INPUT', 'rulesJson is not JSON', { field: 'rulesJson' });
    }
    try {
      const row = await lenders.publishRules(ctx.db, manager.userId, input);
      return { version: row.version, rulesJson: JSON.stringify(row.rules) };
    } catch (err) {
      if (err instanceof ZodError) {
        const issue = err.issues[0];
        throw new AppError(
          'BAD_USER_INPUT',
          `rules${issue?.path.length ? `[${issue.path.join('.')}]` : ''}: ${issue?.message}`,
          {
            field: 'rulesJson',
          },
        );
      }
      throw err;
    }
  }
}

@Resolver(() => ApplicationLenders)
export class ApplicationLendersResolver {
  @FieldResolver(() => [LenderAttempt], {
    description: 'Staff: every lender call of the waterfall, in order.',
  })
  async lenderAttempts(@Root() app: ApplicationLenders, @Ctx() ctx: SubgraphContext) {
    requireStaff(ctx);
    return (await lenders.attemptsOf(ctx.db, app.id)).map(toAttempt);
  }

  @FieldResolver(() => Disbursement, {
    nullable: true,
    description: 'The borrower or staff: who funds the loan.',
  })
  async disbursement(@Root() app: ApplicationLenders, @Ctx() ctx: SubgraphContext) {
    const d = await lenders.disbursementOf(ctx.db, app.id);
    return d && canSee(ctx.caller, d.customerId) ? d.row : null;
  }
}

export const references = {
  Application: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
  Lender: {
    __resolveReference: async (ref: { code: string }, ctx: SubgraphContext) =>
      (await lenders.lenderList(ctx.db)).find((l) => l.code === ref.code) ?? null,
  },
};
