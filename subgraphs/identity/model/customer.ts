import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

export interface Address {
  line1: string;
  line2?: string | null;
  city: string;
  state: string;
  postalCode: string;
}

/** A customer's profile and KYC data; PAN and Aadhaar only ever stored encrypted, masked and indexed. */
@Entity({ name: 'customers' })
export class CustomerRow {
  /** The same id as the customer's user. */
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'full_name' }) fullName!: string;
  @Column('text') email!: string;
  @Column('text', { nullable: true }) phone!: string | null;
  @Column('date', { name: 'date_of_birth', nullable: true }) dateOfBirth!: string | null;
  @Column('jsonb', { nullable: true }) address!: Address | null;
  @Column('text', { name: 'pan_enc', nullable: true }) panEnc!: string | null;
  @Column('text', { name: 'pan_masked', nullable: true }) panMasked!: string | null;
  @Column('text', { name: 'pan_index', nullable: true, unique: true }) panIndex!: string | null;
  @Column('text', { name: 'aadhaar_enc', nullable: true }) aadhaarEnc!: string | null;
  @Column('text', { name: 'aadhaar_masked', nullable: true }) aadhaarMasked!: string | null;
  @Column('text', { name: 'aadhaar_index', nullable: true, unique: true }) aadhaarIndex!: string | null;
  @Column('text', { name: 'kyc_status', default: 'NOT_SUBMITTED' }) kycStatus!: string;
  @Column('timestamptz', { name: 'kyc_submitted_at', nullable: true }) kycSubmittedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @VersionColumn({ type: 'integer' }) version!: number;
}
