import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generate } from 'selfsigned';
import { LenderClient, LenderTimeout, LenderUnavailable } from './client';
import { bundledDescriptors } from './descriptors';
import {
  InvalidDescriptor,
  type LenderDescriptor,
  type LoanRequest,
  parseDescriptor,
} from './domain/descriptor';
import { SIMULATOR_SECRETS, startLenderSimulator } from './simulator';

const SECRETS = SIMULATOR_SECRETS;
const descriptors = bundledDescriptors();
let sim: Awaited<ReturnType<typeof startLenderSimulator>>;
let env: Record<string, string>;

before(async () => {
  sim = await startLenderSimulator(descriptors, SECRETS);
  env = { ...SECRETS, ...sim.env };
});
after(() => sim.stop());

let n = 0;
const request = (): LoanRequest => ({
  idempotencyToken: `tok-${Date.now()}-${n++}`,
  applicationId: '5b1f6a3e-1111-4a8e-9d2c-3f1e6b7a8c9d',
  customerRef: 'c-1',
  amountMinor: '40000000',
  currency: 'INR',
  tenureMonths: 36,
  annualRateBps: 1350,
  product: 'TERM_LOAN',
  bureauBand: 'GOOD',
});
const client = (code: string, over: Record<string, string> = {}) => {
  const d = descriptors.find((x) => x.code === code);
  if (!d) throw new Error(code);
  return new LenderClient(d, { ...env, ...over });
};

for (const code of descriptors.map((d) => d.code)) {
  test(`${code}: approves once per idempotency token, declines with a reason, and fails typed`, async () => {
    const c = client(code);
    sim.behave(code, 'approve');
    const req = request();
    const first = await c.apply(req);
    assert.equal(first.decision, 'APPROVED');
    assert.ok(first.loanReference?.startsWith(code));
    const again = await c.apply(req);
    assert.equal(again.loanReference, first.loanReference, 'the same token is the same loan');
    assert.equal(sim.stats(code).approvedLoans >= 1, true);
    sim.behave(code, 'decline');
    const no = await c.apply(request());
    assert.equal(no.decision, 'DECLINED');
    sim.behave(code, 'error');
    await assert.rejects(c.apply(request()), LenderUnavailable);
    sim.behave(code, 'approve');
  });
}

test('the ghost loan: approved, answered too late; the status of the token tells the truth', async () => {
  const c = client('ALPHA');
  sim.behave('ALPHA', 'timeout-after-approve');
  const req = request();
  await assert.rejects(c.apply(req), LenderTimeout);
  const seen = await c.status(req.idempotencyToken);
  assert.equal(seen?.decision, 'APPROVED');
  assert.equal(await c.status('never-sent'), null);
  sim.behave('ALPHA', 'approve');
});

test('expired sessions are renewed on the next call (OAuth 2 token, handshake)', async () => {
  for (const code of ['BETA', 'GAMMA']) {
    const c = client(code);
    sim.behave(code, 'approve');
    assert.equal((await c.apply(request())).decision, 'APPROVED');
    sim.expireSessions(code);
    assert.equal((await c.apply(request())).decision, 'APPROVED', `${code} renewed its session`);
  }
});

test('mutual TLS: only our certificate gets an answer, and we only talk to the lender our CA names', async () => {
  assert.equal(descriptors.find((d) => d.code === 'DELTA')?.auth.scheme, 'mtls');
  assert.ok(env.LENDER_URL_DELTA?.startsWith('https://'));
  const stranger = await generate([{ name: 'commonName', value: 'someone-else' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    clientCertificate: { cn: 'someone-else' },
  });
  const refused = async (over: Record<string, string>, why: string) => {
    const before = sim.stats('DELTA').applyCalls;
    await assert.rejects(client('DELTA', over).apply(request()), LenderUnavailable, why);
    assert.equal(sim.stats('DELTA').applyCalls, before, `${why}: the lender never saw the request`);
  };
  await refused(
    {
      LENDER_DELTA_CLIENT_CERT: stranger.clientcert ?? '',
      LENDER_DELTA_CLIENT_KEY: stranger.clientprivate ?? '',
    },
    'a certificate another CA signed',
  );
  await refused({ LENDER_DELTA_CA: stranger.cert }, 'a server our CA did not sign');
  await refused({ LENDER_URL_DELTA: `${sim.url}/DELTA` }, 'no TLS at all');
  const plain = await fetch(`${sim.url}/DELTA/loan-proposals/x`);
  assert.equal(plain.status, 401, 'the lender answers nothing without a client certificate');
  await assert.rejects(
    new LenderClient(descriptors.find((d) => d.code === 'DELTA') as LenderDescriptor, {
      LENDER_URL_DELTA: env.LENDER_URL_DELTA,
    }).apply(request()),
    /secret LENDER_DELTA_CLIENT_CERT for lender DELTA is not set/,
  );
});

test('wrong credentials are not a decline: the lender is unavailable to us', async () => {
  await assert.rejects(
    client('BETA', { LENDER_BETA_CLIENT_SECRET: 'wrong' }).apply(request()),
    LenderUnavailable,
  );
  await assert.rejects(
    client('ALPHA', { LENDER_ALPHA_API_KEY: 'wrong' }).apply(request()),
    LenderUnavailable,
  );
});

test('a descriptor is checked against its JSON Schema', () => {
  const good = descriptors[0];
  assert.throws(() => parseDescriptor({ ...good, code: 'lower' }), InvalidDescriptor);
  assert.throws(
    () => parseDescriptor({ ...good, auth: { scheme: 'apiKey', header: 'X' } }),
    InvalidDescriptor,
  );
  assert.throws(() => parseDescriptor({ ...good, extra: 1 }), /must NOT have additional properties/);
});
