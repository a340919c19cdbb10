import './helpers/env';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ROUTES } from '../gateway/rest/routes';
import { RestStore } from '../gateway/rest/store';
import { startGateway } from '../gateway/server';
import { applicationInput, emailedLink, kycInput, staffUser } from './helpers/flows';
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

test('a path one route names literally is that route: DELETE /documents/upload is a 405, not a document id', async () => {
  const r = await call('DELETE', '/documents/upload');
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'POST');
});
