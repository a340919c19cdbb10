import { Directive, Field, ID, InputType, Int, ObjectType, UseMiddleware } from 'type-graphql';
import { Money } from '../../../platform/graphql/money';
import { StaffOnly } from '../../../platform/graphql/visibility';

@ObjectType({
  description: "An application's risk assessment: bureau, ratios, score, grade and recommendation.",
})
@Directive('@key(fields: "id")')
export class RiskScore {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'PENDING, RUNNING, COMPLETED or MANUAL_REVIEW' }) status!: string;
  @Field(() => Int, { nullable: true, description: '0–1000' }) score!: number | null;
  @Field(() => String, { nullable: true, description: 'A (best) to E' }) grade!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'APPROVE, REFER or DECLINE (advice to the risk manager)',
  })
  recommendation!: string | null;
  @Field(() => [String]) reasons!: string[];
  @Field(() => Int, { nullable: true }) bureauScore!: number | null;
  @Field(() => String, { nullable: true }) bureauBand!: string | null;
  @Field(() => Money, { nullable: true, description: 'At the policy’s assumed rate.' })
  proposedEmi!: Money | null;
  @Field(() => Int, { nullable: true, description: 'Existing EMIs / income, basis points' }) dtiBps!:
    | number
    | null;
  @Field(() => Int, { nullable: true, description: 'Existing + proposed EMIs / income, basis points' })
  foirBps!: number | null;
  @Field(() => Int, { nullable: true, description: 'Amount / collateral value, basis points' }) ltvBps!:
    | number
    | null;
  @Field(() => Int, { nullable: true }) policyVersion!: number | null;
  @Field(() => String, { nullable: true }) manualReviewReason!: string | null;
  @Field(() => String, { nullable: true, description: 'APPROVED_FOR_DISCUSSION or REJECTED' }) decision!:
    | string
    | null;
  @Field(() => String, { nullable: true }) decisionReason!: string | null;
  @Field(() => ID, { nullable: true, description: 'Staff only.' })
  @UseMiddleware(StaffOnly)
  decidedBy!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
}

@ObjectType('Application')
@Directive('@key(fields: "id")')
export class ApplicationRisk {
  @Field(() => ID) id!: string;
}

@ObjectType()
@InputType('GradeThresholdsInput')
export class GradeThresholds {
  @Field(() => Int) A!: number;
  @Field(() => Int) B!: number;
  @Field(() => Int) C!: number;
  @Field(() => Int) D!: number;
}

/** The editable rules; the published policy adds its version and date. */
@InputType('RiskPolicyInput')
@ObjectType('RiskPolicyRules')
export class RiskPolicyRules {
  @Field(() => Int) assumedAnnualRateBps!: number;
  @Field(() => Int) minBureauScore!: number;
  @Field(() => Int) maxFoirBps!: number;
  @Field(() => Int) maxLtvBps!: number;
  @Field(() => Int) approveScore!: number;
  @Field(() => Int) referScore!: number;
  @Field(() => GradeThresholds) grades!: GradeThresholds;
}

@ObjectType({ description: 'The thresholds of the scoring engine (ratios in basis points), versioned.' })
export class RiskPolicy extends RiskPolicyRules {
  @Field(() => Int) version!: number;
  @Field(() => Date) createdAt!: Date;
}
