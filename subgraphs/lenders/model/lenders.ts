import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  VersionColumn,
} from 'typeorm';

@Entity({ name: 'rule_versions' })
export class RuleVersionRow {
  @PrimaryGeneratedColumn() version!: number;
  @Column('jsonb') rules!: unknown[];
  @Column('uuid', { name: 'created_by', nullable: true }) createdBy!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'application_facts' })
export class ApplicationFactsRow {
  @PrimaryColumn('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('bigint', { name: 'amount_minor' }) amountMinor!: string;
  @Column('text') currency!: string;
  @Column('integer', { name: 'tenure_months' }) tenureMonths!: number;
  @Column('integer', { name: 'annual_rate_bps', nullable: true }) annualRateBps!: number | null;
  @Column('text') product!: string;
  @Column('bigint', { name: 'monthly_income_minor', nullable: true }) monthlyIncomeMinor!: string | null;
  @Column('text', { name: 'bureau_band', nullable: true }) bureauBand!: string | null;
  /** The merchant's category code (MCC) when the loan pays for a purchase at a merchant. */
  @Column('text', { name: 'merchant_category', nullable: true }) merchantCategory!: string | null;
}

/** A borrower's lending profile (date of birth, state) as identity published it: encrypted with the PII key. */
@Entity({ name: 'customer_facts' })
export class CustomerFactsRow {
  @PrimaryColumn('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('text', { name: 'lending_profile' }) lendingProfile!: string;
}

@Entity({ name: 'disbursements' })
export class DisbursementRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'loan_id', nullable: true }) loanId!: string | null;
  /** PENDING → RUNNING → DISBURSED or FAILED. */
  @Column('text') status!: string;
  @Column('integer', { name: 'rule_version' }) ruleVersion!: number;
  /** The lenders to try, in order, as the rules ranked them when the waterfall started. */
  @Column('jsonb') plan!: string[];
  @Column('text', { name: 'lender_code', nullable: true }) lenderCode!: string | null;
  @Column('text', { name: 'lender_loan_ref', nullable: true }) lenderLoanRef!: string | null;
  @Column('text', { name: 'failure_reason', nullable: true }) failureReason!: string | null;
  @Column('text', { name: 'leased_by', nullable: true }) leasedBy!: string | null;
  @Column('timestamptz', { name: 'leased_until', nullable: true }) leasedUntil!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  @VersionColumn({ type: 'integer' }) version!: number;
}

@Entity({ name: 'lender_attempts' })
export class LenderAttemptRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'disbursement_id' }) disbursementId!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('text', { name: 'lender_code' }) lenderCode!: string;
  @Column('integer', { name: 'try_no' }) tryNo!: number;
  @Column('text', { name: 'idempotency_token' }) idempotencyToken!: string;
  /** APPROVED, DECLINED, PENDING, TIMEOUT, UNAVAILABLE, CIRCUIT_OPEN, STATUS_APPROVED, STATUS_DECLINED, STATUS_UNKNOWN */
  @Column('text') outcome!: string;
  @Column('jsonb', { nullable: true }) request!: object | null;
  @Column('jsonb', { nullable: true }) response!: object | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'finished_at' }) finishedAt!: Date;
  @Column('integer', { name: 'duration_ms' }) durationMs!: number;
}
