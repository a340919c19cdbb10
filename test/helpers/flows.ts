import { randomBytes } from 'node:crypto';
import { verhoeffValid } from '../../platform/pii';
import type { client } from './platform';

type Gql = ReturnType<typeof client>;

/** A valid Aadhaar (Verhoeff check digit) and a PAN, random so every test customer is new. */
export function identityNumbers() {
  const bytes = randomBytes(16);
  const letter = (i: number) => String.fromCharCode(65 + ((bytes[i] ?? 0) % 26));
  const digits = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => String((bytes[from + i] ?? 0) % 10)).join('');
  const pan = `${letter(0)}${letter(1)}${letter(2)}P${letter(3)}${digits(4, 4)}${letter(8)}`;
  const base = `${2 + ((bytes[9] ?? 0) % 8)}${digits(10, 6)}${String(Date.now()).slice(-4)}`;
  const check = [...'0123456789'].find((d) => verhoeffValid(`${base}${d}`));
  return { pan, aadhaar: `${base}${check}` };
}

export async function registerCustomer(gql: Gql, name = 'Asha Rao') {
  const email = `c-${randomBytes(5).toString('hex')}@example.com`;
  const r = await gql(
    `mutation($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id roles } } }`,
    { input: { email, password: 'correct-horse-battery', fullName: name, phone: '9876543210' } },
  );
  if (!r.data) throw new Error(`register failed: ${JSON.stringify(r.errors)}`);
  const p = r.data.register;
  return {
    email,
    password: 'correct-horse-battery',
    id: p.user.id as string,
    token: p.accessToken as string,
    refreshToken: p.refreshToken as string,
  };
}

export const KYC = `mutation($input: KycInput!) { submitKyc(input: $input) { id pan aadhaar kycStatus } }`;

export function kycInput(numbers = identityNumbers()) {
  return {
    ...numbers,
    dateOfBirth: '1990-04-01',
    address: { line1: '1 MG Road', city: 'Pune', state: 'Maharashtra', postalCode: '411001' },
  };
}

export const CREATE = `mutation($input: ApplicationInput!) { createApplication(input: $input) { id status } }`;

export const applicationInput = (overrides: Record<string, unknown> = {}) => ({
  amountMinor: '50000000',
  tenureMonths: 36,
  facilityType: 'TERM_LOAN',
  purpose: 'Expand the bakery',
  ...overrides,
});
