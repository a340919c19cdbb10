import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newEvent } from '../platform/events/envelope';
import { decryptPii } from '../platform/pii';
import { DEV_ADMIN } from '../scripts/seed';
import { onKycSubmitted } from '../subgraphs/applications/service';
import { applicationInput, CREATE, identityNumbers, KYC, kycInput, registerCustomer } from './helpers/flows';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
before(async () => {
  platform = await startTestPlatform();
});
after(async () => {
  await platform?.stop();
});

const db = (name: string) => platform.db(name);

test('a PAN or Aadhaar already on file for another customer is a CONFLICT, and nothing is stored', async () => {
  const first = await registerCustomer(platform.gql);
  const second = await registerCustomer(platform.gql, 'Ravi Kumar');
  const numbers = identityNumbers();
  assert.equal(
    (await platform.gql(KYC, { input: kycInput(numbers) }, first.token)).data?.submitKyc.kycStatus,
    'SUBMITTED',
  );

  const samePan = await platform.gql(
    KYC,
    { input: kycInput({ ...identityNumbers(), pan: numbers.pan }) },
    second.token,
  );
  assert.equal(firstError(samePan), 'CONFLICT');
  assert.doesNotMatch(JSON.stringify(samePan), new RegExp(first.id), 'the other customer is not named');
  const sameAadhaar = await platform.gql(
    KYC,
    { input: kycInput({ ...identityNumbers(), aadhaar: numbers.aadhaar }) },
    second.token,
  );
  assert.equal(firstError(sameAadhaar), 'CONFLICT');
  const row = await db('identity').query('SELECT kyc_status, pan_index FROM customers WHERE id = $1', [
    second.id,
  ]);
  assert.deepEqual(row, [{ kyc_status: 'NOT_SUBMITTED', pan_index: null }]);

  // The same customer may correct their own KYC data.
  const again = await platform.gql(KYC, { input: kycInput(numbers) }, first.token);
  assert.equal(again.data?.submitKyc.kycStatus, 'SUBMITTED');
});

test('concurrent submits of one application: exactly one wins, one SUBMIT on the timeline, one event', async () => {
  const c = await registerCustomer(platform.gql);
  const id = (await platform.gql(CREATE, { input: applicationInput() }, c.token)).data?.createApplication.id;
  const submit = `mutation($id: ID!) { submitApplication(id: $id) { status } }`;
  const results = await Promise.all(Array.from({ length: 6 }, () => platform.gql(submit, { id }, c.token)));
  const won = results.filter((r) => r.data?.submitApplication.status === 'SUBMITTED');
  assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.errors?.[0]?.extensions?.code ?? 'ok')));
  for (const r of results.filter((x) => !x.data)) {
    assert.ok(['CONFLICT', 'ILLEGAL_TRANSITION'].includes(firstError(r) ?? ''), firstError(r));
  }
  const submits = await db('applications').query(
    `SELECT count(*)::int n FROM timeline WHERE application_id = $1 AND action = 'SUBMIT'`,
    [id],
  );
  assert.equal(submits[0].n, 1);
  const events = await db('applications').query(
    `SELECT count(*)::int n FROM outbox WHERE subject = $1 AND type = 'application.submitted'`,
    [id],
  );
  assert.equal(events[0].n, 1);
});

test('profile update: validated, stored, and announced by field name only', async () => {
  const c = await registerCustomer(platform.gql);
  const UPDATE = `mutation($i: ProfileInput!) { updateProfile(input: $i) { fullName phone } }`;
  assert.equal(firstError(await platform.gql(UPDATE, { i: { phone: '12345' } }, c.token)), 'BAD_USER_INPUT');
  assert.equal(firstError(await platform.gql(UPDATE, { i: {} }, c.token)), 'BAD_USER_INPUT');
  const r = await platform.gql(UPDATE, { i: { fullName: 'Asha R. Rao', phone: '9123456789' } }, c.token);
  assert.deepEqual(r.data?.updateProfile, { fullName: 'Asha R. Rao', phone: '+919123456789' });
  const [event] = await db('identity').query(
    `SELECT payload FROM outbox WHERE type = 'customer.profile.updated' AND subject = $1`,
    [c.id],
  );
  assert.deepEqual(Object.keys(event.payload.data).sort(), ['customerId', 'fields', 'nameIndex']);
  assert.deepEqual(event.payload.data.fields, ['fullName', 'phone']);
  assert.doesNotMatch(JSON.stringify(event.payload), /9123456789|Asha R\. Rao/, 'no PII in the event');
  // The contact card travels too, but only encrypted: readable with the PII key, not on the wire.
  const [card] = await db('identity').query(
    `SELECT payload FROM outbox WHERE type = 'customer.contact.updated' AND subject = $1 ORDER BY seq DESC LIMIT 1`,
    [c.id],
  );
  assert.doesNotMatch(JSON.stringify(card.payload), /9123456789|Asha R\. Rao|@example/);
  assert.deepEqual(JSON.parse(decryptPii(card.payload.data.contact)), {
    name: 'Asha R. Rao',
    email: c.email,
    phone: '+919123456789',
  });
  const me = await platform.gql('{ me { fullName } }', {}, c.token);
  assert.equal(me.data?.me.fullName, 'Asha R. Rao');
});

