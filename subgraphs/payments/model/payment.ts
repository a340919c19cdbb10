import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { PaymentReceived } from '../../../platform/events/event-map';

/** Loans as payments knows them (from loan.activated / loan.closed). */
@Entity({ name: 'loan_refs' })
export class LoanRefRow {
  @PrimaryColumn('uuid', { name: 'loan_id' }) loanId!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('text') currency!: string;
  /** ACTIVE, WRITTEN_OFF (payments are recoveries) or CLOSED. */
  @Column('text') status!: string;
}

/** PAYMENT_PROOF documents uploaded through documents (from document.uploaded). */
@Entity({ name: 'proof_documents' })
export class ProofDocumentRow {
  @PrimaryColumn('uuid', { name: 'document_id' }) documentId!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'owner_id' }) ownerId!: string;
}

@Entity({ name: 'payments' })
export class PaymentRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'loan_id' }) loanId!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('uuid', { name: 'recorded_by' }) recordedBy!: string;
  @Column('text', { name: 'idempotency_key' }) idempotencyKey!: string;
  /** SHA-256 of the request, so a key reused for a different payment is caught. */
  @Column('text', { name: 'request_hash' }) requestHash!: string;
  @Column('bigint', { name: 'amount_minor' }) amountMinor!: string;
  @Column('text') currency!: string;
  @Column('text') method!: string;
  /** What the money is for: an instalment, a foreclosure or a part-prepayment. */
  @Column('text') purpose!: PaymentReceived['purpose'];
  @Column('text', { nullable: true }) reference!: string | null;
  /** A PAYMENT_PROOF document (receipt, bank screenshot) for the verifier. */
  @Column('uuid', { name: 'proof_document_id', nullable: true }) proofDocumentId!: string | null;
  /** RECEIVED (waiting for verification), VERIFIED (applied to the loan), REJECTED. */
  @Column('text') status!: string;
  @Column('text', { name: 'decision_reason', nullable: true }) decisionReason!: string | null;
  @Column('uuid', { name: 'verified_by', nullable: true }) verifiedBy!: string | null;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('timestamptz', { name: 'verified_at', nullable: true }) verifiedAt!: Date | null;
  @VersionColumn({ type: 'integer' }) version!: number;
}
