import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { config } from '../platform/config';
import { Role } from '../platform/roles';
import { applicationInput, CREATE, KYC, kycInput, registerCustomer, staffUser } from './helpers/flows';
import { firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
before(async () => {
  platform = await startTestPlatform();
});
after(async () => {
  await platform?.stop();
});

const db = (name: string) => platform.db(name);
const count = async (subgraph: string, sql: string, params: unknown[] = []) =>
  Number((await db(subgraph).query(sql, params))[0].n);
const outboxSize = async () =>
  (await count('identity', 'SELECT count(*) n FROM outbox')) +
  (await count('applications', 'SELECT count(*) n FROM outbox'));

const ME = '{ me { id roles } }';

describe('bad input gets a typed error and changes nothing', () => {
  test('malformed PAN', async () => {
    const c = await registerCustomer(platform.gql);
    const events = await outboxSize();
    for (const pan of ['ABCDE1234', 'ABCXE1234F', '12345ABCDE', 'abcpe1234f5']) {
      const r = await platform.gql(KYC, { input: { ...kycInput(), pan } }, c.token);
      assert.equal(firstError(r), 'BAD_USER_INPUT', pan);
      assert.equal(
        r.errors?.[0]?.extensions?.details && (r.errors[0].extensions.details as { field: string }).field,
        'pan',
      );
    }
    const bad = await platform.gql(KYC, { input: { ...kycInput(), aadhaar: '234123412345' } }, c.token);
    assert.equal(firstError(bad), 'BAD_USER_INPUT', 'Aadhaar with a wrong check digit');
    const row = (
      await db('identity').query('SELECT kyc_status, pan_enc FROM customers WHERE id = $1', [c.id])
    )[0];
    assert.deepEqual(row, { kyc_status: 'NOT_SUBMITTED', pan_enc: null });
    assert.equal(await outboxSize(), events, 'no event was recorded');
  });

  test('every bad field is named at once, in GraphQL and in REST, and nothing is stored', async () => {
    const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { email } }`;
    const email = 'not-an-address';
    const input = { email, password: 'short', fullName: 'A', phone: '12345' };
    const r = await platform.gql(REGISTER, { input });
    assert.equal(firstError(r), 'BAD_USER_INPUT');
    const fields =
      (r.errors?.[0]?.extensions?.details as { fields?: { field: string }[] } | undefined)?.fields ?? [];
    assert.deepEqual(
      fields.map((f) => f.field),
      ['email', 'password', 'fullName', 'phone'],
      JSON.stringify(r.errors),
    );
    // The same refusal through the REST shim lists each field as the problem's errors.
    const rest = await fetch(`${platform.gateway.url.replace(/\/graphql$/, '')}/api/v1/customers/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...input, email: 'asha@example.com', password: 'correct-horse-battery' }),
    });
    assert.equal(rest.status, 400);
    const problem = (await rest.json()) as { errors?: { name?: string }[] };
    assert.ok((problem.errors?.length ?? 0) >= 2, JSON.stringify(problem));
    assert.equal(await count('identity', 'SELECT count(*) n FROM users WHERE email = $1', [email]), 0);
  });

  test('a mobile number written the usual ways is stored one way', async () => {
    const c = await registerCustomer(platform.gql);
    const UPDATE = `mutation($input: ProfileInput!) { updateProfile(input: $input) { phone } }`;
    for (const written of ['+91 98450-12345', '098450 12345', '919845012345']) {
      const r = await platform.gql(UPDATE, { input: { phone: written } }, c.token);
      assert.equal(r.data?.updateProfile.phone, '+919845012345', `${written}: ${JSON.stringify(r.errors)}`);
    }
  });

  test('negative, zero, fractional and oversized amounts', async () => {
    const c = await registerCustomer(platform.gql);
    for (const amountMinor of ['-5000000', '0', 12.5, '99999999999999999999']) {
      const r = await platform.gql(CREATE, { input: applicationInput({ amountMinor }) }, c.token);
      assert.equal(firstError(r), 'BAD_USER_INPUT', String(amountMinor));
    }
    assert.equal(
      await count('applications', 'SELECT count(*) n FROM applications WHERE customer_id = $1', [c.id]),
      0,
    );
  });

  test('a merchant category is a 4-digit MCC; a good one is kept and published', async () => {
    const c = await registerCustomer(platform.gql);
    for (const merchantCategory of ['57', '57321', 'ABCD', ' 5732']) {
      const r = await platform.gql(CREATE, { input: applicationInput({ merchantCategory }) }, c.token);
      assert.equal(firstError(r), 'BAD_USER_INPUT', merchantCategory);
    }
    assert.equal(
      await count('applications', 'SELECT count(*) n FROM applications WHERE customer_id = $1', [c.id]),
      0,
    );
    const ok = await platform.gql(
      `mutation($input: ApplicationInput!) { createApplication(input: $input) { id merchantCategory } }`,
      { input: applicationInput({ merchantCategory: '5732' }) },
      c.token,
    );
    assert.equal(ok.data?.createApplication.merchantCategory, '5732', JSON.stringify(ok.errors));
    const [published] = await db('applications').query(
      `SELECT payload->'data'->>'merchantCategory' AS mcc FROM outbox WHERE type = 'application.created'
         AND payload->'data'->>'applicationId' = $1`,
      [ok.data?.createApplication.id],
    );
    assert.equal(published.mcc, '5732');
  });

  test('illegal transition', async () => {
    const c = await registerCustomer(platform.gql);
    const id = (await platform.gql(CREATE, { input: applicationInput() }, c.token)).data?.createApplication
      .id;
    const submit = `mutation($id: ID!) { submitApplication(id: $id) { status } }`;
    assert.equal((await platform.gql(submit, { id }, c.token)).data?.submitApplication.status, 'SUBMITTED');
    const before = await db('applications').query('SELECT status, version FROM applications WHERE id = $1', [
      id,
    ]);
    const timeline = await count(
      'applications',
      'SELECT count(*) n FROM timeline WHERE application_id = $1',
      [id],
    );
    const events = await outboxSize();

    const again = await platform.gql(submit, { id }, c.token);
    assert.equal(firstError(again), 'ILLEGAL_TRANSITION');
    assert.match(again.errors?.[0]?.message ?? '', /cannot submit an application that is SUBMITTED/);
    const edit = await platform.gql(
      `mutation($id: ID!) { updateApplication(id: $id, input: { tenureMonths: 12 }) { id } }`,
      { id },
      c.token,
    );
    assert.equal(firstError(edit), 'FAILED_PRECONDITION');

    assert.deepEqual(
      await db('applications').query('SELECT status, version FROM applications WHERE id = $1', [id]),
      before,
    );
    assert.equal(
      await count('applications', 'SELECT count(*) n FROM timeline WHERE application_id = $1', [id]),
      timeline,
    );
    assert.equal(await outboxSize(), events);
  });

  test("another customer's application id is reported as not found, and cannot be moved", async () => {
    const owner = await registerCustomer(platform.gql);
    const other = await registerCustomer(platform.gql, 'Ravi Kumar');
    const id = (await platform.gql(CREATE, { input: applicationInput() }, owner.token)).data
      ?.createApplication.id;
    const read = await platform.gql(`query($id: ID!) { application(id: $id) { id } }`, { id }, other.token);
    assert.equal(firstError(read), 'NOT_FOUND');
    const withdraw = await platform.gql(
      `mutation($id: ID!) { withdrawApplication(id: $id) { status } }`,
      { id },
      other.token,
    );
    assert.equal(firstError(withdraw), 'NOT_FOUND');
    const customer = await platform.gql(
      `query($id: ID!) { customer(id: $id) { id } }`,
      { id: owner.id },
      other.token,
    );
    assert.equal(firstError(customer), 'NOT_FOUND');
    assert.deepEqual(await db('applications').query('SELECT status FROM applications WHERE id = $1', [id]), [
      { status: 'DRAFT' },
    ]);
  });
});

