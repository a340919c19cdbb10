// The seed's API table walked as a partner reads it: every row called with its own method and path (the
// endpoint text of docs/api-table.tsv, which gateway/rest/routes.test.ts checks word for word against the
// seed), staff rows with partner API keys, customer rows with the customer's bearer token. One loan goes
// from registration to closure and a second application is declined; at the end every row has answered
// with success at least once.
import './helpers/env';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applicationInput, emailedLink, fixtures, kycInput } from './helpers/flows';
import { KYC_CHECKLIST, latestOtp } from './helpers/lifecycle';
import { eventually, messagingUrl, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let origin: string;

before(async () => {
  platform = await startTestPlatform();
  origin = new URL(platform.gateway.url).origin;
});
after(async () => {
  await platform?.stop();
});

type Json = any;
/** Who calls: nobody, a bearer token, or a partner API key. */
type As = { token?: string; apiKey?: string };

const ROWS = readFileSync(join(__dirname, '..', 'docs', 'api-table.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [method, endpoint] = l.split('\t');
    return `${method} ${endpoint}`;
  });
const answered = new Set<string>();

/**
 * Calls one row of the table: `row` must be the table's own "METHOD endpoint" text; its {parameters} are
 * filled from `params`. A success marks the row walked.
 */
async function call(
  row: string,
  params: Record<string, string>,
  as: As,
  options: { body?: unknown; form?: FormData; key?: string } = {},
) {
  assert.ok(ROWS.includes(row), `not a row of the table: ${row}`);
  const [method, endpoint] = row.split(' ') as [string, string];
  const path = endpoint.replace(/\{(\w+)\}/g, (_, name: string) => {
    assert.ok(params[name], `${row}: no value for {${name}}`);
    return encodeURIComponent(params[name] as string);
  });
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(as.token ? { authorization: `Bearer ${as.token}` } : {}),
      ...(as.apiKey ? { 'x-api-key': as.apiKey } : {}),
      ...(options.key ? { 'idempotency-key': options.key } : {}),
    },
    body: options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') && text ? JSON.parse(text) : text;
  if (res.ok) answered.add(row);
  return { status: res.status, body: body as Json };
}

