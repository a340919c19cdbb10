import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { InterestRecognition } from '../../../platform/products';
import type { AssetClass } from '../domain/delinquency';

@Entity({ name: 'loans' })
export class LoanRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('text', { name: 'account_number' }) accountNumber!: string;
  /** PENDING_DISBURSEMENT, ACTIVE, CLOSED, WRITTEN_OFF or DISBURSEMENT_FAILED. */
  @Column('text') status!: string;
  @Column('bigint', { name: 'principal_minor' }) principalMinor!: string;
  @Column('bigint', { name: 'fee_minor' }) feeMinor!: string;
  @Column('text') currency!: string;
  @Column('integer', { name: 'annual_rate_bps' }) annualRateBps!: number;
  @Column('integer') instalments!: number;
  @Column('text') frequency!: string;
  @Column('text') method!: string;
  /** The day the money was paid out, or the day it would be while the loan waits for a lender. */
  @Column('date', { name: 'disbursed_on' }) disbursedOn!: string;
  /** Left unpaid on an instalment up to this, it is not in arrears (its product's rule). */
  @Column('bigint', { name: 'arrears_tolerance_minor' }) arrearsToleranceMinor!: string;
  /** Days after a due date before an unpaid instalment draws its penal charge (its product's rule). */
  @Column('integer', { name: 'penal_grace_days' }) penalGraceDays!: number;
  /** DAILY accrual of interest income, or ON_DUE_DATE (an instalment's interest is income when due). */
  @Column('text', { name: 'interest_recognition' }) interestRecognition!: InterestRecognition;
  /** Its product lends against collateral (provisioning rates differ). */
  @Column('boolean') secured!: boolean;
  /** The provision held against it (its LOAN_LOSS_PROVISION balance), set by the close of business. */
  @Column('bigint', { name: 'provision_minor' }) provisionMinor!: string;
  /** When the account was opened (the agreement was signed). */
  @Column('timestamptz', { name: 'activated_at' }) activatedAt!: Date;
  @Column('timestamptz', { name: 'funded_at', nullable: true }) fundedAt!: Date | null;
  /** The partner lender that funded the loan, and its reference for it. */
  @Column('text', { name: 'lender_code', nullable: true }) lenderCode!: string | null;
  @Column('text', { name: 'lender_loan_ref', nullable: true }) lenderLoanRef!: string | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  /** REPAID (the schedule ran out) or FORECLOSED (paid off early at a quote). */
  @Column('text', { name: 'closure_reason', nullable: true }) closureReason!: string | null;
  /**
   * The business date the loan was last serviced for (the close of business of the day before it); null
   * until the first, the day after its disbursement — a loan has nothing to close before its first day ends.
   */
  @Column('date', { name: 'serviced_on', nullable: true }) servicedOn!: string | null;
  /** Its asset class (RBI IRACP) at the last close of business, set only by it. */
  @Column('text', { name: 'asset_class' }) assetClass!: AssetClass;
  /** The day-end it took that class (null: standard since it opened). */
  @Column('date', { name: 'class_since', nullable: true }) classSince!: string | null;
  /** The day-end it became non-performing, while it is. */
  @Column('date', { name: 'npa_since', nullable: true }) npaSince!: string | null;
  /** The business date its loss was identified (a loss asset), while it is an NPA not written off. */
  @Column('date', { name: 'loss_identified_on', nullable: true }) lossIdentifiedOn!: string | null;
  @Column('text', { name: 'loss_reason', nullable: true }) lossReason!: string | null;
  @VersionColumn({ type: 'integer' }) version!: number;
}

@Entity({ name: 'instalments' })
export class InstalmentRow {
  @PrimaryColumn('uuid', { name: 'loan_id' }) loanId!: string;
  @PrimaryColumn('integer') n!: number;
  @Column('date', { name: 'due_date' }) dueDate!: string;
  @Column('bigint', { name: 'opening_minor' }) openingMinor!: string;
  @Column('bigint', { name: 'principal_minor' }) principalMinor!: string;
  @Column('bigint', { name: 'interest_minor' }) interestMinor!: string;
  @Column('bigint', { name: 'total_minor' }) totalMinor!: string;
  @Column('bigint', { name: 'closing_minor' }) closingMinor!: string;
  /** DUE, PARTIAL (part paid), PAID, or FORECLOSED (its period ran when the loan was paid off early). */
  @Column('text') status!: string;
  @Column('bigint', { name: 'principal_paid_minor' }) principalPaidMinor!: string;
  @Column('bigint', { name: 'interest_paid_minor' }) interestPaidMinor!: string;
  /** Its interest was booked as receivable (on its due date, or when first paid towards). */
  @Column('boolean', { name: 'interest_accrued' }) interestAccrued!: boolean;
  /** Interest recognised for it day by day before its due date (accrual accounting). */
  @Column('bigint', { name: 'accrued_minor' }) accruedMinor!: string;
  /** Set by a part-prepayment in its period: the interest paid then ran to this day; the rest runs from it. */
  @Column('date', { name: 'interest_from', nullable: true }) interestFrom!: string | null;
  /** The business date the late fee was charged (once per instalment). */
  @Column('date', { name: 'late_fee_charged_on', nullable: true }) lateFeeChargedOn!: string | null;
  /** The business date the borrower was reminded it falls due (once per instalment). */
  @Column('date', { name: 'reminded_on', nullable: true }) remindedOn!: string | null;
}

/** One balanced journal entry; its lines are in journal_lines. */
@Entity({ name: 'journal' })
export class JournalRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'loan_id' }) loanId!: string;
  @Column('text') kind!: string;
  @Column('text', { nullable: true }) reference!: string | null;
  @Column('timestamptz', { name: 'posted_at' }) postedAt!: Date;
}

@Entity({ name: 'no_dues_certificates' })
export class NoDuesRow {
  @PrimaryColumn('uuid', { name: 'loan_id' }) loanId!: string;
  @Column('text', { name: 'file_id' }) fileId!: string;
  @Column('text') sha256!: string;
  @Column('timestamptz', { name: 'issued_at' }) issuedAt!: Date;
}