describe('tokens', () => {
  test('missing token: UNAUTHENTICATED from the subgraph, and no write happens', async () => {
    const me = await platform.gql(ME);
    assert.equal(firstError(me), 'UNAUTHENTICATED');
    const before = await count('applications', 'SELECT count(*) n FROM applications');
    const create = await platform.gql(CREATE, { input: applicationInput() });
    assert.equal(firstError(create), 'UNAUTHENTICATED');
    assert.equal(await count('applications', 'SELECT count(*) n FROM applications'), before);
  });

  test('expired token is refused at the gateway with 401', async () => {
    const c = await registerCustomer(platform.gql);
    const expired = await new SignJWT({ roles: [Role.CUSTOMER] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(c.id)
      .setIssuer(config().JWT_ISSUER)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(config().JWT_SECRET));
    const r = await platform.gql(ME, {}, expired);
    assert.equal(r.status, 401);
    assert.equal(firstError(r), 'UNAUTHENTICATED');
    assert.match(r.errors?.[0]?.message ?? '', /expired/);
  });

  test('forged tokens are refused: wrong key, alg none, tampered roles', async () => {
    const c = await registerCustomer(platform.gql);
    const wrongKey = await new SignJWT({ roles: [Role.ADMIN] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(c.id)
      .setIssuer(config().JWT_ISSUER)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('not-the-platform-secret-but-long-enough'));
    const [h, , s] = c.token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: c.id, roles: ['ADMIN'], iss: 'loanflow', exp: 9999999999 })).toString('base64url')}.${s}`;
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: c.id, roles: ['ADMIN'] })).toString('base64url')}.`;
    for (const token of [wrongKey, tampered, none]) {
      const r = await platform.gql(ME, {}, token);
      assert.equal(r.status, 401);
      assert.equal(firstError(r), 'UNAUTHENTICATED');
    }
  });

  test('a subgraph refuses calls that bypass the gateway, even with identity headers', async () => {
    const applications = platform.subgraphs.find((s) => s.name === 'applications');
    const res = await fetch(applications!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-loanflow-user-id': 'x', 'x-loanflow-roles': 'ADMIN' },
      body: JSON.stringify({ query: '{ applications { totalCount } }' }),
    });
    assert.equal(res.status, 401);
    const wrong = await fetch(applications!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-loanflow-gateway-secret': 'guess-guess-guess-guess' },
      body: JSON.stringify({ query: '{ applications { totalCount } }' }),
    });
    assert.equal(wrong.status, 401);
  });

  test('refresh rotates; reusing an old refresh token revokes the whole login', async () => {
    const c = await registerCustomer(platform.gql);
    const REFRESH = `mutation($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken } }`;
    const first = await platform.gql(REFRESH, { t: c.refreshToken });
    const next = first.data?.refresh.refreshToken as string;
    assert.ok(next && next !== c.refreshToken);
    assert.equal((await platform.gql(ME, {}, first.data?.refresh.accessToken)).data?.me.id, c.id);

    const reuse = await platform.gql(REFRESH, { t: c.refreshToken });
    assert.equal(firstError(reuse), 'UNAUTHENTICATED');
    assert.match(reuse.errors?.[0]?.message ?? '', /reuse/);
    const afterReuse = await platform.gql(REFRESH, { t: next });
    assert.equal(firstError(afterReuse), 'UNAUTHENTICATED', 'the newest token of the family is revoked too');
  });

  test("a sign-in's answer shows the person their own profile, unmasked", async () => {
    const c = await registerCustomer(platform.gql);
    const r = await platform.gql(
      `mutation($i: LoginInput!) { login(input: $i) { user { id customer { id email phone } } } }`,
      { i: { email: c.email, password: c.password } },
    );
    assert.deepEqual(
      r.data?.login.user,
      { id: c.id, customer: { id: c.id, email: c.email, phone: c.phone } },
      JSON.stringify(r.errors),
    );
  });

  test('logout revokes the refresh token', async () => {
    const c = await registerCustomer(platform.gql);
    assert.equal(
      (await platform.gql(`mutation($t: String!) { logout(refreshToken: $t) }`, { t: c.refreshToken })).data
        ?.logout,
      true,
    );
    const r = await platform.gql(`mutation($t: String!) { refresh(refreshToken: $t) { accessToken } }`, {
      t: c.refreshToken,
    });
    assert.equal(firstError(r), 'UNAUTHENTICATED');
  });
});

