// What an attacker can try without signing in (and with a customer's account): each case is a hole that
// was open once. See docs/security.md for the threat model these cases defend.
import '../helpers/env';
import assert from 'node:assert/strict';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { IDENTITY_HEADERS, signGatewayAssertion } from '../../platform/auth';
import { config } from '../../platform/config';
import { Role } from '../../platform/roles';
import { registerCustomer } from '../helpers/flows';
import { startTestPlatform } from '../helpers/platform';

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
