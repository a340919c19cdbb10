import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A sign-up waiting for its e-mail address to be confirmed (the link's token kept as SHA-256). */
@Entity({ name: 'pending_registrations' })
export class PendingRegistrationRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') email!: string;
  @Column('text', { name: 'token_hash', unique: true }) tokenHash!: string;
  @Column('text', { name: 'password_hash' }) passwordHash!: string;
  @Column('text', { name: 'full_name' }) fullName!: string;
  @Column('text', { nullable: true }) phone!: string | null;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** A password-reset link: single use, short-lived, kept as SHA-256. */
@Entity({ name: 'password_resets' })
export class PasswordResetRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'user_id' }) userId!: string;
  @Column('text', { name: 'token_hash', unique: true }) tokenHash!: string;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('timestamptz', { name: 'used_at', nullable: true }) usedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** What happened to an account and from where: sign-ins failed and succeeded, locks, admin actions. */
@Entity({ name: 'auth_audit' })
export class AuthAuditRow {
  @PrimaryColumn('bigint', { generated: 'increment' }) id!: string;
  @Column('timestamptz', { default: () => 'now()' }) at!: Date;
  @Column('text') action!: string;
  @Column('uuid', { name: 'user_id', nullable: true }) userId!: string | null;
  @Column('uuid', { name: 'actor_id', nullable: true }) actorId!: string | null;
  @Column('text', { nullable: true }) ip!: string | null;
  @Column('text', { nullable: true }) detail!: string | null;
}
