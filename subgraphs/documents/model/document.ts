import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { DocumentUploaded } from '../../../platform/events/event-map';

/** Metadata in PostgreSQL (so it commits with its events); the bytes live in the document store. */
@Entity({ name: 'documents' })
export class DocumentRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'owner_id' }) ownerId!: string;
  @Column('text') type!: DocumentUploaded['type'];
  /** 1 for the first upload of a type for an application, then 2, 3…; older versions are kept. */
  @Column('integer', { name: 'version_no' }) versionNo!: number;
  @Column('text', { name: 'file_name' }) fileName!: string;
  @Column('text', { name: 'content_type' }) contentType!: DocumentUploaded['contentType'];
  @Column('integer') size!: number;
  @Column('text') sha256!: string;
  @Column('text', { name: 'storage_id' }) storageId!: string;
  @Column('text') status!: string;
  @Column('text', { name: 'rejection_reason', nullable: true }) rejectionReason!: string | null;
  @Column('uuid', { name: 'uploaded_by' }) uploadedBy!: string;
  @Column('timestamptz', { name: 'uploaded_at' }) uploadedAt!: Date;
  @Column('uuid', { name: 'decided_by', nullable: true }) decidedBy!: string | null;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt!: Date | null;
  /** Deleted by its owner before review: hidden from the checklist, the record and bytes kept. */
  @Column('uuid', { name: 'deleted_by', nullable: true }) deletedBy!: string | null;
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
  @VersionColumn({ type: 'integer' }) version!: number;
}

/** What documents knows about applications, from applications' events: owner and facility type. */
@Entity({ name: 'application_refs' })
export class ApplicationRefRow {
  @PrimaryColumn('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('text', { name: 'facility_type' }) facilityType!: string;
}
