import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { verhoeffValid } from '../../platform/pii';
import { type client, eventually, messagingUrl } from './platform';

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

/**
 * The token of the newest account link of `kind` e-mailed to `to` (sign-up confirmation, password reset),
 * read from the messaging simulator's inbox at `notifyUrl`; waits for it (account mail is queued), and for
 * one other than `not` when given.
 */
export function emailedLink(notifyUrl: string, to: string, kind: 'verify' | 'reset', not?: string) {
  return eventually(async () => {
    const res = await fetch(`${notifyUrl}/admin/messages?to=${encodeURIComponent(to)}`);
    const { messages } = (await res.json()) as { messages: { text: string }[] };
    const link = messages
      .map((m) => new RegExp(`#${kind}=([\\w-]+)`).exec(m.text)?.[1])
      .filter(Boolean)
      .at(-1);
    return link && link !== not ? link : undefined;
  });
}

/** A customer signed up and confirmed by the link e-mailed to them, then signed in. */
export async function registerCustomer(gql: Gql, name = 'Asha Rao', notifyUrl = messagingUrl()) {
  const email = `c-${randomBytes(5).toString('hex')}@example.com`;
  // Each customer has a phone of their own, so a test can find the SMS sent to them.
  const phone = `9${String(randomBytes(4).readUInt32BE() % 1_000_000_000).padStart(9, '0')}`;
  const started = await gql(`mutation($input: RegisterInput!) { register(input: $input) { email } }`, {
    input: { email, password: 'correct-horse-battery', fullName: name, phone },
  });
  if (!started.data) throw new Error(`register failed: ${JSON.stringify(started.errors)}`);
  const token = await emailedLink(notifyUrl, email, 'verify');
  const r = await gql(
    `mutation($t: String!) { verifyEmail(token: $t) { accessToken refreshToken user { id roles } } }`,
    { t: token },
  );
  if (!r.data) throw new Error(`verifyEmail failed: ${JSON.stringify(r.errors)}`);
  const p = r.data.verifyEmail;
  return {
    email,
    phone: `+91${phone}`,
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
  monthlyIncomeMinor: '15000000',
  ...overrides,
});

function chunk(type: string, data: Buffer) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 1×1 grey PNG carrying a comment, so each one has its own bytes. */
function png(comment: string) {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from(`Comment\0${comment}`, 'latin1')),
    chunk('IDAT', deflateSync(Buffer.from([0, 0x80]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Small files that are what they say by their bytes (random content keeps every SHA-256 new). */
export const fixtures = {
  pdf: () => Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj\n'), randomBytes(64), Buffer.from('\n%%EOF\n')]),
  png: () => png(randomBytes(16).toString('hex')),
  jpeg: () =>
    Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]), randomBytes(64)]),
};

export async function uploadDocument(
  gatewayGraphqlUrl: string,
  token: string | undefined,
  input: { applicationId: string; type: string; bytes: Buffer; contentType?: string; fileName?: string },
) {
  const form = new FormData();
  form.set('applicationId', input.applicationId);
  form.set('type', input.type);
  form.set(
    'file',
    new Blob([new Uint8Array(input.bytes)], { type: input.contentType ?? 'application/pdf' }),
    input.fileName ?? 'file.pdf',
  );
  const res = await fetch(gatewayGraphqlUrl.replace(/\/graphql$/, '/documents'), {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** A real staff account: created by the seeded admin, then signed in. */
export async function staffUser(gql: Gql, role: string | string[]) {
  const roles = Array.isArray(role) ? role : [role];
  const { DEV_ADMIN } = await import('../../scripts/seed');
  const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken user { id } } }`;
  const admin = (await gql(LOGIN, { i: DEV_ADMIN })).data?.login.accessToken;
  const email = `${roles.join('-').toLowerCase()}-${randomBytes(4).toString('hex')}@bank.test`;
  const password = `staff-${randomBytes(6).toString('hex')}`;
  const created = await gql(
    `mutation($i: StaffUserInput!) { createStaffUser(input: $i) { id } }`,
    { i: { email, password, fullName: `${roles.join(' ')} user`, roles } },
    admin,
  );
  if (!created.data) throw new Error(`createStaffUser failed: ${JSON.stringify(created.errors)}`);
  const login = await gql(LOGIN, { i: { email, password } });
  return {
    id: login.data?.login.user.id as string,
    token: login.data?.login.accessToken as string,
    email,
    password,
  };
}

/** A customer with KYC data and a SUBMITTED application. */
export async function submittedApplication(
  gql: Gql,
  name = 'Asha Rao',
  overrides: Record<string, unknown> = {},
) {
  const c = await registerCustomer(gql, name);
  await gql(KYC, { input: kycInput() }, c.token);
  const id = (await gql(CREATE, { input: applicationInput(overrides) }, c.token)).data?.createApplication
    .id as string;
  const r = await gql(`mutation($id: ID!) { submitApplication(id: $id) { status } }`, { id }, c.token);
  if (r.data?.submitApplication.status !== 'SUBMITTED')
    throw new Error(`submit failed: ${JSON.stringify(r.errors)}`);
  return { ...c, applicationId: id };
}
