import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Caller } from '../../../platform/auth';
import { Role } from '../../../platform/roles';
import { maskEmail, maskPhone } from '../domain/profile';
import type { CustomerRow } from '../model/customer';
import type { UserRow } from '../model/user';

export enum KycStatus {
  NOT_SUBMITTED = 'NOT_SUBMITTED',
  SUBMITTED = 'SUBMITTED',
}
registerEnumType(KycStatus, { name: 'KycStatus' });

@ObjectType()
export class Address {
  @Field(() => String) line1!: string;
  @Field(() => String, { nullable: true }) line2?: string | null;
  @Field(() => String) city!: string;
  @Field(() => String) state!: string;
  @Field(() => String) postalCode!: string;
}

@ObjectType({ description: 'A customer: profile and KYC data. PAN and Aadhaar are always masked.' })
@Directive('@key(fields: "id")')
export class Customer {
  @Field(() => ID) id!: string;
  @Field(() => String) fullName!: string;
  @Field(() => String, { description: 'Masked for anyone but the customer.' }) email!: string;
  @Field(() => String, { nullable: true, description: 'Masked for anyone but the customer.' })
  phone!: string | null;
  @Field(() => String, { nullable: true }) dateOfBirth!: string | null;
  @Field(() => Address, { nullable: true }) address!: Address | null;
  @Field(() => String, { nullable: true, description: 'Masked: XXXXX1234F' }) pan!: string | null;
  @Field(() => String, { nullable: true, description: 'Masked: XXXX-XXXX-1234' }) aadhaar!: string | null;
  @Field(() => KycStatus) kycStatus!: KycStatus;
  @Field(() => Date, { nullable: true }) kycSubmittedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType()
export class User {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => String) fullName!: string;
  @Field(() => [Role]) roles!: Role[];
  @Field(() => Boolean, { description: 'Disabled by an admin: cannot sign in, sessions ended.' })
  disabled!: boolean;
  @Field(() => Boolean, {
    description: 'Locked after repeated failed sign-ins until a password reset or an admin.',
  })
  locked!: boolean;
  /** Not in the schema: who reads this user's fields when it is not the request's caller (a sign-in). */
  viewer?: Caller;
}

@ObjectType({ description: 'A sign-up waiting for its e-mail address to be confirmed.' })
export class RegistrationStarted {
  @Field(() => String, {
    description:
      'Where a link to confirm the address went (or, if it already has an account, a notice saying so). The account opens when the link is followed (verifyEmail).',
  })
  email!: string;
}

@ObjectType({ description: 'SYSTEM: whether an account’s access tokens of a generation may still be used.' })
export class SessionState {
  @Field(() => ID) userId!: string;
  @Field(() => Int, { description: 'Tokens issued before this generation are refused.' })
  tokenVersion!: number;
  @Field(() => Boolean, { description: 'False for a disabled or unknown account.' }) active!: boolean;
}

@ObjectType({ description: 'One entry of an account’s security trail.' })
export class AuthAuditEntry {
  @Field(() => Date) at!: Date;
  @Field(() => String, {
    description:
      'REGISTERED, LOGIN_SUCCEEDED, LOGIN_FAILED, LOCKED, DISABLED, ENABLED, SIGNED_OUT, PASSWORD_CHANGED, PASSWORD_RESET_REQUESTED, PASSWORD_RESET, REGISTRATION_EXISTING',
  })
  action!: string;
  @Field(() => ID, { nullable: true, description: 'Who did it, when not the account itself (an admin).' })
  actorId!: string | null;
  @Field(() => String, { nullable: true, description: 'The client address the attempt came from.' })
  ip!: string | null;
  @Field(() => String, { nullable: true }) detail!: string | null;
}

@ObjectType()
export class AuthPayload {
  @Field(() => String, { description: 'JWT for the Authorization header, valid 15 minutes.' })
  accessToken!: string;
  @Field(() => String, { description: 'Single-use; exchange with `refresh` for a new pair (7 days).' })
  refreshToken!: string;
  @Field(() => Int, { description: 'Seconds until the access token expires.' }) expiresIn!: number;
  @Field(() => User) user!: User;
}

@InputType()
export class RegisterInput {
  @Field(() => String) email!: string;
  @Field(() => String) password!: string;
  @Field(() => String) fullName!: string;
  @Field(() => String, { nullable: true }) phone?: string;
}

@InputType()
export class LoginInput {
  @Field(() => String) email!: string;
  @Field(() => String) password!: string;
}

@InputType()
export class StaffUserInput {
  @Field(() => String) email!: string;
  @Field(() => String) password!: string;
  @Field(() => String) fullName!: string;
  @Field(() => [Role]) roles!: Role[];
}

@InputType()
export class AddressInput {
  @Field(() => String) line1!: string;
  @Field(() => String, { nullable: true }) line2?: string;
  @Field(() => String) city!: string;
  @Field(() => String) state!: string;
  @Field(() => String) postalCode!: string;
}

@InputType()
export class KycInput {
  @Field(() => String) pan!: string;
  @Field(() => String) aadhaar!: string;
  @Field(() => String, { description: 'YYYY-MM-DD' }) dateOfBirth!: string;
  @Field(() => AddressInput) address!: AddressInput;
}

@InputType()
export class ProfileInput {
  @Field(() => String, { nullable: true }) fullName?: string;
  @Field(() => String, { nullable: true }) phone?: string;
  @Field(() => AddressInput, { nullable: true }) address?: AddressInput;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    fullName: row.fullName,
    roles: row.roles,
    disabled: row.disabled,
    locked: row.lockedAt !== null,
  };
}

/** The one place a customer row becomes a response: PAN/Aadhaar masked always, contact data for others. */
export function toCustomer(row: CustomerRow, viewer: Caller | null): Customer {
  const own = viewer?.userId === row.id;
  return {
    id: row.id,
    fullName: row.fullName,
    email: own ? row.email : maskEmail(row.email),
    phone: row.phone && !own ? maskPhone(row.phone) : row.phone,
    dateOfBirth: row.dateOfBirth,
    address: row.address,
    pan: row.panMasked,
    aadhaar: row.aadhaarMasked,
    kycStatus: row.kycStatus as KycStatus,
    kycSubmittedAt: row.kycSubmittedAt,
    createdAt: row.createdAt,
  };
}
