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
  return { id: row.id, email: row.email, fullName: row.fullName, roles: row.roles };
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