test('the seeded admin signs in and sees every application; customers see only their own', async () => {
  const login = await platform.gql(
    `mutation($i: LoginInput!) { login(input: $i) { accessToken user { roles } } }`,
    {
      i: DEV_ADMIN,
    },
  );
  assert.deepEqual(login.data?.login.user.roles, ['ADMIN']);
  const a = await registerCustomer(platform.gql);
  const b = await registerCustomer(platform.gql);
  await platform.gql(CREATE, { input: applicationInput() }, a.token);
  await platform.gql(CREATE, { input: applicationInput() }, b.token);
  const mine = await platform.gql('{ myApplications { totalCount nodes { customer { id } } } }', {}, a.token);
  assert.ok(
    mine.data?.myApplications.nodes.every((n: { customer: { id: string } }) => n.customer.id === a.id),
  );
  const all = await platform.gql(
    '{ applications(page: { first: 100 }) { totalCount } }',
    {},
    login.data?.login.accessToken,
  );
  assert.ok(all.data?.applications.totalCount >= 2);
  const wrong = await platform.gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, {
    i: { email: DEV_ADMIN.email, password: 'wrong-password-123' },
  });
  assert.equal(firstError(wrong), 'UNAUTHENTICATED');
  assert.match(wrong.errors?.[0]?.message ?? '', /invalid e-mail or password/);
});

test('staff pages through applications with stable cursors', async () => {
  const c = await registerCustomer(platform.gql);
  for (let i = 0; i < 5; i++) await platform.gql(CREATE, { input: applicationInput() }, c.token);
  const admin = (
    await platform.gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: DEV_ADMIN })
  ).data?.login.accessToken;
  const PAGE = `query($after: String, $c: ID) { applications(filter: { customerId: $c }, page: { first: 2, after: $after }) {
    totalCount nodes { id } pageInfo { endCursor hasNextPage } } }`;
  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const r: any = await platform.gql(PAGE, { after, c: c.id }, admin);
    const page = r.data?.applications;
    assert.equal(page.totalCount, 5);
    seen.push(...page.nodes.map((n: { id: string }) => n.id));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  assert.equal(seen.length, 5);
  assert.equal(new Set(seen).size, 5);
  assert.equal(firstError(await platform.gql(PAGE, { after: 'garbage', c: c.id }, admin)), 'BAD_USER_INPUT');
});

test('an application cannot be submitted without a declared monthly income', async () => {
  const c = await registerCustomer(platform.gql);
  const id = (await platform.gql(CREATE, { input: applicationInput({ monthlyIncomeMinor: null }) }, c.token))
    .data?.createApplication.id;
  const submit = `mutation($id: ID!) { submitApplication(id: $id) { status } }`;
  const refused = await platform.gql(submit, { id }, c.token);
  assert.equal(firstError(refused), 'FAILED_PRECONDITION');
  assert.match(refused.errors?.[0]?.message ?? '', /monthly income/);
  await platform.gql(
    `mutation($id: ID!) { updateApplication(id: $id, input: { monthlyIncomeMinor: "9000000", collateralValueMinor: "90000000" }) { id } }`,
    { id },
    c.token,
  );
  assert.equal((await platform.gql(submit, { id }, c.token)).data?.submitApplication.status, 'SUBMITTED');
  const q = await platform.gql(
    `query($id: ID!) { application(id: $id) { monthlyIncome { minor } collateralValue { formatted } } }`,
    { id },
    c.token,
  );
  assert.deepEqual(q.data?.application, {
    monthlyIncome: { minor: '9000000' },
    collateralValue: { formatted: '₹9,00,000.00' },
  });
});

test('KYC that arrives while the customer creates an application is noted on it: neither side misses the other', async () => {
  // The rule broken before: the handler noted KYC on the applications it could see, the creation on the KYC
  // it could see, and two transactions at the same moment each missed the other's uncommitted row — the
  // application then never showed KYC_DATA_RECEIVED (a CI run of e2e.test.ts failed on exactly this).
  const c = await registerCustomer(platform.gql);
  const apps = db('applications');
  const event = newEvent({
    type: 'customer.kyc.submitted',
    source: '/test',
    subject: c.id,
    data: { customerId: c.id, submittedAt: new Date().toISOString(), piiKeyId: 'k1', panIndex: 'pan-index' },
  });
  const waitingForALock = async () =>
    Number(
      (
        await apps.query(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
      )[0].n,
    ) > 0;

  const handling = apps.createQueryRunner();
  await handling.startTransaction();
  let id: string | undefined;
  try {
    await onKycSubmitted(handling.manager, event);
    // The customer creates an application while the event's transaction is still open.
    const creating = platform.gql(CREATE, { input: applicationInput() }, c.token).then((r) => {
      id = r.data?.createApplication.id;
    });
    await eventually(async () => id ?? (await waitingForALock()));
    await handling.commitTransaction();
    await creating;
  } finally {
    await handling.release();
  }
  assert.ok(id, 'the application was created');
  const timeline = await apps.query('SELECT action FROM timeline WHERE application_id = $1', [id]);
  assert.ok(
    timeline.some((t: { action: string }) => t.action === 'KYC_DATA_RECEIVED'),
    JSON.stringify(timeline),
  );
});
