// Smoke test of `npm start`: a blank data folder, embedded PostgreSQL, in-process events, no Kafka/MongoDB.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { applicationInput, CREATE, KYC, kycInput, registerCustomer } from './helpers/flows';
import { client, eventually } from './helpers/platform';

const dataDir = mkdtempSync(join(tmpdir(), 'loanflow-embedded-'));
// As root, PostgreSQL runs as the `postgres` user, which must be able to reach its data folder.
chmodSync(dataDir, 0o755);

/** A port the OS says is free now (random picks collided with ephemeral client ports). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
let proc: ChildProcess | undefined;

after(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc?.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test('npm start serves the whole flow on the embedded default', async () => {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' };
  const [pgPort, gatewayPort] = [await freePort(), await freePort()];
  Object.assign(env, {
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    GATEWAY_PORT: String(gatewayPort),
    // 0: every subgraph on a port the OS picks; the gateway is given their URLs.
    SUBGRAPH_BASE_PORT: '0',
  });
  proc = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'scripts', 'start.ts')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout?.on('data', (d) => {
    out += d;
  });
  const url = await eventually(async () => {
    if (proc?.exitCode !== null) throw new Error(`npm start exited with ${proc?.exitCode}`);
    return out.match(/GraphiQL:\s+(\S+)/)?.[1];
  }, 120_000);
  assert.match(out, /memory events, postgres documents/);
  assert.equal(url, `http://127.0.0.1:${gatewayPort}/graphql`);

  const page = await fetch(url, { headers: { accept: 'text/html' } });
  const html = await page.text();
  assert.match(html, /LoanFlow GraphiQL/);
  assert.doesNotMatch(html, /<script[^>]+src=["']https?:|<link[^>]+href=["']https?:/, 'no asset from a CDN');

  // GraphiQL's preset header (empty Authorization) is anonymous, so its Login tab works.
  const anonymous = await client(url)('{ __typename }', {}, undefined, { authorization: '' });
  assert.equal(anonymous.status, 200);
  const gql = client(url);
  const inbox = out.match(/Messages:\s+(\S+)\/admin\/messages/)?.[1];
  assert.ok(inbox, 'npm start says where its messages go');
  const c = await registerCustomer(gql, 'Asha Rao', inbox);
  await gql(KYC, { input: kycInput() }, c.token);
  const id = (await gql(CREATE, { input: applicationInput() }, c.token)).data?.createApplication.id;
  await gql(`mutation($id: ID!) { submitApplication(id: $id) { status } }`, { id }, c.token);
  const app = await eventually(async () => {
    const r = await gql(
      `query($id: ID!) { application(id: $id) { status customer { fullName } timeline { action } } }`,
      { id },
      c.token,
    );
    const a = r.data?.application;
    return a?.timeline.some((t: { action: string }) => t.action === 'KYC_DATA_RECEIVED') ? a : undefined;
    // A fresh clone's first run shares the machine with the real stack; once this took over 20 s in CI.
  }, 60_000);
  assert.equal(app.status, 'SUBMITTED');
  assert.equal(app.customer.fullName, 'Asha Rao');

  const health = await fetch(url.replace('/graphql', '/ready'));
  assert.equal(health.status, 200);
});
