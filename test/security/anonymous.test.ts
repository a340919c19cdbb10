// What an attacker can try without signing in (and with a customer's account): each case is a hole that
// was open once. See docs/security.md for the threat model these cases defend.
import '../helpers/env';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { startGateway } from '../../gateway/server';
import { documentHash } from '../../gateway/trusted';
import { IDENTITY_HEADERS, signGatewayAssertion } from '../../platform/auth';
import { config } from '../../platform/config';
import { Role } from '../../platform/roles';
import { registerCustomer, staffUser, submittedApplication } from '../helpers/flows';
import { passKyc, staffDesk } from '../helpers/lifecycle';
import { client, eventually, firstError, startTestPlatform } from '../helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
before(async () => {
  platform = await startTestPlatform();
});
after(async () => {
  await platform?.stop();
});

/** A raw HTTP request with the target exactly as given (fetch would normalise it). */
function raw(url: string, target: string, method = 'GET') {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: hostname, port, method, path: target }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A server that records every request it gets: where a leak would land. */
async function canary() {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.end('{"leaked":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, seen, close: () => server.close() };
}

const subgraphUrl = (name: string) => {
  const s = platform.subgraphs.find((x) => x.name === name);
  if (!s) throw new Error(`no subgraph ${name}`);
  return s.url;
};

describe('the file routes reach only the configured subgraphs', () => {
  test('a request target naming another host, or climbing out of the route, is refused and sends nothing', async () => {
    const c = await canary();
    try {
      const host = `127.0.0.1:${c.port}`;
      for (const target of [
        `//${host}/documents/x`,
        `//${host}/loan-files/x`,
        `http://${host}/documents/x`,
        '/documents/../graphql',
        '/loan-files/%2e%2e/graphql',
      ]) {
        for (const method of ['GET', 'POST']) {
          const r = await raw(platform.gateway.url, target, method);
          assert.ok(r.status === 400 || r.status === 404, `${method} ${target} answered ${r.status}`);
          assert.doesNotMatch(r.body, /leaked/);
        }
      }
      assert.equal(c.seen.length, 0, 'the gateway called a host it was not configured with');
    } finally {
      c.close();
    }
  });
});

describe('a subgraph trusts only a fresh assertion signed by the gateway for it', () => {
  const ME = JSON.stringify({ query: '{ me { id roles } }' });
  const call = (name: string, headers: Record<string, string>) =>
    fetch(subgraphUrl(name), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: ME,
    });

  /** An assertion as an attacker would hold one: signed with the gateway's key, but `iat` seconds ago. */
  async function oldAssertion(userId: string, audience: string, ageSeconds: number) {
    const [kid, seed] = config().GATEWAY_SIGNING_KEY.split(':') as [string, string];
    const der = Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      Buffer.from(seed, 'base64'),
    ]);
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles: ['ADMIN'], rid: randomUUID() })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuer('loanflow-gateway')
      .setAudience(audience)
      .setSubject(userId)
      .setIssuedAt(now - ageSeconds)
      .setExpirationTime(now - ageSeconds + config().GATEWAY_ASSERTION_TTL_SECONDS)
      .sign(key);
  }

  test('a valid assertion for the subgraph is served (so the refusals below are about the assertion)', async () => {
    const c = await registerCustomer(platform.gql);
    const assertion = await signGatewayAssertion(
      { caller: { userId: c.id, roles: [Role.CUSTOMER] }, requestId: randomUUID() },
      'identity',
    );
    const res = await call('identity', { [IDENTITY_HEADERS.assertion]: assertion });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { data: { me: { id: string } } }).data.me.id, c.id);
  });

  test('a static secret, bare identity headers, another audience, another key or an expired assertion get 401', async () => {
    const c = await registerCustomer(platform.gql);
    const admin = { userId: c.id, roles: [Role.ADMIN] };
    const refusals: [string, Record<string, string>][] = [
      ['no assertion, identity headers', { 'x-loanflow-user-id': c.id, 'x-loanflow-roles': 'ADMIN' }],
      [
        'the old static secret',
        { 'x-loanflow-gateway-secret': 'loanflow-dev-gateway-secret', 'x-loanflow-user-id': c.id },
      ],
      [
        'signed for another subgraph',
        {
          [IDENTITY_HEADERS.assertion]: await signGatewayAssertion(
            { caller: admin, requestId: 'r' },
            'documents',
          ),
        },
      ],
      [
        'captured two minutes ago',
        { [IDENTITY_HEADERS.assertion]: await oldAssertion(c.id, 'identity', 120) },
      ],
      [
        'signed with another key',
        {
          [IDENTITY_HEADERS.assertion]: await new SignJWT({ roles: ['ADMIN'] })
            .setProtectedHeader({ alg: 'HS256', kid: 'dev1' })
            .setIssuer('loanflow-gateway')
            .setAudience('identity')
            .setSubject(c.id)
            .setExpirationTime('1m')
            .sign(new TextEncoder().encode('a-guess-at-the-gateway-secret-0123456789')),
        },
      ],
    ];
    for (const [why, headers] of refusals) {
      const res = await call('identity', headers);
      assert.equal(res.status, 401, why);
    }
  });
});

