import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isStaff, requireRole, requireStaff } from '../../../platform/auth';
import { notFound } from '../../../platform/errors';
import { money } from '../../../platform/graphql/money';
import { Role } from '../../../platform/roles';
import type { SubgraphContext } from '../../../platform/subgraph';
import type { StoredScore } from '../domain/scoring';
import type { AssessmentRow, PolicyRow } from '../model/risk';
import * as risk from '../service';
import { ApplicationRisk, RiskPolicy, RiskPolicyRules, RiskScore } from './types';

export function toRiskScore(a: AssessmentRow): RiskScore {
  const r: Partial<StoredScore> = a.result ?? {};
  return {
    id: a.id,
    status: a.status,
    score: r.score ?? null,
    grade: r.grade ?? null,
    recommendation: r.recommendation ?? null,
    reasons: r.reasons ?? (a.manualReason ? [a.manualReason] : []),
    bureauScore: (a.bureau?.score as number | undefined) ?? null,
    bureauBand: r.bureauBand ?? null,
    proposedEmi: r.proposedEmiMinor ? money(r.proposedEmiMinor) : null,
    dtiBps: r.dtiBps ?? null,
    foirBps: r.foirBps ?? null,
    ltvBps: r.ltvBps ?? null,
    policyVersion: a.policyVersion,
    manualReviewReason: a.manualReason,
    decision: a.decision,
    decisionReason: a.decisionReason,
    decidedBy: a.decidedBy,
    createdAt: a.createdAt,
    completedAt: a.completedAt,
    decidedAt: a.decidedAt,
  };
}

const toPolicy = (p: PolicyRow): RiskPolicy => ({ version: p.version, createdAt: p.createdAt, ...p.rules });

@Resolver(() => RiskScore)
export class RiskResolver {
  @Query(() => RiskScore, { description: 'Staff: the latest assessment of an application.' })
  async riskReport(@Arg('applicationId', () => ID) applicationId: string, @Ctx() ctx: SubgraphContext) {
    requireStaff(ctx);
    const a = await risk.latestAssessment(ctx.db, applicationId);
    if (!a) throw notFound('risk assessment');
    return toRiskScore(a);
  }

  @Query(() => RiskPolicy, { description: 'The policy new assessments use.' })
  async riskPolicy(@Ctx() ctx: SubgraphContext) {
    requireStaff(ctx);
    return toPolicy(await risk.currentPolicy(ctx.db));
  }

  @Mutation(() => RiskScore, {
    description: 'SYSTEM or RISK_OFFICER: (re)assess now; runs in the background.',
  })
  async assessRisk(@Arg('applicationId', () => ID) applicationId: string, @Ctx() ctx: SubgraphContext) {
    requireRole(ctx, Role.SYSTEM, Role.RISK_OFFICER);
    return toRiskScore(await risk.requestAssessment(ctx.db, applicationId));
  }

  @Mutation(() => RiskScore, {
    description: 'RISK_MANAGER: approve for offer discussion, or reject, with a reason.',
  })
  async decideRisk(
    @Arg('applicationId', () => ID) applicationId: string,
    @Arg('approve', () => Boolean) approve: boolean,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    return toRiskScore(
      await risk.decideRisk(ctx.db, requireRole(ctx, Role.RISK_MANAGER), applicationId, approve, reason),
    );
  }

  @Mutation(() => RiskPolicy, {
    description: 'RISK_MANAGER: a new policy version, used from the next assessment on.',
  })
  async updateRiskPolicy(
    @Arg('input', () => RiskPolicyRules) input: RiskPolicyRules,
    @Ctx() ctx: SubgraphContext,
  ) {
    return toPolicy(
      await risk.updatePolicy(ctx.db, requireRole(ctx, Role.RISK_MANAGER), {
        ...input,
        grades: { ...input.grades },
      }),
    );
  }
}

@Resolver(() => ApplicationRisk)
export class ApplicationRiskResolver {
  @FieldResolver(() => RiskScore, { nullable: true, description: 'Staff only: the latest risk assessment.' })
  async riskScore(@Root() app: ApplicationRisk, @Ctx() ctx: SubgraphContext) {
    if (!isStaff(ctx.caller)) return null;
    const a = await risk.latestAssessment(ctx.db, app.id);
    return a ? toRiskScore(a) : null;
  }
}

export const references = {
  RiskScore: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
      requireStaff(ctx);
      return toRiskScore(await risk.getAssessment(ctx.db, ref.id));
    },
  },
  Application: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
};
