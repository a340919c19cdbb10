// A newcomer's first run of `npm start`: a blank data folder, embedded PostgreSQL, in-process events, no
// Kafka/MongoDB — and, from only what it printed, a demo officer signs in and a loan is e-signed with the
// code read from the simulator's inbox page.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { applicationInApproval, approveAndSign, type Desk, reaches, type User } from './helpers/lifecycle';
import { client, eventually, useMessaging } from './helpers/platform';

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
  // The last line printed once it serves.
  await eventually(async () => {
    if (proc?.exitCode !== null) throw new Error(`npm start exited with ${proc?.exitCode}`);
    return /Password:/.test(out);
  }, 120_000);
  const printed = (label: string) => out.match(new RegExp(`^${label}:\\s+(\\S+)`, 'm'))?.[1];
  assert.match(out, /memory events, postgres documents/);
  const url = printed('GraphiQL') as string;
  assert.equal(url, `http://127.0.0.1:${gatewayPort}/graphql`);

  const home = await (await fetch(printed('Start here') as string)).text();
  assert.match(home, /href="\/graphql"/, 'the start page links GraphiQL');
  const page = await fetch(url, { headers: { accept: 'text/html' } });
  const html = await page.text();
  assert.match(html, /LoanFlow GraphiQL/);
  assert.doesNotMatch(html, /<script[^>]+src=["']https?:|<link[^>]+href=["']https?:/, 'no asset from a CDN');

  // GraphiQL's preset header (empty Authorization) is anonymous, so its Login tab works.
  const anonymous = await client(url)('{ __typename }', {}, undefined, { authorization: '' });
  assert.equal(anonymous.status, 200);
  const gql = client(url);

  // Every demo officer printed signs in with the one printed password.
  const password = printed('Password') as string;
  const staffEmails = (out.match(/^Staff:\s+(.+)$/m)?.[1] ?? '').split(', ');
  const officer: Record<string, User> = {};
  for (const email of staffEmails) {
    const r = await gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken user { id roles } } }`, {
      i: { email, password },
    });
    assert.ok(r.data?.login.accessToken, `${email}: ${JSON.stringify(r.errors)}`);
    const role = (r.data?.login.user.roles as string[] | undefined)?.[0] ?? email;
    officer[role] = { id: r.data?.login.user.id, token: r.data?.login.accessToken };
  }
  for (const role of [
    'KYC_OFFICER',
    'KYC_MANAGER',
    'RISK_OFFICER',
    'RISK_MANAGER',
    'INTERNAL_APPROVER',
    'MANAGER',
  ]) {
    assert.ok(officer[role], `a demo ${role} is printed`);
  }
  const desk = {
    kycOfficer: officer.KYC_OFFICER,
    kycManager: officer.KYC_MANAGER,
    riskOfficer: officer.RISK_OFFICER,
    riskManager: officer.RISK_MANAGER,
  } as Desk;

  // Sign-up links and e-sign codes land in the inbox the start printed; the code is read off its page.
  const inbox = printed('Messages') as string;
  assert.match(inbox, /\/inbox$/);
  useMessaging(inbox.replace(/\/inbox$/, ''));
  const otpOnPage = async (_: string, phone: string) => {
    const text = await (await fetch(`${inbox}?to=${encodeURIComponent(phone)}`)).text();
    return text.match(/(\d{6}) is your LoanFlow code/)?.[1];
  };
  const c = await applicationInApproval(gql, desk);
  await approveAndSign(
    gql,
    { internal: officer.INTERNAL_APPROVER as User, manager: officer.MANAGER as User },
    inbox.replace(/\/inbox$/, ''),
    c,
    otpOnPage,
  );
  await reaches(gql, c.applicationId, c.token, 'ACTIVE');

  const health = await fetch(url.replace('/graphql', '/ready'));
  assert.equal(health.status, 200);
});