const post = (body: unknown, token?: string) =>
  fetch(platform.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    // A liveness guard, not a speed target: these documents held the process for minutes.
    signal: AbortSignal.timeout(15_000),
  });
const errorsOf = async (res: Response) =>
  ((await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] }).errors ?? [];

/** Nested fragments, each spreading the one before `fanOut` times: tiny to send, enormous to expand. */
function fragmentBomb(levels: number, fanOut: number, on = 'Query') {
  const defs = [`fragment F0 on ${on} { __typename }`];
  for (let i = 1; i < levels; i++) {
    defs.push(
      `fragment F${i} on ${on} { ${Array.from({ length: fanOut }, () => `...F${i - 1}`).join(' ')} }`,
    );
  }
  return `query { ...F${levels - 1} }\n${defs.join('\n')}`;
}

describe('documents are bounded before anything expensive runs', () => {
  test('a fragment bomb is refused with 400, signed in or not, and the gateway stays responsive', async () => {
    const c = await registerCustomer(platform.gql);
    const bomb = fragmentBomb(10, 10);
    assert.ok(bomb.length < 1000, 'the attack is under a kilobyte');
    for (const token of [undefined, c.token]) {
      const res = await post({ query: bomb }, token);
      assert.equal(res.status, 400);
      assert.match((await errorsOf(res))[0]?.message ?? '', /fragments|fields|tokens/);
    }
    // Fewer spreads, still exponential (2^40 selections): the spread count passes, the expansion does not.
    const wide = await post({ query: fragmentBomb(40, 2) }, c.token);
    assert.equal(wide.status, 400);
    assert.match((await errorsOf(wide))[0]?.message ?? '', /root fields|once its fragments are expanded/);
    assert.equal((await fetch(platform.gateway.url.replace(/graphql$/, 'health'))).status, 200);
  });

  test('circular fragments are a 400 validation error, not a 500', async () => {
    const c = await registerCustomer(platform.gql);
    const res = await post(
      { query: 'query { ...A } fragment A on Query { ...B } fragment B on Query { me { id } ...A }' },
      c.token,
    );
    assert.equal(res.status, 400);
    assert.match((await errorsOf(res))[0]?.message ?? '', /Cannot spread fragment "A" within itself/);
  });

  test('a selection deeper than the limit is refused, through fragments too', async () => {
    const c = await registerCustomer(platform.gql);
    const nest = (levels: number) => {
      let q = 'id';
      for (let i = 0; i < levels; i++) q = `customer { applications { ${q} } }`;
      return `fragment Deep on Application { ${q} } query { myApplications { nodes { ...Deep } } }`;
    };
    const shallow = await post({ query: nest(2) }, c.token);
    assert.equal(shallow.status, 200, JSON.stringify(await errorsOf(shallow.clone())));
    const deep = await post({ query: nest(6) }, c.token);
    assert.equal(deep.status, 400);
    assert.match((await errorsOf(deep))[0]?.message ?? '', /depth limit of 10 exceeded/i);
  });

  test('an anonymous caller may send only a small document: 1,000 aliased mutations are refused unplanned', async () => {
    const flood = `mutation { ${Array.from(
      { length: 1000 },
      (_, i) =>
        `a${i}: login(input: { email: "x${i}@example.com", password: "wrong-password-${i}" }) { accessToken }`,
    ).join(' ')} }`;
    const res = await post({ query: flood });
    assert.equal(res.status, 400);
    assert.match((await errorsOf(res))[0]?.message ?? '', /tokens|characters/);
    const short = `mutation { ${Array.from({ length: 200 }, (_, i) => `a${i}: logout(refreshToken: "")`).join(' ')} }`;
    const tokens = await post({ query: short });
    assert.equal(tokens.status, 400);
    assert.match((await errorsOf(tokens))[0]?.message ?? '', /longer than 500 tokens/);
    // Whitespace and comments are no tokens: the text is bounded too.
    const padded = await post({ query: `{ ${' '.repeat(500_000)} __typename }` });
    assert.equal(padded.status, 400);
    assert.match((await errorsOf(padded))[0]?.message ?? '', /characters/);
  });

  test('signed in, root fields and aliases are counted before planning, and one credential per request', async () => {
    const c = await registerCustomer(platform.gql);
    const roots = `mutation { ${Array.from({ length: 30 }, (_, i) => `a${i}: logout(refreshToken: "x")`).join(' ')} }`;
    const r1 = await post({ query: roots }, c.token);
    assert.equal(r1.status, 400);
    assert.match((await errorsOf(r1)).map((e) => e.message).join(' '), /30 root fields; the limit is 20/);

    const aliases = `{ me { ${Array.from({ length: 60 }, (_, i) => `a${i}: id`).join(' ')} } }`;
    const r2 = await post({ query: aliases }, c.token);
    assert.equal(r2.status, 400);
    assert.match((await errorsOf(r2))[0]?.message ?? '', /Aliases limit of 50 exceeded/);

    const twoLogins = `mutation { a: login(input: { email: "${c.email}", password: "wrong-one-1" }) { accessToken } b: login(input: { email: "${c.email}", password: "wrong-one-2" }) { accessToken } }`;
    const r3 = await post({ query: twoLogins });
    assert.equal(r3.status, 400);
    assert.match((await errorsOf(r3))[0]?.message ?? '', /credential more than once/);
  });

  test('a list costs its page size: a hundred applications with their lists is over the limit, one is not', async () => {
    const c = await registerCustomer(platform.gql);
    const q = `query($n: Int!) { myApplications(page: { first: $n }) { nodes { id status timeline { action at } documents { id fileName } customer { applications { id timeline { action } } } } } }`;
    const one = await post({ query: q, variables: { n: 1 } }, c.token);
    assert.equal(one.status, 200, JSON.stringify(await errorsOf(one.clone())));
    const hundred = await post({ query: q, variables: { n: 100 } }, c.token);
    assert.equal(hundred.status, 400);
    const [e] = await errorsOf(hundred);
    assert.equal(e?.extensions?.code, 'QUERY_TOO_COMPLEX');
    assert.match(e?.message ?? '', /query cost \d+ exceeds the limit of 5000/);
  });
});

