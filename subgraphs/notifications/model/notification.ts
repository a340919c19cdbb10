import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The borrower's contact card as identity published it (encrypted; opened only to send). */
@Entity({ name: 'contacts' })
export class ContactRow {
  @PrimaryColumn('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('text') contact!: string;
}

/** A person's channel choice for one category. */
@Entity({ name: 'preferences' })
export class PreferenceRow {
  @PrimaryColumn('uuid', { name: 'user_id' }) userId!: string;
  @PrimaryColumn('text') category!: string;
  @Column('boolean') email!: boolean;
  @Column('boolean') sms!: boolean;
  @Column('boolean') push!: boolean;
  @Column('boolean', { name: 'in_app' }) inApp!: boolean;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

/** One send of a notification on one channel: the dispatch queue and its record. */
@Entity({ name: 'deliveries' })
export class DeliveryRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'notification_id' }) notificationId!: string;
  @Column('uuid', { name: 'recipient_id' }) recipientId!: string;
  /** EMAIL, SMS, PUSH, or IN_APP (the inbox document, stored in the document store when dispatched). */
  @Column('text') channel!: string;
  /** 0 regulatory, 1 transactional, 2 bulk. */
  @Column('integer') priority!: number;
  @Column('text') subject!: string;
  @Column('text') body!: string;
  /** PENDING, SENT or FAILED. */
  @Column('text') status!: string;
  @Column('integer') attempts!: number;
  /** When it may be tried next; a claimed row is leased by moving this forward. */
  @Column('timestamptz', { name: 'next_attempt_at' }) nextAttemptAt!: Date;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  /** IN_APP only: the inbox document and the key its announcement is published under. */
  @Column('jsonb', { nullable: true }) inbox!: { doc: object; partitionKey: string } | null;
}
