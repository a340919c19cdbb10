import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { AgreementStatus } from '../domain/esign';

/** The terms of an accepted offer (the event's data), waiting for the final approval. */
@Entity({ name: 'contracts' })
export class ContractRow {
  @PrimaryColumn('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('jsonb') offer!: Record<string, unknown>;
}

/** The customer's contact card, still encrypted as identity sent it; decrypted only to use it. */
@Entity({ name: 'contacts' })
export class ContactRow {
  @PrimaryColumn('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('text') contact!: string;
}

/** Signed copies the customer uploaded through documents (from document.uploaded). */
@Entity({ name: 'signed_uploads' })
export class SignedUploadRow {
  @PrimaryColumn('uuid', { name: 'document_id' }) documentId!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'owner_id' }) ownerId!: string;
  @Column('text') sha256!: string;
}

@Entity({ name: 'agreements' })
export class AgreementRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('text') number!: string;
  @Column('text') status!: AgreementStatus;
  @Column('integer', { name: 'file_version' }) fileVersion!: number;
  @Column('text', { nullable: true }) sha256!: string | null;
  @Column('text', { name: 'otp_hash', nullable: true }) otpHash!: string | null;
  @Column('timestamptz', { name: 'otp_expires_at', nullable: true }) otpExpiresAt!: Date | null;
  @Column('integer', { name: 'otp_attempts' }) otpAttempts!: number;
  @Column('text', { name: 'sign_method', nullable: true }) signMethod!: string | null;
  @Column('timestamptz', { name: 'signed_at', nullable: true }) signedAt!: Date | null;
  @Column('text', { name: 'signed_ip', nullable: true }) signedIp!: string | null;
  @Column('uuid', { name: 'uploaded_document_id', nullable: true }) uploadedDocumentId!: string | null;
  @Column('uuid', { name: 'verified_by', nullable: true }) verifiedBy!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'claimed_at', nullable: true }) claimedAt!: Date | null;
  @VersionColumn({ type: 'integer' }) version!: number;
}

/** Every file the agreement has had: generated, then signed; each with the hash it was stored with. */
@Entity({ name: 'agreement_files' })
export class AgreementFileRow {
  @PrimaryColumn('uuid', { name: 'agreement_id' }) agreementId!: string;
  @PrimaryColumn('integer', { name: 'file_version' }) fileVersion!: number;
  @Column('text') kind!: string;
  @Column('text', { name: 'file_id' }) fileId!: string;
  @Column('text') sha256!: string;
  @Column('timestamptz', { name: 'stored_at' }) storedAt!: Date;
}
