import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { Checklist, KycStatus } from '../domain/review';

@Entity({ name: 'reviews' })
export class ReviewRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'application_id', unique: true }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('text', { name: 'facility_type' }) facilityType!: string;
  @Column('text') status!: KycStatus;
  @Column('uuid', { name: 'assigned_to', nullable: true }) assignedTo!: string | null;
  @Column('jsonb', { nullable: true }) checklist!: Checklist | null;
  @Column('text', { name: 'decision_reason', nullable: true }) decisionReason!: string | null;
  @Column('uuid', { name: 'decided_by', nullable: true }) decidedBy!: string | null;
  @Column('timestamptz', { name: 'opened_at' }) openedAt!: Date;
  @Column('timestamptz', { name: 'assigned_at', nullable: true }) assignedAt!: Date | null;
  @Column('timestamptz', { name: 'verified_at', nullable: true }) verifiedAt!: Date | null;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt!: Date | null;
  @VersionColumn({ type: 'integer' }) version!: number;
}

/** Customers as KYC knows them: only the blind index of their name, for screening. */
@Entity({ name: 'customer_refs' })
export class CustomerRefRow {
  @PrimaryColumn('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('text', { name: 'name_index' }) nameIndex!: string;
}

/** Sanctions and PEP entries; the name is kept for officers, matching uses its blind index. */
@Entity({ name: 'watchlist' })
export class WatchlistRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text', { name: 'name_index' }) nameIndex!: string;
  @Column('text') list!: string;
  @Column('timestamptz', { name: 'added_at' }) addedAt!: Date;
}
