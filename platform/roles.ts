import { registerEnumType } from 'type-graphql';

export enum Role {
  CUSTOMER = 'CUSTOMER',
  KYC_OFFICER = 'KYC_OFFICER',
  KYC_MANAGER = 'KYC_MANAGER',
  RISK_OFFICER = 'RISK_OFFICER',
  RISK_MANAGER = 'RISK_MANAGER',
  INTERNAL_APPROVER = 'INTERNAL_APPROVER',
  MANAGER = 'MANAGER',
  CREDIT_HEAD = 'CREDIT_HEAD',
  ADMIN = 'ADMIN',
  PARTNER = 'PARTNER',
  SYSTEM = 'SYSTEM',
}

registerEnumType(Role, { name: 'Role', description: 'What a user may do on the platform' });

export const ALL_ROLES = Object.values(Role);
/** Bank staff: everyone who works applications, as opposed to customers and partners. */
export const STAFF_ROLES: readonly Role[] = ALL_ROLES.filter(
  (r) => r !== Role.CUSTOMER && r !== Role.PARTNER,
);

export function parseRoles(value: string | undefined | null): Role[] {
  if (!value) return [];
  const known = new Set<string>(ALL_ROLES);
  return value
    .split(',')
    .map((r) => r.trim())
    .filter((r): r is Role => known.has(r));
}