describe('the WebSocket applies the same rules as HTTP to every document', () => {
  /** The first answer to one operation over graphql-ws: its data or its errors. */
  async function overSocket(token: string, query: string, variables: Record<string, unknown> = {}) {
    const client = createClient({
      url: platform.gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    try {
      return await new Promise<{
        data?: unknown;
        errors?: readonly { message: string; extensions?: { code?: string } }[];
      }>((resolve) => {
        const stop = client.subscribe(
          { query, variables },
          {
            next: (r) => {
              stop();
              resolve(r as { data?: unknown });
            },
            error: (e) =>
              resolve({ errors: Array.isArray(e) ? e : [{ message: String((e as Error)?.message ?? e) }] }),
            complete: () => undefined,
          },
        );
      });
    } finally {
      await client.dispose();
    }
  }

  test('a customer cannot introspect over the socket (the HTTP rule, checked first); staff are pointed to HTTP', async () => {
    const c = await registerCustomer(platform.gql);
    const q = '{ __schema { queryType { name } } }';
    const refused = await overSocket(c.token, q);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(refused));
    const staff = (await staffUser(platform.gql, 'KYC_OFFICER')).token;
    const pointed = await overSocket(staff, q);
    assert.match(pointed.errors?.[0]?.message ?? '', /served over HTTP/, JSON.stringify(pointed));
    assert.equal(pointed.data, undefined);
  });

  test('depth, aliases and cost are checked when a subscription starts', async () => {
    const c = await registerCustomer(platform.gql);
    let deep = 'id';
    for (let i = 0; i < 6; i++) deep = `customer { applications { ${deep} } }`;
    const depth = await overSocket(
      c.token,
      `subscription($id: ID!) { applicationStatusChanged(applicationId: $id) { application { ${deep} } } }`,
      { id: randomUUID() },
    );
    assert.match(depth.errors?.[0]?.message ?? '', /depth limit of 10 exceeded/i, JSON.stringify(depth));
    const aliases = await overSocket(
      c.token,
      `subscription { myNotifications { ${Array.from({ length: 60 }, (_, i) => `a${i}: at`).join(' ')} } }`,
    );
    assert.match(aliases.errors?.[0]?.message ?? '', /Aliases limit of 50 exceeded/, JSON.stringify(aliases));
    const costly = await overSocket(
      c.token,
      `subscription($id: ID!) { applicationStatusChanged(applicationId: $id) { application { customer { applications { customer { applications { customer { applications { id timeline { action } documents { id } } } } } } } } } }`,
      { id: randomUUID() },
    );
    assert.equal(costly.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX', JSON.stringify(costly));
  });
});

describe('what answers say, and to whom', () => {
  test('every answer carries the security headers; pages carry a policy that allows only their own files', async () => {
    const base = platform.gateway.url.replace(/\/graphql$/, '');
    for (const path of ['/health', '/graphql', '/api/v1/openapi.json', '/no/such/thing']) {
      const res = await fetch(`${base}${path}`, { method: 'GET' });
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
      assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
    }
    for (const path of ['/graphql', '/api/v1/docs']) {
      const page = await fetch(`${base}${path}`, { headers: { accept: 'text/html' } });
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.doesNotMatch(
        await page.text(),
        /<script>(?!\s*<\/script>)|<script[^>]*src="https?:/,
        `${path}: no inline or remote script`,
      );
    }
  });

  test('"Did you mean" names schema fields only to callers who may introspect', async () => {
    const c = await registerCustomer(platform.gql);
    const staff = (await staffUser(platform.gql, 'KYC_OFFICER')).token;
    const typo = '{ me { fullNam } }';
    assert.doesNotMatch((await platform.gql(typo, {}, c.token)).errors?.[0]?.message ?? '', /Did you mean/);
    assert.doesNotMatch((await platform.gql(typo)).errors?.[0]?.message ?? '', /Did you mean/);
    assert.match((await platform.gql(typo, {}, staff)).errors?.[0]?.message ?? '', /Did you mean "fullName"/);
  });

  test('control characters in any text are a typed 400 and change nothing; names refuse invisible characters', async () => {
    const c = await registerCustomer(platform.gql);
    const PROFILE = `mutation($i: ProfileInput!) { updateProfile(input: $i) { fullName } }`;
    for (const bad of ['Asha\u0000Rao', 'Asha\u0007', 'Ra\u001bo', 'x\u0085y']) {
      const r = await platform.gql(PROFILE, { i: { fullName: bad } }, c.token);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(firstError(r), 'BAD_USER_INPUT');
      assert.match(r.errors?.[0]?.message ?? '', /\$i\.fullName: text may not contain control characters/);
    }
    const literal = await platform.gql(
      `mutation { updateProfile(input: { fullName: "Asha\\u0000Rao" }) { fullName } }`,
      {},
      c.token,
    );
    assert.equal(literal.status, 400);
    const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { email } }`;
    for (const bad of ['Asha\u202eoaR', 'As\u200bha Rao', '\u2066Asha\u2069']) {
      const r = await platform.gql(PROFILE, { i: { fullName: bad } }, c.token);
      assert.equal(firstError(r), 'BAD_USER_INPUT', JSON.stringify(bad));
      const reg = await platform.gql(REGISTER, {
        i: { email: `z-${randomUUID()}@example.com`, password: 'correct-horse-battery', fullName: bad },
      });
      assert.equal(firstError(reg), 'BAD_USER_INPUT', JSON.stringify(bad));
    }
    const [row] = await platform
      .db('identity')
      .query('SELECT full_name FROM customers WHERE id = $1', [c.id]);
    assert.equal(row.full_name, 'Asha Rao', 'nothing was stored');
  });

  test('a borrower sees neither who in the bank acted on their file nor its internal flags; staff see both', async () => {
    const desk = await staffDesk(platform.gql);
    const c = await submittedApplication(platform.gql);
    await passKyc(platform.gql, desk, c.applicationId);
    const Q = `query($id: ID!) { application(id: $id) {
      kycReview { assignedTo decidedBy checklist { sanctionsClear notes } }
      timeline { actorKind actorId } } }`;
    const own = (await platform.gql(Q, { id: c.applicationId }, c.token)).data?.application;
    assert.deepEqual(own.kycReview, { assignedTo: null, decidedBy: null, checklist: null });
    for (const e of own.timeline as { actorKind: string; actorId: string | null }[]) {
      assert.ok(
        e.actorId === null || e.actorId === c.id,
        `the borrower sees only their own id, not ${e.actorId}`,
      );
    }
    const staff = (await platform.gql(Q, { id: c.applicationId }, desk.kycManager.token)).data?.application;
    assert.equal(staff.kycReview.assignedTo, desk.kycOfficer.id);
    assert.equal(staff.kycReview.decidedBy, desk.kycManager.id);
    assert.equal(staff.kycReview.checklist.sanctionsClear, true);
    assert.ok(staff.timeline.some((e: { actorId: string }) => e.actorId === desk.kycManager.id));
  });
});

describe('budgets and outbound calls', () => {
  test('GraphQL spends the same per-caller budget as REST, refused requests too: then 429 with Retry-After', async () => {
    const limited = await startGateway({
      port: 0,
      subgraphUrls: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
      restRatePerMinute: 3,
    });
    try {
      // From a client address of its own (any 127/8 address is this machine), so earlier requests of this
      // test file, counted against 127.0.0.1, do not count here.
      const from = `127.0.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
      const send = (token: string) =>
        new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
          const { hostname, port, pathname } = new URL(limited.url);
          const req = request(
            {
              host: hostname,
              port,
              path: pathname,
              method: 'POST',
              localAddress: from,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            },
            (res) => {
              let body = '';
              res.on('data', (c) => {
                body += c;
              });
              res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify({ query: '{ me { id } }' }));
        });
      // A bad token is refused (401) and still counted against the client's address.
      const replies = [];
      for (let i = 0; i < 7; i++) replies.push(await send('not-a-token'));
      const statuses = replies.map((r) => r.status);
      assert.deepEqual(statuses.slice(0, 3), [401, 401, 401], statuses.join());
      const refused = replies.find((r) => r.status === 429);
      assert.ok(refused, statuses.join());
      assert.equal(JSON.parse(refused.body).errors[0].extensions.code, 'RATE_LIMITED');
      assert.ok(Number(refused.headers['retry-after']) >= 1);
      assert.equal(refused.headers['ratelimit-limit'], '3');
      assert.equal(replies[0]?.headers['www-authenticate'], 'Bearer');
      const gql = client(limited.url);
      // A signed-in caller has a budget of their own.
      const c = await registerCustomer(platform.gql);
      assert.equal((await gql('{ me { id } }', {}, c.token)).data?.me.id, c.id);
    } finally {
      await limited.stop();
    }
  });

  test('a gateway process calls only the hosts it was configured with (no telemetry, no cloud probes)', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'egress-')), 'egress.jsonl');
    writeFileSync(log, '');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      EGRESS_LOG: log,
      GATEWAY_PORT: '0',
      LOG_LEVEL: 'info',
      ...Object.fromEntries(platform.subgraphs.map((s) => [`SUBGRAPH_URL_${s.name.toUpperCase()}`, s.url])),
    };
    delete env.APOLLO_TELEMETRY_DISABLED;
    const child = spawn(
      process.execPath,
      [
        '--require',
        join(__dirname, 'egress-probe.cjs'),
        '--import',
        'tsx',
        join(__dirname, '..', '..', 'gateway', 'index.ts'),
      ],
      { env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    try {
      const url = await eventually(async () => /"url":"(http:[^"]+)"/.exec(out)?.[1], 60_000);
      const c = await registerCustomer(platform.gql);
      assert.equal((await client(url)('{ me { id } }', {}, c.token)).data?.me.id, c.id);
      await new Promise((r) => setTimeout(r, 3000));
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    assert.ok(calls.length > 0, 'the probe saw the configured connections');
    const loopback = /^(127\.0\.0\.1|localhost|::1|\[::1\])(:\d+)?$/;
    const elsewhere = calls.filter(
      (c: { kind: string; target: string }) => c.kind !== 'ipc' && !loopback.test(c.target),
    );
    assert.deepEqual(elsewhere, [], 'every outbound call went to a configured (loopback) host');
  });
});

