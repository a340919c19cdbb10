import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { registerCustomer, staffUser } from './helpers/flows';
import { activeLoan, type Desk, staffDesk, type User } from './helpers/lifecycle';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let desk: Desk;
let internal: User;
let manager: User;

before(async () => {
  platform = await startTestPlatform();
  desk = await staffDesk(platform.gql);
  internal = await staffUser(platform.gql, 'INTERNAL_APPROVER');
  manager = await staffUser(platform.gql, 'MANAGER');
});
after(async () => {
  await platform?.stop();
});

const RECORD = `mutation($i: PaymentInput!, $k: String!) { recordPayment(input: $i, idempotencyKey: $k) { id status amount { minor } } }`;
const count = async (loanId: string) =>
  Number(
    (await platform.db('payments').query('SELECT count(*) n FROM payments WHERE loan_id = $1', [loanId]))[0]
      .n,
  );

test('a payment is recorded once per Idempotency-Key; bad or foreign payments are refused and store nothing', async () => {
  const c = await activeLoan(platform.gql, desk, { internal, manager }, platform.notifyUrl ?? '');
  // The loan reaches payments by its event.
  const input = { loanId: c.loanId, amount: '1163000', method: 'UPI', reference: 'UPI-REF-1' };
  const first = await eventually(async () => {
    const r = await platform.gql(RECORD, { i: input, k: 'pay-key-0001' }, c.token);
    return firstError(r) === 'NOT_FOUND' ? undefined : r;
  });
  assert.equal(first.data?.recordPayment.status, 'RECEIVED', JSON.stringify(first.errors));
  const again = await platform.gql(RECORD, { i: input, k: 'pay-key-0001' }, c.token);
  assert.equal(
    again.data?.recordPayment.id,
    first.data?.recordPayment.id,
    'the replay returns the same payment',
  );
  const racing = await Promise.all(
    [1, 2, 3].map(() => platform.gql(RECORD, { i: input, k: 'pay-key-0002' }, c.token)),
  );
  assert.equal(new Set(racing.map((r) => r.data?.recordPayment.id)).size, 1, 'concurrent replays record one');
  assert.equal(await count(c.loanId), 2);

  assert.equal(
    firstError(await platform.gql(RECORD, { i: { ...input, amount: '5' }, k: 'pay-key-0001' }, c.token)),
    'CONFLICT',
  );
  for (const amount of ['0', '-100']) {
    assert.equal(
      firstError(await platform.gql(RECORD, { i: { ...input, amount }, k: `pay-bad-${amount}` }, c.token)),
      'BAD_USER_INPUT',
    );
  }
  const unknown = { ...input, loanId: '00000000-0000-4000-8000-000000000000' };
  assert.equal(
    firstError(await platform.gql(RECORD, { i: unknown, k: 'pay-key-unknown' }, c.token)),
    'NOT_FOUND',
  );
  const stranger = await registerCustomer(platform.gql, 'Someone Else');
  assert.equal(
    firstError(await platform.gql(RECORD, { i: input, k: 'pay-key-stranger' }, stranger.token)),
    'NOT_FOUND',
  );
  assert.equal(await count(c.loanId), 2, 'the refused requests stored nothing');

  const VERIFY = `mutation($p: ID!) { verifyPayment(paymentId: $p, accept: true, reason: "credited in the bank statement") { status } }`;
  assert.equal(
    firstError(await platform.gql(VERIFY, { p: first.data?.recordPayment.id }, c.token)),
    'FORBIDDEN',
  );
  assert.equal(
    (await platform.gql(VERIFY, { p: first.data?.recordPayment.id }, manager.token)).data?.verifyPayment
      .status,
    'VERIFIED',
  );
  const loan = (
    await platform.gql(
      `query($id: ID!) { loan(id: $id) { accountNumber payments { status amount { minor } } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.loan;
  assert.deepEqual(loan.payments.map((p: { status: string }) => p.status).sort(), ['RECEIVED', 'VERIFIED']);
});
