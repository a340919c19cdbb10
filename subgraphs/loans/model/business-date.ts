import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The date the loan book lives on, apart from the clock: due dates fall, days past due count and the
 * daily run closes by it. One row per tenant (one tenant today).
 */
@Entity({ name: 'business_dates' })
export class BusinessDateRow {
  @PrimaryColumn('text') tenant!: string;
  @Column('date') date!: string;
  @Column('timestamptz', { name: 'advanced_at' }) advancedAt!: Date;
  /** Who moved it last; null when it followed the calendar by itself. */
  @Column('uuid', { name: 'advanced_by', nullable: true }) advancedBy!: string | null;
}