describe('roles and limits', () => {
  test('only an ADMIN creates staff; a customer is FORBIDDEN', async () => {
    const c = await registerCustomer(platform.gql);
    const STAFF = `mutation($i: StaffUserInput!) { createStaffUser(input: $i) { id roles } }`;
    const input = {
      email: `officer-${c.id.slice(0, 8)}@bank.test`,
      password: 'kyc-desk-passphrase-9',
      fullName: 'K Officer',
      roles: ['KYC_OFFICER'],
    };
    assert.equal(firstError(await platform.gql(STAFF, { i: input }, c.token)), 'FORBIDDEN');
    const admin = (await staffUser(platform.gql, 'ADMIN')).token;
    const created = await platform.gql(STAFF, { i: input }, admin);
    assert.deepEqual(created.data?.createStaffUser.roles, ['KYC_OFFICER']);
    const officer = await platform.gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, {
      i: { email: input.email, password: input.password },
    });
    const list = await platform.gql('{ applications { totalCount } }', {}, officer.data?.login.accessToken);
    assert.equal(typeof list.data?.applications.totalCount, 'number', 'staff list all applications');
    assert.equal(firstError(await platform.gql('{ applications { totalCount } }', {}, c.token)), 'FORBIDDEN');
  });

  test('a query deeper than the limit is refused before it runs', async () => {
    const c = await registerCustomer(platform.gql);
    // Depth is counted from 0 at the root field: this reaches 13 against a limit of 10.
    const deep = `{ me { ${'customer { applications { '.repeat(6)} id ${'} } '.repeat(6)} } }`;
    const r = await platform.gql(deep, {}, c.token);
    assert.equal(firstError(r), 'GRAPHQL_VALIDATION_FAILED');
    assert.match(r.errors?.[0]?.message ?? '', /depth limit of 10 exceeded/);
  });

  test('a query costlier than the limit is refused before any subgraph runs it', async () => {
    const c = await registerCustomer(platform.gql);
    // 100 applications × 10 (assumed) of the customer's applications × 10 again: 12,202.
    const wide = `{ myApplications(page: { first: 100 }) { nodes { customer { applications { customer { applications { id } } } } } } }`;
    const r = await platform.gql(wide, {}, c.token);
    assert.equal(firstError(r), 'QUERY_TOO_COMPLEX');
    assert.match(r.errors?.[0]?.message ?? '', /query cost 12202 exceeds the limit of 5000/);
    assert.equal(r.data, undefined);
    assert.equal(r.status, 400);
  });

  test('introspection is for staff only', async () => {
    const c = await registerCustomer(platform.gql);
    const refused = await platform.gql('{ __schema { queryType { name } } }', {}, c.token);
    assert.equal(firstError(refused), 'FORBIDDEN');
    assert.equal(refused.status, 403);
    assert.equal(JSON.stringify(refused.errors).includes('http'), false, 'the status stays out of the body');
    const staff = (await staffUser(platform.gql, 'KYC_OFFICER')).token;
    const r = await platform.gql('{ __schema { queryType { name } } }', {}, staff);
    assert.equal(r.data?.__schema.queryType.name, 'Query');
  });

  test("responses never carry raw PAN, Aadhaar, or another person's contact data", async () => {
    const c = await registerCustomer(platform.gql);
    const numbers = kycInput();
    await platform.gql(KYC, { input: numbers }, c.token);
    const staff = (await staffUser(platform.gql, 'KYC_OFFICER')).token;
    const r = await platform.gql(
      `query($id: ID!) { customer(id: $id) { pan aadhaar email phone } }`,
      { id: c.id },
      staff,
    );
    const body = JSON.stringify(r);
    assert.ok(!body.includes(numbers.pan) && !body.includes(numbers.aadhaar), 'no raw identifiers');
    assert.ok(!body.includes(c.email), 'e-mail masked for staff');
    assert.match(r.data?.customer.phone, /^XXXXXX\d{4}$/);
    const stored = await db('identity').query('SELECT pan_enc, aadhaar_enc FROM customers WHERE id = $1', [
      c.id,
    ]);
    assert.ok(!JSON.stringify(stored).includes(numbers.pan), 'PAN is encrypted at rest');
  });
});

