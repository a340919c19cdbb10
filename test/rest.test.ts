import './helpers/env';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ROUTES } from '../gateway/rest/routes';
import { RestStore } from '../gateway/rest/store';
import { startGateway } from '../gateway/server';
import { applicationInput, emailedLink, fixtures, kycInput, staffUser } from './helpers/flows';
import { KYC_CHECKLIST, latestOtp } from './helpers/lifecycle';
import { eventually, messagingUrl, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let api: string;

before(async () => {
  platform = await startTestPlatform();
  api = platform.gateway.url.replace(/\/graphql$/, '/api/v1');
});
after(async () => {
  await platform?.stop();
});

type Json = any;

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; key?: string; base?: string; apiKey?: string } = {},
) {
  const res = await fetch(`${options.base ?? api}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.key ? { 'idempotency-key': options.key } : {}),
      ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    headers: res.headers,
    body: (text ? JSON.parse(text) : undefined) as Json,
  };
}

/** A customer signed up over REST alone: register, the link from the e-mail, verify-email. */
async function signUp(body: Record<string, unknown>) {
  const started = await call('POST', '/customers/register', { body });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.equal(started.body.email, body.email);
  const link = await emailedLink(messagingUrl(), body.email as string, 'verify');
  const opened = await call('POST', '/auth/verify-email', { body: { token: link } });
  assert.equal(opened.status, 200, JSON.stringify(opened.body));
  return opened;
}

test('the OpenAPI document lists every declared route', async () => {
  const doc = await call('GET', '/openapi.json');
  assert.equal(doc.status, 200);
  assert.equal(doc.body.openapi, '3.1.0');
  const declared = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
  const documented = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
  assert.deepEqual(documented, declared);
  const page = await fetch(`${api}/docs`);
  assert.match(await page.text(), /swagger-ui-bundle\.js/);
  assert.equal((await fetch(`${api}/docs/swagger-ui-bundle.js`)).status, 200);
});

test('a customer registers, submits KYC and an application, and reads it back over REST', async () => {
  const email = `rest-${Date.now()}@example.com`;
  const reg = await signUp({
    email,
    password: 'correct-horse-battery',
    fullName: 'Rest Customer',
    phone: '+919812345678',
  });
  const token = reg.body.accessToken as string;
  const kyc = await call('POST', '/customers/kyc', { token, body: kycInput() });
  assert.equal(kyc.status, 200, JSON.stringify(kyc.body));
  assert.match(kyc.body.pan, /X/, 'masked');
  const created = await call('POST', '/applications', { token, body: applicationInput() });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  const submitted = await call('POST', `/applications/${id}/submit`, { token });
  assert.equal(submitted.body.status, 'SUBMITTED');
  const got = await call('GET', `/applications/${id}`, { token });
  assert.equal(got.body.amount.minor, '50000000');
  const timeline = await call('GET', `/applications/${id}/timeline`, { token });
  assert.ok(Array.isArray(timeline.body) && timeline.body.length >= 2);
});

test('refusals are problem details with a stable type, and change nothing', async () => {
  const problem = (r: Awaited<ReturnType<typeof call>>, status: number, type: string) => {
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.match(r.type, /^application\/problem\+json/);
    assert.equal(r.body.type, `/api/v1/problems/${type}`);
    assert.equal(r.body.status, status);
  };
  problem(await call('GET', '/no/such/route'), 404, 'not-found');
  problem(await call('GET', '/kyc/queue'), 401, 'unauthenticated');
  const reg = await signUp({
    email: `p-${Date.now()}@example.com`,
    password: 'correct-horse-battery',
    fullName: 'P C',
  });
  const token = reg.body.accessToken as string;
  problem(await call('GET', '/kyc/queue', { token }), 403, 'forbidden');
  const wrong = await call('DELETE', '/applications', { token });
  problem(wrong, 405, 'method-not-allowed');
  assert.equal(wrong.headers.get('allow'), 'POST');
  const bad = await call('POST', '/applications', {
    token,
    body: { ...applicationInput(), amountMinor: -5, extra: 1 },
  });
  problem(bad, 400, 'bad-user-input');
  assert.ok(bad.body.errors.length >= 1);
  const mine = await platform.gql('{ myApplications { totalCount } }', {}, token);
  assert.equal(mine.data?.myApplications.totalCount, 0, 'the refused application was not stored');
  problem(
    await call('GET', '/applications/00000000-0000-4000-8000-000000000000', { token }),
    404,
    'not-found',
  );
  const type = await call('GET', '/problems/not-found');
  assert.equal(type.body.status, 404);
});

test('an Idempotency-Key on a POST: the same request gets the first answer, another request a 422', async () => {
  const reg = await signUp({
    email: `i-${Date.now()}@example.com`,
    password: 'correct-horse-battery',
    fullName: 'Idem Potent',
  });
  const token = reg.body.accessToken as string;
  const key = `key-${Date.now()}`;
  const first = await call('POST', '/applications', { token, key, body: applicationInput() });
  assert.equal(first.status, 201);
  const again = await call('POST', '/applications', { token, key, body: applicationInput() });
  assert.equal(again.status, 201);
  assert.equal(again.body.id, first.body.id);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  const other = await call('POST', '/applications', {
    token,
    key,
    body: applicationInput({ tenureMonths: 24 }),
  });
  assert.equal(other.status, 422);
  assert.equal(other.body.type, '/api/v1/problems/failed-precondition');
  const mine = await platform.gql('{ myApplications { totalCount } }', {}, token);
  assert.equal(mine.data?.myApplications.totalCount, 1, 'one application for three requests');
  const short = await call('POST', '/applications', { token, key: 'short', body: applicationInput() });
  assert.equal(short.status, 400);
});

test('an Idempotency-Key held by a request that died is taken over once its lease ends, not 24 hours later', async () => {
  const store = await RestStore.open();
  try {
    const caller = `user:${randomUUID()}`;
    assert.equal((await store.claim(caller, 'died-key-1', 'hash-1')).kind, 'new');
    // The process died before settling: the key is held, for now.
    assert.equal((await store.claim(caller, 'died-key-1', 'hash-1')).kind, 'in-progress');
    await platform
      .db('identity')
      .query(
        `UPDATE gateway.idempotency_keys SET lease_until = now() - interval '1 second' WHERE caller = $1`,
        [caller],
      );
    assert.equal(
      (await store.claim(caller, 'died-key-1', 'hash-2')).kind,
      'mismatch',
      'another request still may not',
    );
    assert.equal(
      (await store.claim(caller, 'died-key-1', 'hash-1')).kind,
      'new',
      'the same request runs again',
    );
    assert.equal((await store.claim(caller, 'died-key-1', 'hash-1')).kind, 'in-progress', 'once');
    await store.settle(caller, 'died-key-1', 201, '{"id":"x"}');
    assert.deepEqual(await store.claim(caller, 'died-key-1', 'hash-1'), {
      kind: 'replay',
      status: 201,
      response: '{"id":"x"}',
    });
  } finally {
    await store.close();
  }
});

test('each caller has a budget per minute, told in RateLimit headers; beyond it a 429', async () => {
  const limited = await startGateway({
    port: 0,
    subgraphUrls: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
    restRatePerMinute: 3,
  });
  try {
    const base = limited.url.replace(/\/graphql$/, '/api/v1');
    // Set up through the main gateway: anonymous calls from this host share one budget (by IP).
    const admin = await staffUser(platform.gql, 'ADMIN');
    const partner = await staffUser(platform.gql, 'PARTNER');
    const token = partner.token;
    const issued = await call('POST', '/admin/api-keys', {
      token: admin.token,
      body: { userId: partner.id, name: 'Rate limited', roles: ['PARTNER'] },
    });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    // Seven requests against a budget of three: even if a minute turns over among them, one window
    // holds at least four.
    const replies: Awaited<ReturnType<typeof call>>[] = [];
    for (let i = 0; i < 7; i++)
      replies.push(await call('GET', '/notifications/preferences', { base, token }));
    const refused = replies.find((r) => r.status === 429);
    assert.ok(refused, JSON.stringify(replies.map((r) => r.status)));
    assert.equal(refused.headers.get('ratelimit-limit'), '3');
    assert.equal(refused.headers.get('ratelimit-remaining'), '0');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal(refused.body.type, '/api/v1/problems/rate-limited');
    assert.equal(replies[0]?.headers.get('ratelimit-remaining'), '2');
    // The account's API key has a budget of its own.
    const byKey = await call('GET', '/notifications/preferences', { base, apiKey: issued.body.key });
    assert.equal(byKey.status, 200, JSON.stringify(byKey.body));
    assert.equal(byKey.headers.get('ratelimit-remaining'), '2');
  } finally {
    await limited.stop();
  }
});

test('partner API keys: issued by an admin and shown once, kept hashed, scoped to roles, revocable', async () => {
  const admin = await staffUser(platform.gql, 'ADMIN');
  const partner = await staffUser(platform.gql, ['PARTNER', 'KYC_OFFICER']);
  const issue = (roles: string[]) =>
    call('POST', '/admin/api-keys', {
      token: admin.token,
      body: { userId: partner.id, name: 'Acme checkout', roles },
    });
  const narrow = await issue(['PARTNER']);
  assert.equal(narrow.status, 201, JSON.stringify(narrow.body));
  const key = narrow.body.key as string;
  assert.match(key, /^lfk_[A-Za-z0-9_-]{43}$/);
  assert.ok(key.startsWith(narrow.body.apiKey.prefix));
  const stored = await platform
    .db('identity')
    .query('SELECT * FROM api_keys WHERE id = $1', [narrow.body.apiKey.id]);
  assert.equal(stored[0].key_hash, createHash('sha256').update(key).digest('hex'));
  assert.ok(!JSON.stringify(stored).includes(key.slice(12)), 'the key itself is not stored');

  // The key acts as the account, with only the roles it was given.
  const forbidden = await call('GET', '/kyc/queue', { apiKey: key });
  assert.equal(forbidden.status, 403, JSON.stringify(forbidden.body));
  const officerKey = (await issue(['KYC_OFFICER'])).body.key as string;
  const queue = await call('GET', '/kyc/queue', { apiKey: officerKey });
  assert.equal(queue.status, 200, JSON.stringify(queue.body));
  const beyond = await issue(['ADMIN']);
  assert.equal(beyond.status, 400);
  assert.match(beyond.body.detail, /does not have ADMIN/);
  assert.equal((await issue(['CUSTOMER'])).status, 400);
  const asPartner = await call('POST', '/admin/api-keys', {
    apiKey: key,
    body: { userId: partner.id, name: 'Self issued', roles: ['PARTNER'] },
  });
  assert.equal(asPartner.status, 403, 'only an admin issues keys');

  const unknown = await call('GET', '/kyc/queue', { apiKey: `lfk_${'A'.repeat(43)}` });
  assert.equal(unknown.status, 401);
  assert.equal(unknown.body.type, '/api/v1/problems/unauthenticated');
  // With both, the key decides: the account's token (which has KYC_OFFICER) does not widen a PARTNER key.
  const both = await call('GET', '/kyc/queue', { apiKey: key, token: partner.token });
  assert.equal(both.status, 403);

  const listed = await call('GET', `/admin/api-keys?userId=${partner.id}`, { token: admin.token });
  assert.equal(listed.body.totalCount, 2);
  assert.ok(listed.body.nodes.every((k: Json) => !('key' in k) && k.lastUsedAt !== undefined));

  // Revoked: refused at once by a gateway that had the key cached (the revocation travels as an event).
  const officerKeyId = listed.body.nodes.find((k: Json) => k.roles[0] === 'KYC_OFFICER').id as string;
  const revoked = await call('DELETE', `/admin/api-keys/${officerKeyId}`, { token: admin.token });
  assert.equal(revoked.status, 200);
  assert.ok(revoked.body.revokedAt);
  // Well within API_KEY_CACHE_SECONDS (30 s), so it is the event, not the cache running out.
  await eventually(
    async () => (await call('GET', '/kyc/queue', { apiKey: officerKey })).status === 401,
    15_000,
  );
  const remaining = await call('GET', `/admin/api-keys?userId=${partner.id}`, { token: admin.token });
  assert.equal(remaining.body.totalCount, 1);
  const all = await call('GET', `/admin/api-keys?userId=${partner.id}&includeRevoked=true`, {
    token: admin.token,
  });
  assert.equal(all.body.totalCount, 2);
});

/** A multipart upload to the REST shim, as a partner's HTTP client sends it. */
async function uploadOverRest(
  token: string,
  applicationId: string,
  type: string,
  bytes: Buffer,
  key?: string,
) {
  const form = new FormData();
  form.set('applicationId', applicationId);
  form.set('type', type);
  form.set('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), `${type}.pdf`);
  const res = await fetch(`${api}/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

// The acceptance walk: one loan from registration to closure, every step through /api/v1 only (staff
// included: the seeded admin signs in, creates the staff accounts and issues the collections desk a key).
test('contract: a loan from registration to closure through the REST shim alone', async () => {
  const ok = (r: Awaited<ReturnType<typeof call>>, status = 200) => {
    assert.equal(r.status, status, `${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const { DEV_ADMIN } = await import('../scripts/seed');
  const admin = ok(await call('POST', '/auth/login', { body: DEV_ADMIN })).accessToken as string;
  const staff = async (role: string) => {
    const email = `${role.toLowerCase()}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@bank.test`;
    const password = 'staff-password-123';
    const user = ok(
      await call('POST', '/admin/users', {
        token: admin,
        body: { email, password, fullName: `REST ${role}`, roles: [role] },
      }),
      201,
    );
    const token = ok(await call('POST', '/auth/login', { body: { email, password } })).accessToken as string;
    return { id: user.id as string, token };
  };
  const [kycOfficer, kycManager, riskOfficer, riskManager, approver, manager] = await Promise.all(
    ['KYC_OFFICER', 'KYC_MANAGER', 'RISK_OFFICER', 'RISK_MANAGER', 'INTERNAL_APPROVER', 'MANAGER'].map(staff),
  );
  const collections = ok(
    await call('POST', '/admin/api-keys', {
      token: admin,
      body: { userId: manager?.id, name: 'Collections desk', roles: ['MANAGER'] },
    }),
    201,
  ).key as string;

  // The customer: account, KYC data, application, documents, submission.
  const phone = `9${String(Date.now()).slice(-9)}`;
  const customer = (
    await signUp({
      email: `walk-${Date.now()}@example.com`,
      password: 'correct-horse-battery',
      fullName: 'Walk Customer',
      phone,
    })
  ).body;
  const token = customer.accessToken as string;
  ok(await call('POST', '/customers/kyc', { token, body: kycInput() }));
  const app = ok(
    await call('POST', '/applications', { token, key: `create-${Date.now()}`, body: applicationInput() }),
    201,
  );
  const id = app.id as string;
  const pan = fixtures.pdf();
  // Documents learns of the application by its event: the first upload may come before it.
  const first = await eventually(async () => {
    const r = await uploadOverRest(token, id, 'PAN_CARD', pan);
    return r.status === 404 ? undefined : r;
  });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.equal(first.body.type, 'PAN_CARD');
  const again = await uploadOverRest(token, id, 'PAN_CARD', pan);
  assert.equal(again.status, 200, 'the same file is the same document');
  assert.equal(again.body.id, first.body.id);
  const wrong = await uploadOverRest(token, id, 'ITR', fixtures.pdf());
  const deleted = ok(await call('DELETE', `/documents/${wrong.body.id}`, { token }));
  assert.equal(deleted.status, 'DELETED');
  assert.equal((await call('DELETE', `/documents/${wrong.body.id}`, { token })).status, 409, 'only once');
  for (const type of ['AADHAAR', 'BANK_STATEMENT', 'ITR']) {
    assert.equal((await uploadOverRest(token, id, type, fixtures.pdf(), `upload-${type}-${id}`)).status, 201);
  }
  const docs = ok(await call('GET', `/applications/${id}/documents?latestOnly=true`, { token }));
  assert.deepEqual(docs.map((d: Json) => d.type).sort(), ['AADHAAR', 'BANK_STATEMENT', 'ITR', 'PAN_CARD']);
  assert.equal(ok(await call('POST', `/applications/${id}/submit`, { token })).status, 'SUBMITTED');

  // KYC: the manager assigns the review, the officer verifies, the manager approves.
  const review = await eventually(async () => {
    const q = ok(await call('GET', '/kyc/queue?first=100', { token: kycManager?.token }));
    return q.nodes.find((n: Json) => n.application.id === id);
  }, 30_000);
  ok(
    await call('POST', `/kyc/${review.id}/assign`, {
      token: kycManager?.token,
      body: { officerId: kycOfficer?.id },
    }),
  );
  const checklist = KYC_CHECKLIST;
  await eventually(
    async () =>
      (await call('POST', `/kyc/${review.id}/verify`, { token: kycOfficer?.token, body: { checklist } }))
        .status === 200,
  );
  const kyc = ok(
    await call('POST', `/kyc/${review.id}/decision`, {
      token: kycManager?.token,
      body: { approve: true, reason: 'customer and project verified' },
    }),
  );
  assert.equal(kyc.status, 'APPROVED');

  // Risk: the automatic assessment, then the manager's decision.
  await eventually(async () => {
    const r = await call('GET', `/risk/${id}/report`, { token: riskOfficer?.token });
    return r.status === 200 && ['COMPLETED', 'MANUAL_REVIEW'].includes(r.body.status);
  }, 30_000);
  ok(
    await call('POST', `/risk/${id}/decision`, {
      token: riskManager?.token,
      body: { approve: true, reason: 'within appetite' },
    }),
  );
  const status = (want: string) =>
    eventually(
      async () => (await call('GET', `/applications/${id}`, { token })).body.status === want,
      30_000,
    );
  await status('OFFER');

  // The offer, accepted; two approval levels (below the committee threshold).
  const offer = ok(
    await call('POST', `/discussion/${id}/offer`, {
      token: riskOfficer?.token,
      body: {
        amount: '40000000',
        annualRateBps: 1350,
        tenureMonths: 36,
        processingFee: '400000',
        validUntil: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    }),
    201,
  );
  assert.equal(ok(await call('POST', `/discussion/offers/${offer.id}/accept`, { token })).status, 'ACCEPTED');
  await status('APPROVAL');
  await eventually(
    async () =>
      (
        await call('POST', `/approval/${id}/internal`, {
          token: approver?.token,
          body: { approve: true, comment: 'in order' },
        })
      ).status === 200,
  );
  ok(
    await call('POST', `/approval/${id}/management`, {
      token: manager?.token,
      body: { approve: true, comment: 'in order' },
    }),
  );

  // The agreement: generated on request, signed with the code texted to the customer.
  const agreement = await eventually(async () => {
    const r = await call('POST', `/agreement/${id}/generate`, { token });
    return r.status === 200 && r.body.status === 'GENERATED' ? r.body : undefined;
  }, 30_000);
  ok(await call('POST', `/agreement/${agreement.id}/esign`, { token }));
  const otp = await eventually(() => latestOtp(platform.notifyUrl ?? '', `+91${phone}`));
  assert.equal(
    ok(await call('POST', `/agreement/${agreement.id}/esign/confirm`, { token, body: { otp } })).status,
    'SIGNED',
  );
  await status('ACTIVE');
  const loanId = ok(await call('GET', `/applications/${id}`, { token })).loan.id as string;
  const schedule = ok(await call('GET', `/activation/${loanId}/schedule`, { token }));
  assert.equal(schedule.length, 36);
  assert.equal(ok(await call('GET', `/activation/${loanId}/account`, { token })).bucket, 'CURRENT');

  // Closure: pay the foreclosure quote, the collections desk (by API key) verifies, the loan closes.
  const quote = ok(await call('GET', `/loans/${loanId}/foreclosure-quote`, { token }));
  const early = await call('POST', `/loans/${loanId}/close`, { token });
  assert.equal(early.status, 422, 'not while money is owed');
  assert.match(early.body.detail, /still owed/);
  const payment = ok(
    await call('POST', '/payments', {
      token,
      key: `foreclose-${loanId}`,
      body: {
        loanId,
        amount: quote.total.minor,
        method: 'UPI',
        purpose: 'FORECLOSURE',
        reference: 'UPI-REST-1',
      },
    }),
    201,
  );
  const verified = await fetch(`${api}/payments/${payment.id}/verify`, {
    method: 'POST',
    headers: { 'x-api-key': collections, 'content-type': 'application/json' },
    body: JSON.stringify({ accept: true, reason: 'credited in the bank statement' }),
  });
  assert.equal(verified.status, 200, await verified.text());
  await status('CLOSED');
  const closed = await eventually(async () => {
    const r = ok(await call('POST', `/loans/${loanId}/close`, { token }));
    return r.noDuesCertificate ? r : undefined;
  }, 30_000);
  assert.equal(closed.status, 'CLOSED');
  assert.equal(closed.closureReason, 'FORECLOSED');
  assert.deepEqual(
    ok(await call('GET', `/payments/${loanId}/history`, { token })).map((p: Json) => p.status),
    ['VERIFIED'],
  );

  // The back office sees it.
  const book = ok(await call('GET', '/admin/loans?status=CLOSED&first=100', { token: admin }));
  assert.ok(book.nodes.some((l: Json) => l.id === loanId));
  const dashboard = ok(await call('GET', '/admin/dashboard', { token: admin }));
  assert.ok(dashboard.applicationsByStatus.some((s: Json) => s.status === 'CLOSED' && s.count >= 1));
  assert.ok(dashboard.loansByStatus.some((s: Json) => s.status === 'CLOSED' && s.count >= 1));
});

test('operations: /health/{service} per service, /metrics for admins in Prometheus text', async () => {
  const gateway = await call('GET', '/health/gateway');
  assert.deepEqual([gateway.status, gateway.body.status], [200, 'ok']);
  const loans = await call('GET', '/health/loans');
  assert.deepEqual(loans.body, { status: 'ready', service: 'loans' });
  assert.equal((await call('GET', '/health/nothing')).status, 400, 'not a service name');
  const admin = await staffUser(platform.gql, 'ADMIN');
  const forbidden = await call('GET', '/metrics', {
    token: (await staffUser(platform.gql, 'MANAGER')).token,
  });
  assert.equal(forbidden.status, 403);
  const res = await fetch(`${api}/metrics`, { headers: { authorization: `Bearer ${admin.token}` } });
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await res.text();
  assert.match(
    text,
    /loanflow_http_requests_total\{service="gateway",route="\/api\/v1\/health\/\{service\}",method="GET",status="200"\} \d+/,
  );
  assert.match(text, /loanflow_process_cpu_seconds_total/);
});