describe('trusted documents (the production mode)', () => {
  test('only registered documents run, by text or by hash; anything else is a clear 400', async () => {
    const mine = '{ me { id } }';
    const manifest = join(mkdtempSync(join(tmpdir(), 'trusted-')), 'documents.json');
    writeFileSync(manifest, JSON.stringify({ [documentHash(mine)]: mine }));
    const gateway = await startGateway({
      port: 0,
      subgraphUrls: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
      trustedDocuments: { enabled: true, manifestFile: manifest },
    });
    try {
      const gql = client(gateway.url);
      const c = await registerCustomer(platform.gql);
      assert.equal((await gql(mine, {}, c.token)).data?.me.id, c.id, 'registered: runs');
      const byHash = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
        body: JSON.stringify({
          extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(mine) } },
        }),
      });
      assert.equal(
        ((await byHash.json()) as { data: { me: { id: string } } }).data.me.id,
        c.id,
        'by hash alone',
      );
      const other = await gql('{ me { id fullName } }', {}, c.token);
      assert.equal(other.status, 400);
      assert.equal(firstError(other), 'BAD_USER_INPUT');
      assert.match(other.errors?.[0]?.message ?? '', /registered documents/);
      // GraphiQL's own sign-in is registered by the gateway; staff may still load the schema.
      const officer = await staffUser(platform.gql, 'KYC_OFFICER');
      const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken expiresIn user { fullName roles } } }`;
      const signedIn = await gql(LOGIN, { i: { email: officer.email, password: officer.password } });
      assert.ok(signedIn.data?.login.accessToken, JSON.stringify(signedIn.errors));
      assert.equal((await gql('{ __schema { queryType { name } } }', {}, officer.token)).status, 200);
      assert.equal((await gql('{ __schema { queryType { name } } }', {}, c.token)).status, 400);
    } finally {
      await gateway.stop();
    }
  });
});