describe('lender rules', () => {
  const RULES = `{ lenderRules { version rulesJson } }`;
  const UPDATE = `mutation($r: String!) { updateLenderRules(rulesJson: $r) { version rulesJson } }`;

  test('only a risk manager publishes a version; bad rules are a typed error and change nothing', async () => {
    const manager = (await staffUser(platform.gql, 'RISK_MANAGER')).token;
    const officer = (await staffUser(platform.gql, 'RISK_OFFICER')).token;
    const before = (await platform.gql(RULES, {}, manager)).data?.lenderRules;
    assert.ok(before?.version >= 1);
    const rules = JSON.parse(before.rulesJson) as { lenderCode: string; priority: number }[];
    const swapped = rules.map((r) => (r.lenderCode === 'GAMMA' ? { ...r, priority: 1 } : r));
    assert.equal(
      firstError(await platform.gql(UPDATE, { r: JSON.stringify(swapped) }, officer)),
      'FORBIDDEN',
    );
    for (const bad of [
      'not json',
      '[]',
      JSON.stringify([{ lenderCode: 'ALPHA', priority: 1, tenureMonths: { min: 9, max: 3 } }]),
    ]) {
      const r = await platform.gql(UPDATE, { r: bad }, manager);
      assert.equal(firstError(r), 'BAD_USER_INPUT', bad);
    }
    assert.equal(
      (await platform.gql(RULES, {}, manager)).data?.lenderRules.version,
      before.version,
      'nothing stored',
    );
    const published = await platform.gql(UPDATE, { r: JSON.stringify(swapped) }, manager);
    assert.equal(
      published.data?.updateLenderRules.version,
      before.version + 1,
      JSON.stringify(published.errors),
    );
    const order = await platform.gql(`{ lenders { code active priority connected } }`, {}, manager);
    assert.equal(order.data?.lenders[0].code, 'GAMMA', 'the new version is in force');
    assert.ok(order.data?.lenders.every((l: { connected: boolean }) => l.connected));
    assert.deepEqual(
      order.data?.lenders.at(-1),
      { code: 'DELTA', active: false, priority: null, connected: true },
      'a connector without rules is listed, out of the waterfall',
    );
    const event = await db('lenders').query(
      `SELECT payload FROM outbox WHERE type = 'lender.rules.published'`,
    );
    assert.equal(event.length, 1);
  });
});
