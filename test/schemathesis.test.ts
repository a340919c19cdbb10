import './helpers/env';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { schemathesis } from '../infra/schemathesis';
import { staffUser } from './helpers/flows';
import { startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;

before(async () => {
  platform = await startTestPlatform();
});
after(async () => {
  await platform?.stop();
});

// The fuzz run the README documents: every check, against the generated document, with a partner API key.
// The key's account also holds ADMIN, so the fuzzer gets past the role check of every staff route.
test('schemathesis finds no server error, no response off its schema, and no wrong acceptance', async () => {
  const bin = schemathesis();
  const admin = await staffUser(platform.gql, 'ADMIN');
  const partner = await staffUser(platform.gql, ['PARTNER', 'ADMIN']);
  const issued = await platform.gql(
    'mutation($i: ApiKeyInput!) { createApiKey(input: $i) { key } }',
    { i: { userId: partner.id, name: 'schemathesis', roles: ['PARTNER', 'ADMIN'] } },
    admin.token,
  );
  const key = issued.data?.createApiKey.key as string;
  assert.ok(key, JSON.stringify(issued.errors));
  const api = platform.gateway.url.replace(/\/graphql$/, '/api/v1');
  const args = [
    'run',
    `${api}/openapi.json`,
    '--url',
    api,
    '-H',
    `X-API-Key: ${key}`,
    '--checks',
    'all',
    '--max-examples',
    process.env.SCHEMATHESIS_EXAMPLES ?? '25',
    '--seed',
    process.env.SCHEMATHESIS_SEED ?? '20261203',
    '--workers',
    '2',
  ];
  const out: string[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const p = spawn(bin, args, { cwd: join(__dirname, '..') });
    p.stdout.on('data', (d) => out.push(String(d)));
    p.stderr.on('data', (d) => out.push(String(d)));
    p.on('close', resolve);
  });
  const text = out.join('');
  assert.equal(code, 0, text.slice(-6000));
  assert.match(text, /passed/);
});
