import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { Role } from '../../../platform/roles';
import type { ApprovalStatus } from '../domain/approval';

/** One application's approval flow: what is being approved, and whether it is still open. */
@Entity({ name: 'flows' })
export class FlowRow {
  @PrimaryColumn('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('uuid', { name: 'offer_id' }) offerId!: string;
  @Column('bigint', { name: 'amount_minor' }) amountMinor!: string;
  @Column('text') currency!: string;
  /** OPEN, APPROVED, REJECTED. */
  @Column('text') status!: string;
  @Column('timestamptz', { name: 'opened_at' }) openedAt!: Date;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @VersionColumn({ type: 'integer' }) version!: number;
}

/** One level of a flow and its decision. */
@Entity({ name: 'approvals' })
export class ApprovalRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('integer') level!: number;
  @Column('text') role!: Role;
  @Column('text') status!: ApprovalStatus;
  @Column('text', { nullable: true }) comment!: string | null;
  @Column('uuid', { name: 'decided_by', nullable: true }) decidedBy!: string | null;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt!: Date | null;
  @Column('timestamptz', { name: 'pending_since', nullable: true }) pendingSince!: Date | null;
}
