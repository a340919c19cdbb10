// Clients as they really come (issue 18): GraphQL over HTTP, graphql-ws and REST at their edges — what a
// client written apart from the project sends, and what the protocols say the answer is.
import './helpers/env';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { auditServer } from 'graphql-http';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startGateway } from '../gateway/server';
import { openapiSpecValidator } from '../infra/pypi';
import { capture } from '../infra/util';
import { registerCustomer, staffUser, submittedApplication } from './helpers/flows';
import { startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
before(async () => {
  platform = await startTestPlatform();
});
after(async () => {
  await platform?.stop();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(platform.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

test('graphql-http’s GraphQL-over-HTTP audit: every MUST passes, for a staff caller and for one not signed in', async () => {
  const admin = await staffUser(platform.gql, 'ADMIN');
  for (const token of [admin.token, undefined]) {
    const results = await auditServer({
      url: platform.gateway.url,
      fetchFn: (input: string | URL | Request, init: RequestInit = {}) => {
        const headers = new Headers(init.headers);
        if (token) headers.set('authorization', `Bearer ${token}`);
        return fetch(input, { ...init, headers });
      },
    });
    const failed = results.filter((r) => r.status === 'error');
    if (token)
      assert.deepEqual(
        failed.map((r) => r.name),
        [],
        'staff',
      );
    else {
      // The one documented exception: a few audits ask `__type(...)`, introspection, which is for staff
      // only (403); everything else passes for a caller who is not signed in too.
      for (const r of failed) assert.equal('response' in r && r.response.status, 403, r.name);
      assert.ok(failed.length <= 3, failed.map((r) => r.name).join('; '));
    }
    assert.ok(results.length > 40, `${results.length} audits ran`);
  }
});

test('a document with several operations needs a name that matches one: a 400 in graphql-js’s words, never a 500', async () => {
  const query = 'query A { __typename } query B { __typename }';
  const unnamed = await post({ query });
  assert.equal(unnamed.status, 400, JSON.stringify(unnamed.body));
  assert.equal(
    unnamed.body.errors[0].message,
    'Must provide operation name if query contains multiple operations.',
  );
  const unknown = await post({ query, operationName: 'C' });
  assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
  assert.equal(unknown.body.errors[0].message, 'Unknown operation named "C".');
  const named = await post({ query, operationName: 'B' });
  assert.equal(named.status, 200, JSON.stringify(named.body));
  assert.deepEqual(named.body.data, { __typename: 'Query' });
});

test('automatic persisted queries: a wrong hash or version is the client’s error with its meaning, not an internal one', async () => {
  const query = '{ __typename }';
  const sha256Hash = createHash('sha256').update(query).digest('hex');
  const wrongHash = await post({
    query,
    extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } },
  });
  assert.equal(wrongHash.status, 400);
  assert.deepEqual(wrongHash.body.errors[0], {
    message: 'provided sha does not match query',
    extensions: { code: 'BAD_REQUEST' },
  });
  const wrongVersion = await post({ query, extensions: { persistedQuery: { version: 2, sha256Hash } } });
  assert.equal(wrongVersion.status, 400);
  assert.equal(wrongVersion.body.errors[0].message, 'Unsupported persisted query version');
  assert.equal(wrongVersion.body.errors[0].extensions.code, 'BAD_REQUEST');
  const unknown = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
  assert.equal(unknown.body.errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND');
});

test('a 401 from /graphql names the scheme to use (RFC 9110 WWW-Authenticate), as REST does', async () => {
  const r = await post({ query: '{ __typename }' }, { authorization: 'Bearer not-a-token' });
  assert.equal(r.status, 401);
  assert.equal(r.headers.get('www-authenticate'), 'Bearer');
});

test('over graphql-ws a query or mutation is refused with a clear error; a subscription on the same socket still delivers', async () => {
  const officer = await staffUser(platform.gql, 'KYC_OFFICER');
  const client = createClient({
    url: platform.gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${officer.token}` },
  });
  try {
    const refused = await new Promise<string>((resolve) => {
      client.subscribe(
        { query: '{ me { id } }' },
        {
          next: (v) => resolve(`next: ${JSON.stringify(v)}`),
          error: (e) => resolve((e as { message: string }[])[0]?.message ?? String(e)),
          complete: () => resolve('complete'),
        },
      );
    });
    assert.match(refused, /queries and mutations are served over HTTP/);
    const pushed = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no push')), 30_000);
      client.subscribe(
        { query: 'subscription { kycQueueChanged { type applicationId } }' },
        {
          next: (v) => {
            const d = (v.data as { kycQueueChanged?: { type: string } } | undefined)?.kycQueueChanged;
            if (d) {
              clearTimeout(timer);
              resolve(d.type);
            }
          },
          error: reject,
          complete: () => undefined,
        },
      );
      setTimeout(() => void submittedApplication(platform.gql).catch(reject), 500);
    });
    assert.ok(pushed);
  } finally {
    await client.dispose();
  }
});

test('a client offering only the legacy subscriptions-transport-ws subprotocol is closed with 4406, as graphql-ws says', async () => {
  const code = await new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(platform.gateway.url.replace(/^http/, 'ws'), 'graphql-ws');
    ws.on('close', (c) => resolve(c));
    ws.on('error', () => undefined);
    setTimeout(() => reject(new Error('not closed')), 10_000);
  });
  assert.equal(code, 4406);
});

const api = () => platform.gateway.url.replace(/\/graphql$/, '/api/v1');

test('REST: a 405 says why and what is allowed; a problem type URI is a page for a person and JSON for a program', async () => {
  const wrong = await fetch(`${api()}/auth/login`, { method: 'GET' });
  const problem = (await wrong.json()) as { detail?: string; type: string };
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'POST');
  assert.equal(problem.detail, 'GET is not served here; POST is');
  const typeUri = new URL(problem.type, api()).toString();
  const page = await fetch(typeUri, { headers: { accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const html = await page.text();
  assert.match(html, /<h1>Method not allowed<\/h1>/);
  assert.match(html, /HTTP status 405/);
  const json = await fetch(typeUri, { headers: { accept: 'application/json' } });
  assert.deepEqual(await json.json(), {
    type: problem.type,
    title: 'Method not allowed',
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
  });
});

test('REST: refused requests (401, 403) spend the caller’s budget like any other', async () => {
  const limited = await startGateway({
    port: 0,
    subgraphUrls: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
    restRatePerMinute: 3,
  });
  try {
    const customer = await registerCustomer(platform.gql);
    const base = limited.url.replace(/\/graphql$/, '/api/v1');
    const statuses: number[] = [];
    // An admin-only route, seven times within a budget of three: even if a minute turns over among them, one window holds four.
    for (let i = 0; i < 7; i++) {
      const r = await fetch(`${base}/admin/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${customer.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      statuses.push(r.status);
    }
    assert.equal(statuses[0], 403, JSON.stringify(statuses));
    assert.ok(statuses.includes(429), `the refusals were counted: ${JSON.stringify(statuses)}`);
  } finally {
    await limited.stop();
  }
});

test('the OpenAPI document passes two validators written apart from the project: redocly (no warning) and openapi-spec-validator', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  const file = join(dir, 'openapi.json');
  writeFileSync(file, await (await fetch(`${api()}/openapi.json`)).text());
  const redocly = await capture(
    join(__dirname, '..', 'node_modules', '.bin', 'redocly'),
    ['lint', file, '--format=json'],
    {
      // No usage data and no update check: a test calls no host it was not meant to.
      env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' },
    },
  );
  const report = JSON.parse(redocly.stdout) as {
    totals: { errors: number; warnings: number };
    problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
  };
  assert.deepEqual(
    report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`),
    [],
    'redocly lint',
  );
  assert.deepEqual(report.totals, { ...report.totals, errors: 0, warnings: 0 });
  const validator = await capture(await openapiSpecValidator(), [file]);
  assert.equal(validator.status, 0, validator.stdout + validator.stderr);
  assert.match(validator.stdout, /OK/);
});

test('a GET of a read that is the same for every caller may be kept privately as its hint says; anything about the caller is no-store', async () => {
  const staff = await staffUser(platform.gql, 'MANAGER');
  const get = async (query: string, token?: string) => {
    const res = await fetch(`${platform.gateway.url}?query=${encodeURIComponent(query)}`, {
      headers: { 'apollo-require-preflight': 'true', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    const body = (await res.json()) as { errors?: unknown[] };
    return { cacheControl: res.headers.get('cache-control'), errors: body.errors };
  };
  const catalogue = await get('{ loanProducts { code version name } }', staff.token);
  assert.deepEqual(catalogue, { cacheControl: 'max-age=60, private', errors: undefined });
  // A published product version never changes: kept for a day.
  const version = await get('{ loanProduct(code: "STANDARD", version: 1) { code document } }', staff.token);
  assert.deepEqual(version, { cacheControl: 'max-age=86400, private', errors: undefined });
  // What depends on the caller is never kept, alone or beside a cacheable field, nor is a refusal.
  assert.equal((await get('{ me { id roles } }', staff.token)).cacheControl, 'no-store');
  assert.equal((await get('{ loanProducts { code } me { id } }', staff.token)).cacheControl, 'no-store');
  const anonymous = await get('{ loanProducts { code } }');
  assert.ok(anonymous.errors?.length);
  assert.equal(anonymous.cacheControl, 'no-store');
});
