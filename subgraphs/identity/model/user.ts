import { Column, CreateDateColumn, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { Role } from '../../../platform/roles';

@Entity({ name: 'users' })
export class UserRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { unique: true }) email!: string;
  @Column('text', { name: 'password_hash' }) passwordHash!: string;
  @Column('text', { name: 'full_name' }) fullName!: string;
  @Column('text', { array: true }) roles!: Role[];
  @Column('boolean', { default: false }) disabled!: boolean;
  /** Raised to end every session at once: access tokens carry it and the gateway compares. */
  @Column('integer', { name: 'token_version', default: 0 }) tokenVersion!: number;
  /** Set after too many failed sign-ins; a password reset or an admin clears it. */
  @Column('timestamptz', { name: 'locked_at', nullable: true }) lockedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @VersionColumn({ type: 'integer' }) version!: number;
}
