import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { ApplicationStatus } from '../domain/state-machine';

export interface ProjectJson {
  name: string;
  location: string;
  costMinor: string;
  description?: string | null;
}

@Entity({ name: 'applications' })
export class ApplicationRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  /** Paise as bigint; TypeORM hands bigint columns over as strings, never floats. */
  @Column('bigint', { name: 'amount_minor' }) amountMinor!: string;
  @Column('text') currency!: string;
  @Column('integer', { name: 'tenure_months' }) tenureMonths!: number;
  @Column('text', { name: 'facility_type' }) facilityType!: string;
  @Column('text') purpose!: string;
  @Column('jsonb', { nullable: true }) project!: ProjectJson | null;
  @Column('bigint', { name: 'monthly_income_minor', nullable: true }) monthlyIncomeMinor!: string | null;
  @Column('bigint', { name: 'collateral_value_minor', nullable: true }) collateralValueMinor!: string | null;
  /** The merchant's category code (ISO 18245 MCC) when the loan pays for a purchase at a checkout. */
  @Column('text', { name: 'merchant_category', nullable: true }) merchantCategory!: string | null;
  @Column('text') status!: ApplicationStatus;
  @Column('timestamptz', { name: 'submitted_at', nullable: true }) submittedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @VersionColumn({ type: 'integer' }) version!: number;
}

/** One row per thing that happened to an application: who, when, why, and which event. */
@Entity({ name: 'timeline' })
export class TimelineRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('text') action!: string;
  @Column('text', { name: 'from_status', nullable: true }) fromStatus!: string | null;
  @Column('text', { name: 'to_status', nullable: true }) toStatus!: string | null;
  @Column('text', { name: 'actor_id', nullable: true }) actorId!: string | null;
  @Column('text', { name: 'actor_kind' }) actorKind!: string;
  @Column('text', { nullable: true }) reason!: string | null;
  @Column('uuid', { name: 'event_id', nullable: true }) eventId!: string | null;
  @Column('timestamptz') at!: Date;
}

/** What applications knows about a customer's KYC, fed by identity's events. */
@Entity({ name: 'customer_kyc' })
export class CustomerKycRow {
  @PrimaryColumn('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('timestamptz', { name: 'submitted_at' }) submittedAt!: Date;
  @Column('uuid', { name: 'event_id' }) eventId!: string;
}
