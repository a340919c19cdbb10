import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { Frequency, Method } from '../../../platform/finance';
import type { CounterProposal, OfferStatus } from '../domain/offer';

/** One round of the negotiation; a new round never changes an earlier one except to supersede it. */
@Entity({ name: 'offers' })
export class OfferRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  /** 1, 2, … per application: the offer's version in the negotiation. */
  @Column('integer') round!: number;
  @Column('text') status!: OfferStatus;
  @Column('bigint', { name: 'amount_minor' }) amountMinor!: string;
  @Column('text') currency!: string;
  @Column('integer', { name: 'annual_rate_bps' }) annualRateBps!: number;
  @Column('integer', { name: 'tenure_months' }) tenureMonths!: number;
  @Column('bigint', { name: 'processing_fee_minor' }) processingFeeMinor!: string;
  @Column('text') frequency!: Frequency;
  @Column('text') method!: Method;
  /** Interest-only instalments at the start, within the tenure. */
  @Column('integer', { name: 'moratorium_periods' }) moratoriumPeriods!: number;
  @Column('timestamptz', { name: 'valid_until' }) validUntil!: Date;
  /** The product (and its version) the offer was made under: its rules and charges are the KFS's. */
  @Column('text', { name: 'product_code' }) productCode!: string;
  @Column('integer', { name: 'product_version' }) productVersion!: number;
  /** Key facts as sent (amounts as digit strings); the schedule is recomputed from the terms when asked. */
  @Column('jsonb') kfs!: StoredKeyFacts;
  @Column('jsonb', { nullable: true }) counter!: CounterProposal | null;
  @Column('text', { name: 'response_reason', nullable: true }) responseReason!: string | null;
  @Column('uuid', { name: 'sent_by' }) sentBy!: string;
  @Column('timestamptz', { name: 'sent_at' }) sentAt!: Date;
  @Column('timestamptz', { name: 'responded_at', nullable: true }) respondedAt!: Date | null;
  @VersionColumn({ type: 'integer' }) version!: number;
}

export interface StoredKeyFacts {
  emiMinor: string;
  instalments: number;
  totalInterestMinor: string;
  feesMinor: string;
  /** The instalment charges over the loan's life (absent on offers made before there were any: none). */
  recurringChargesMinor?: string;
  totalPayableMinor: string;
  netDisbursedMinor: string;
  aprBps: number;
  /** The product's rounding of the level instalment (absent: the paisa, half-up). */
  rounding?: { multipleMinor: string; mode: 'HALF_UP' | 'UP' | 'DOWN' };
  /** The look-up period the product gave (absent on offers made before it was disclosed: 3 days). */
  coolingOffDays?: number;
  /** Every charge of the product as the KFS disclosed it (absent on offers made before products). */
  charges?: {
    code: string;
    name: string;
    trigger: string;
    description: string;
    amountMinor: string | null;
  }[];
}

/** Applications as offers knows them: whose, what was asked, and whether negotiation is open. */
@Entity({ name: 'negotiations' })
export class NegotiationRow {
  @PrimaryColumn('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('bigint', { name: 'requested_amount_minor' }) requestedAmountMinor!: string;
  @Column('integer', { name: 'requested_tenure_months' }) requestedTenureMonths!: number;
  @Column('text') currency!: string;
  /** WAITING (for risk), OPEN (negotiating; the latest round says where it stands), CLOSED (withdrawn). */
  @Column('text') state!: string;
}

/** One published version of a loan product (schema/loan-product.json); versions are never changed. */
@Entity({ name: 'product_versions' })
export class ProductVersionRow {
  @PrimaryColumn('text') code!: string;
  @PrimaryColumn('integer') version!: number;
  @Column('jsonb') document!: object;
  @Column('uuid', { name: 'published_by', nullable: true }) publishedBy!: string | null;
  @Column('timestamptz', { name: 'published_at' }) publishedAt!: Date;
}