/** The same, and the answer must be a success. */
async function ok(...args: Parameters<typeof call>) {
  const r = await call(...args);
  assert.ok(r.status >= 200 && r.status < 300, `${args[0]}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Json;
}

/** Our own routes (not rows of the table) a partner needs between rows: under /api/v1, as the caller. */
async function ours(method: string, path: string, as: As, body?: unknown) {
  const res = await fetch(`${origin}/api/v1${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(as.token ? { authorization: `Bearer ${as.token}` } : {}),
      ...(as.apiKey ? { 'x-api-key': as.apiKey } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Json;
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const upload = (applicationId: string, type: string, bytes = fixtures.pdf()) => {
  const form = new FormData();
  form.set('applicationId', applicationId);
  form.set('type', type);
  form.set('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), `${type}.pdf`);
  return form;
};

test('a partner walks every row of the seed’s API table, as written, to a closed loan', async () => {
  // The back office: the seeded admin signs in (a row), creates each desk's account and gives it a key.
  const { DEV_ADMIN } = await import('../scripts/seed');
  const adminToken = (await ok('POST /api/v1/auth/login', {}, {}, { body: DEV_ADMIN })).accessToken as string;
  const desk = async (role: string) => {
    const email = `${role.toLowerCase()}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@partner.test`;
    const user = await ours(
      'POST',
      '/admin/users',
      { token: adminToken },
      {
        email,
        password: 'staff-password-123',
        fullName: `Partner ${role}`,
        roles: [role],
      },
    );
    const issued = await ours(
      'POST',
      '/admin/api-keys',
      { token: adminToken },
      {
        userId: user.id,
        name: `${role} desk`,
        roles: [role],
      },
    );
    return { id: user.id as string, apiKey: issued.key as string };
  };
  const [kycOfficer, kycManager, riskOfficer, riskManager, internal, manager, creditHead, admin] =
    await Promise.all(
      [
        'KYC_OFFICER',
        'KYC_MANAGER',
        'RISK_OFFICER',
        'RISK_MANAGER',
        'INTERNAL_APPROVER',
        'MANAGER',
        'CREDIT_HEAD',
        'ADMIN',
      ].map(desk),
    );
  const key = (d: { apiKey: string }): As => ({ apiKey: d.apiKey });

  // The customer registers (a row), opens the account from the e-mail, and signs in (a row).
  const email = `table-${Date.now()}@example.com`;
  const password = 'correct-horse-battery';
  const phone = `9${String(Date.now()).slice(-9)}`;
  await ok(
    'POST /api/v1/customers/register',
    {},
    {},
    { body: { email, password, fullName: 'Table Walker', phone } },
  );
  await ours('POST', '/auth/verify-email', {}, { token: await emailedLink(messagingUrl(), email, 'verify') });
  const login = await ok('POST /api/v1/auth/login', {}, {}, { body: { email, password } });
  const me: As = { token: login.accessToken };
  const customerId = login.user.id as string;
  assert.equal(
    (await ok('GET /api/v1/customers/{id}/profile', { id: customerId }, me)).kycStatus,
    'NOT_SUBMITTED',
  );
  await ok('PUT /api/v1/customers/{id}/kyc', { id: customerId }, me, { body: kycInput() });
  assert.equal(
    (await ok('GET /api/v1/customers/{id}/profile', { id: customerId }, me)).kycStatus,
    'SUBMITTED',
  );

  // Two applications: A (above the committee threshold, so all three approval levels) becomes a loan; B is declined.
  const income = { monthlyIncomeMinor: '200000000' };
  const a = (
    await ok('POST /api/v1/applications', {}, me, {
      body: applicationInput({ amountMinor: '300000000', ...income }),
    })
  ).id as string;
  const b = (await ok('POST /api/v1/applications', {}, me, { body: applicationInput(income) })).id as string;
  assert.equal((await ok('GET /api/v1/applications/{id}', { id: a }, me)).status, 'DRAFT');
  const pan = fixtures.pdf();
  // Documents learns of the application by its event: the first upload may come before it.
  await eventually(
    async () =>
      (await call('POST /api/v1/documents/upload', {}, me, { form: upload(a, 'PAN_CARD', pan) })).status ===
      201,
  );
  await ok('POST /api/v1/documents/upload', {}, me, { form: upload(a, 'ITR') });
  const docs = await ok('GET /api/v1/documents/{appId}/list', { appId: a }, me);
  const itr = docs.find((d: Json) => d.type === 'ITR');
  assert.equal((await ok('DELETE /api/v1/documents/{docId}', { docId: itr.id }, me)).status, 'DELETED');
  assert.equal(
    (await call('DELETE /api/v1/documents/{docId}', { docId: itr.id }, me)).status,
    409,
    'only once',
  );
  const again = await call('POST /api/v1/documents/upload', {}, me, { form: upload(a, 'PAN_CARD', pan) });
  assert.equal(again.status, 200, 'the same file again is the document already there');
  for (const id of [a, b]) await ours('POST', `/applications/${id}/submit`, me);
  assert.ok((await ok('GET /api/v1/applications/{id}/timeline', { id: a }, me)).length >= 2);

  // KYC by application id: queue, assign, verify, decide.
  for (const id of [a, b]) {
    await eventually(async () => {
      const q = await ok('GET /api/v1/kyc/queue', {}, key(kycOfficer));
      return q.nodes.some((n: Json) => n.application.id === id);
    }, 30_000);
    await ok('POST /api/v1/kyc/{appId}/assign', { appId: id }, key(kycManager), {
      body: { officerId: kycOfficer.id },
    });
    await eventually(
      async () =>
        (
          await call('PUT /api/v1/kyc/{appId}/verify', { appId: id }, key(kycOfficer), {
            body: { checklist: KYC_CHECKLIST },
          })
        ).status === 200,
    );
    const decided = await ok('POST /api/v1/kyc/{appId}/decision', { appId: id }, key(kycManager), {
      body: { approve: true, reason: 'customer and project verified' },
    });
    assert.equal(decided.status, 'APPROVED');
  }

  // Risk: the assessment (run again on request), the report, the risk manager's decision; then an offer.
  const status = (id: string, want: string) =>
    eventually(async () => (await ok('GET /api/v1/applications/{id}', { id }, me)).status === want, 30_000);
  for (const id of [a, b]) {
    await eventually(async () => {
      const r = await call('GET /api/v1/risk/{appId}/report', { appId: id }, key(riskOfficer));
      return r.status === 200 && ['COMPLETED', 'MANUAL_REVIEW'].includes(r.body.status);
    }, 30_000);
    await ok('POST /api/v1/risk/{appId}/assess', { appId: id }, key(riskOfficer));
    await eventually(async () => {
      const r = await call('POST /api/v1/risk/{appId}/decision', { appId: id }, key(riskManager), {
        body: { approve: true, reason: 'within appetite' },
      });
      return r.status === 200;
    }, 30_000);
    await status(id, 'OFFER');
    await ok('POST /api/v1/discussion/{appId}/offer', { appId: id }, key(riskOfficer), {
      body: {
        amount: id === a ? '300000000' : '40000000',
        annualRateBps: 1350,
        tenureMonths: 36,
        processingFee: '400000',
        validUntil: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    });
  }
  assert.equal(
    (
      await ok('POST /api/v1/discussion/{appId}/decline', { appId: b }, me, {
        body: { reason: 'rate too high for me' },
      })
    ).status,
    'DECLINED',
  );
  assert.equal((await ok('POST /api/v1/discussion/{appId}/accept', { appId: a }, me)).status, 'ACCEPTED');
  await status(b, 'DECLINED');

  // Approvals: internal, management, and the credit committee's final decision.
  await status(a, 'APPROVAL');
  const approve = { approve: true, comment: 'in order' };
  await eventually(
    async () =>
      (await call('POST /api/v1/approval/{appId}/internal', { appId: a }, key(internal), { body: approve }))
        .status === 200,
  );
  await ok('POST /api/v1/approval/{appId}/management', { appId: a }, key(manager), { body: approve });
  await ok('POST /api/v1/approval/{appId}/final', { appId: a }, key(creditHead), { body: approve });

  // The agreement: generated, a manually signed copy uploaded (loan operations send it back), then e-signed.
  await eventually(async () => {
    const r = await call('POST /api/v1/agreement/{appId}/generate', { appId: a }, key(admin));
    return r.status === 200 && r.body.status === 'GENERATED';
  }, 30_000);
  await ok('POST /api/v1/agreement/{appId}/esign', { appId: a }, me);
  const signedCopy = (
    await ok('POST /api/v1/documents/upload', {}, me, { form: upload(a, 'SIGNED_AGREEMENT') })
  ).id as string;
  await eventually(
    async () =>
      (
        await call('POST /api/v1/agreement/{appId}/upload', { appId: a }, me, {
          body: { documentId: signedCopy },
        })
      ).status === 200,
  );
  await ours('POST', `/agreement/${a}/upload/verify`, key(manager), {
    accept: false,
    reason: 'the copy is not legible',
  });
  await ok('POST /api/v1/agreement/{appId}/esign', { appId: a }, me);
  const otp = await eventually(() => latestOtp(platform.notifyUrl ?? '', `+91${phone}`));
  assert.equal((await ours('POST', `/agreement/${a}/esign/confirm`, me, { otp })).status, 'SIGNED');

  // Activation (automatic on signing; asking again answers the same loan), the schedule and the account.
  const loan = await eventually(async () => {
    const r = await call('POST /api/v1/activation/{appId}/trigger', { appId: a }, key(admin));
    return r.status === 200 && r.body.status === 'ACTIVE' ? r.body : undefined;
  }, 30_000);
  const loanId = loan.id as string;
  assert.equal((await ok('GET /api/v1/activation/{loanId}/schedule', { loanId }, me)).length, 36);
  assert.equal((await ok('GET /api/v1/activation/{loanId}/account', { loanId }, me)).bucket, 'CURRENT');
  const owed = await ok('GET /api/v1/payments/{loanId}/outstanding', { loanId }, me);
  assert.ok(owed.nextDueDate && BigInt(owed.nextDueAmount.minor) > 0n, JSON.stringify(owed));

  // Repayment in full: the foreclosure quote paid, its receipt attached, verified; the loan closes.
  const early = await call('POST /api/v1/loans/{loanId}/close', { loanId }, key(admin));
  assert.equal(early.status, 422, 'not while money is owed');
  assert.match(early.body.detail, /still owed/);
  const quote = await ours('GET', `/loans/${loanId}/foreclosure-quote`, me);
  const payment = await ok('POST /api/v1/payments', {}, me, {
    key: `table-foreclose-${loanId}`,
    body: {
      loanId,
      amount: quote.total.minor,
      method: 'UPI',
      purpose: 'FORECLOSURE',
      reference: 'UPI-TABLE-1',
    },
  });
  const receipt = (await ok('POST /api/v1/documents/upload', {}, me, { form: upload(a, 'PAYMENT_PROOF') }))
    .id as string;
  await eventually(
    async () =>
      (
        await call('POST /api/v1/payments/{payId}/proof', { payId: payment.id }, me, {
          body: { documentId: receipt },
        })
      ).status === 200,
  );
  await ours('POST', `/payments/${payment.id}/verify`, key(manager), {
    accept: true,
    reason: 'credited in the bank statement',
  });
  assert.deepEqual(
    (await ok('GET /api/v1/payments/{loanId}/history', { loanId }, me)).map((p: Json) => p.status),
    ['VERIFIED'],
  );
  const closed = await eventually(async () => {
    const r = await call('POST /api/v1/loans/{loanId}/close', { loanId }, key(admin));
    return r.status === 200 && r.body.noDuesCertificate ? r.body : undefined;
  }, 30_000);
  assert.equal(closed.closureReason, 'FORECLOSED');

  // Notifications: the inbox, one marked read, the channels chosen.
  const inbox = await eventually(async () => {
    const r = await ok('GET /api/v1/notifications/inbox', {}, me);
    return r.items.length ? r : undefined;
  });
  assert.equal((await ok('PATCH /api/v1/notifications/{id}/read', { id: inbox.items[0].id }, me)).read, true);
  await ok('PUT /api/v1/notifications/preferences', {}, me, {
    body: { preferences: [{ category: 'PAYMENT', email: true, sms: false, push: false, inApp: true }] },
  });

  // The back office and operations.
  const book = await ok('GET /api/v1/admin/loans', {}, key(admin));
  assert.ok(book.nodes.some((l: Json) => l.id === loanId));
  const dashboard = await ok('GET /api/v1/admin/reports/dashboard', {}, key(admin));
  assert.ok(dashboard.loansByStatus.some((s: Json) => s.status === 'CLOSED'));
  assert.equal((await ok('GET /health/{service}', { service: 'loans' }, {})).status, 'ready');
  assert.match(await ok('GET /metrics', {}, key(admin)), /loanflow_http_requests_total/);

  // The session: refreshed with the refresh token, then ended.
  const refreshed = await ok(
    'POST /api/v1/auth/refresh',
    {},
    {},
    { body: { refreshToken: login.refreshToken } },
  );
  await ok(
    'POST /api/v1/auth/logout',
    {},
    { token: refreshed.accessToken },
    { body: { refreshToken: refreshed.refreshToken } },
  );

  assert.deepEqual(
    ROWS.filter((r) => !answered.has(r)),
    [],
    'every row of the table answered with success',
  );
});
