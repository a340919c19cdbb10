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

// The fuzz run the README documents: every check, against the generated document, as a staff caller.
test('schemathesis finds no server error, no response off its schema, and no wrong acceptance', async () => {
  const bin = schemathesis();
  const admin = await staffUser(platform.gql, 'ADMIN');
  const api = platform.gateway.url.replace(/\/graphql$/, '/api/v1');
  const args = [
    'run',
    `${api}/openapi.json`,
    '--url',
    api,
    '-H',
    `Authorization: Bearer ${admin.token}`,
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
  assert.match(text, /Tested: 39|passed/);
});
