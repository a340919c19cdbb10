import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { RiskPolicy } from '../domain/policy';
import type { StoredScore } from '../domain/scoring';

export type AssessmentStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'MANUAL_REVIEW';

/** One risk assessment of an application (a re-assessment is a new row); the RiskScore entity. */
@Entity({ name: 'assessments' })
export class AssessmentRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('text') status!: AssessmentStatus;
  @Column('integer') attempts!: number;
  @Column('timestamptz', { name: 'claimed_at', nullable: true }) claimedAt!: Date | null;
  @Column('integer', { name: 'policy_version', nullable: true }) policyVersion!: number | null;
  @Column('jsonb', { nullable: true }) bureau!: Record<string, unknown> | null;
  @Column('jsonb', { nullable: true }) result!: StoredScore | null;
  @Column('text', { name: 'manual_reason', nullable: true }) manualReason!: string | null;
  @Column('text', { nullable: true }) decision!: string | null;
  @Column('text', { name: 'decision_reason', nullable: true }) decisionReason!: string | null;
  @Column('uuid', { name: 'decided_by', nullable: true }) decidedBy!: string | null;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt!: Date | null;
  @VersionColumn({ type: 'integer' }) version!: number;
}

@Entity({ name: 'policies' })
export class PolicyRow {
  @PrimaryGeneratedColumn({ type: 'integer' }) version!: number;
  @Column('jsonb') rules!: RiskPolicy;
  @Column('uuid', { name: 'created_by', nullable: true }) createdBy!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** What risk knows of an application, from application.submitted. */
@Entity({ name: 'application_terms' })
export class ApplicationTermsRow {
  @PrimaryColumn('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('bigint', { name: 'amount_minor' }) amountMinor!: string;
  @Column('integer', { name: 'tenure_months' }) tenureMonths!: number;
  @Column('bigint', { name: 'monthly_income_minor' }) monthlyIncomeMinor!: string;
  @Column('bigint', { name: 'collateral_value_minor', nullable: true }) collateralValueMinor!: string | null;
}

/** The customer's keyed PAN index, from customer.kyc.submitted: what the bureau is asked about. */
@Entity({ name: 'customer_pan' })
export class CustomerPanRow {
  @PrimaryColumn('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('text', { name: 'pan_index' }) panIndex!: string;
}
