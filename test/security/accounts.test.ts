// Accounts under control: what an attacker with a list of e-mails, a customer's account or a partner's
// key could try against sign-up, sign-in and sessions, and the four-eyes rule on KYC.
import './env';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { DEV_ADMIN } from '../../scripts/seed';
import {
  emailedLink,
  fixtures,
  registerCustomer,
  staffUser,
  submittedApplication,
  uploadDocument,
} from '../helpers/flows';
import { KYC_CHECKLIST } from '../helpers/lifecycle';
import { eventually, firstError, messagingUrl, startTestPlatform } from '../helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let admin: string;
before(async () => {
  platform = await startTestPlatform();
  admin = (await platform.gql(LOGIN, { i: DEV_ADMIN })).data?.login.accessToken;
});
after(async () => {
  await platform?.stop();
});

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }`;
const ME = '{ me { id } }';
const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { email } }`;
const REFRESH = `mutation($t: String!) { refresh(refreshToken: $t) { accessToken } }`;
const login = (email: string, password: string) => platform.gql(LOGIN, { i: { email, password } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mailsTo = async (to: string) =>
  (
    (await (await fetch(`${messagingUrl()}/admin/messages?to=${encodeURIComponent(to)}`)).json()) as {
      messages: { subject?: string; text: string }[];
    }
  ).messages;
const auditOf = async (userId: string) =>
  (await platform.gql(`query($u: ID!) { authAudit(userId: $u) { action ip } }`, { u: userId }, admin)).data
    ?.authAudit as { action: string; ip: string | null }[];

describe('sign-in is throttled, then locked; the owner is told and can unlock', () => {
  test('after the free tries every try waits, and the wait is enforced before the password is checked', async () => {
    const c = await registerCustomer(platform.gql);
    for (let i = 0; i < 3; i++)
      assert.equal(firstError(await login(c.email, `wrong-${i}-guess`)), 'UNAUTHENTICATED');
    const throttled = await login(c.email, 'wrong-3-guess');
    assert.equal(firstError(throttled), 'RATE_LIMITED');
    const details = throttled.errors?.[0]?.extensions?.details as { retryAfterSeconds?: number } | undefined;
    assert.ok((details?.retryAfterSeconds ?? 0) >= 1);
    // Even the right password is not checked while the account must wait.
    assert.equal(firstError(await login(c.email, c.password)), 'RATE_LIMITED');
    await sleep(1100);
    assert.ok((await login(c.email, c.password)).data?.login.accessToken, 'after the wait the owner gets in');
    // A success starts the count again.
    assert.equal(firstError(await login(c.email, 'wrong-again')), 'UNAUTHENTICATED');
  });

  test('guesses sent at once are counted before any is checked: a burst of 20 gets 3 checks', async () => {
    const c = await registerCustomer(platform.gql);
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => login(c.email, `burst-${i}-guess`)));
    const codes = burst.map(firstError);
    assert.equal(codes.filter((x) => x === 'UNAUTHENTICATED').length, 3, codes.join());
    assert.equal(codes.filter((x) => x === 'RATE_LIMITED').length, 17);
  });

  test('an unknown address is throttled exactly like a real one (the answer tells nothing)', async () => {
    const ghost = `nobody-${randomBytes(4).toString('hex')}@example.com`;
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push(firstError(await login(ghost, `guess-${i}-guess`)));
    assert.deepEqual(codes, [
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
  });

  test('after LOGIN_LOCK_AFTER failures the account locks, the owner is e-mailed, a reset unlocks it', async () => {
    const c = await registerCustomer(platform.gql);
    const session = await login(c.email, c.password);
    for (let i = 0; i < 6; i++) {
      await eventually(
        async () => firstError(await login(c.email, `wrong-${i}-guess`)) === 'UNAUTHENTICATED',
        10_000,
      );
    }
    await eventually(
      async () => (await mailsTo(c.email)).find((m) => /locked/.test(m.subject ?? '')),
      10_000,
    ); // the owner is told, with the way to unlock
    await sleep(1100);
    assert.equal(
      firstError(await login(c.email, c.password)),
      'UNAUTHENTICATED',
      'locked: even the right password fails',
    );
    const trail = (await auditOf(c.id)).map((e) => e.action);
    assert.ok(
      trail.includes('LOCKED') && trail.filter((a) => a === 'LOGIN_FAILED').length >= 6,
      trail.join(),
    );
    assert.equal((await auditOf(c.id)).find((e) => e.action === 'LOGIN_FAILED')?.ip, '127.0.0.1');

    assert.equal(
      (await platform.gql(`mutation { requestPasswordReset(email: "${c.email}") }`)).data
        ?.requestPasswordReset,
      true,
    );
    const token = await emailedLink(messagingUrl(), c.email, 'reset');
    const RESET = `mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }`;
    assert.equal(firstError(await platform.gql(RESET, { t: token, p: 'password1234' })), 'BAD_USER_INPUT');
    const fresh = `reset-${randomBytes(6).toString('hex')}`;
    assert.equal((await platform.gql(RESET, { t: token, p: fresh })).data?.resetPassword, true);
    assert.equal(
      firstError(await platform.gql(RESET, { t: token, p: `${fresh}-2` })),
      'FAILED_PRECONDITION',
      'single use',
    );
    assert.ok((await login(c.email, fresh)).data?.login.accessToken, 'unlocked with the new password');
    assert.equal(
      firstError(await platform.gql(REFRESH, { t: session.data?.login.refreshToken })),
      'UNAUTHENTICATED',
      'the sessions from before the reset ended',
    );
  });
});

describe('an admin controls accounts, and an ended session stops working within seconds', () => {
  test('disabling a user refuses their live token, their refresh, their sign-in, their socket and their API key', async () => {
    const partner = await staffUser(platform.gql, 'PARTNER');
    const key = (
      await platform.gql(
        `mutation($i: ApiKeyInput!) { createApiKey(input: $i) { key } }`,
        { i: { userId: partner.id, name: 'merchant', roles: ['PARTNER'] } },
        admin,
      )
    ).data?.createApiKey.key as string;
    const api = platform.gateway.url.replace(/graphql$/, 'api/v1');
    const withKey = () =>
      fetch(`${api}/applications/00000000-0000-4000-8000-000000000000`, {
        headers: { 'x-api-key': key },
      }).then((r) => r.status);
    assert.notEqual(await withKey(), 401);

    const c = await registerCustomer(platform.gql);
    assert.equal((await platform.gql(ME, {}, c.token)).data?.me.id, c.id);
    let closed: number | undefined;
    const socket = createClient({
      url: platform.gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${c.token}` },
      retryAttempts: 0,
      lazy: false,
      on: { closed: (e) => (closed = (e as { code: number }).code) },
      onNonLazyError: () => undefined,
    });
    socket.subscribe(
      { query: 'subscription { myNotifications { cursor } }' },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    await sleep(300);

    const DISABLE = `mutation($u: ID!) { disableUser(userId: $u, reason: "fraud report") { disabled } }`;
    assert.equal(firstError(await platform.gql(DISABLE, { u: c.id }, c.token)), 'FORBIDDEN', 'only an admin');
    assert.equal((await platform.gql(DISABLE, { u: c.id }, admin)).data?.disableUser.disabled, true);
    await platform.gql(DISABLE, { u: partner.id }, admin);

    await eventually(
      async () => firstError(await platform.gql(ME, {}, c.token)) === 'UNAUTHENTICATED',
      10_000,
    );
    assert.equal(firstError(await platform.gql(REFRESH, { t: c.refreshToken })), 'UNAUTHENTICATED');
    assert.equal(firstError(await login(c.email, c.password)), 'UNAUTHENTICATED');
    await eventually(async () => closed === 4403, 10_000);
    await eventually(async () => (await withKey()) === 401, 10_000);
    await socket.dispose();

    assert.equal(
      (await platform.gql(`mutation($u: ID!) { enableUser(userId: $u) { disabled } }`, { u: c.id }, admin))
        .data?.enableUser.disabled,
      false,
    );
    assert.ok((await login(c.email, c.password)).data?.login.accessToken, 'enabled again');
  });

  test('a forced sign-out ends every session; changing the password ends the others and keeps this one', async () => {
    const c = await registerCustomer(platform.gql);
    const other = (await login(c.email, c.password)).data?.login;
    await platform.gql(`mutation($u: ID!) { signOutUser(userId: $u) { id } }`, { u: c.id }, admin);
    await eventually(
      async () => firstError(await platform.gql(ME, {}, c.token)) === 'UNAUTHENTICATED',
      10_000,
    );
    assert.equal(firstError(await platform.gql(ME, {}, other.accessToken)), 'UNAUTHENTICATED');

    const a = (await login(c.email, c.password)).data?.login;
    const b = (await login(c.email, c.password)).data?.login;
    const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken refreshToken } }`;
    assert.equal(
      firstError(
        await platform.gql(CHANGE, { c: 'not-my-password', n: 'another-long-phrase-9' }, a.accessToken),
      ),
      'UNAUTHENTICATED',
    );
    assert.equal(
      firstError(await platform.gql(CHANGE, { c: c.password, n: '1234567890ab' }, a.accessToken)),
      'BAD_USER_INPUT',
    );
    await sleep(1100);
    const next = `changed-${randomBytes(6).toString('hex')}`;
    const changed = (await platform.gql(CHANGE, { c: c.password, n: next }, a.accessToken)).data
      ?.changePassword;
    assert.ok(changed?.accessToken);
    assert.equal((await platform.gql(ME, {}, changed.accessToken)).data?.me.id, c.id, 'this session goes on');
    await eventually(
      async () => firstError(await platform.gql(ME, {}, b.accessToken)) === 'UNAUTHENTICATED',
      10_000,
    );
    assert.equal(firstError(await platform.gql(REFRESH, { t: b.refreshToken })), 'UNAUTHENTICATED');
    assert.ok((await login(c.email, next)).data?.login.accessToken);
  });
});

describe('passwords and registration', () => {
  test('weak passwords are refused wherever a password is set', async () => {
    const weak = ['1234567890', 'password12', 'password1234', 'qwertyuiop12', 'aaaaaaaaaaaa', 'short'];
    for (const password of weak) {
      const email = `w-${randomBytes(4).toString('hex')}@example.com`;
      const r = await platform.gql(REGISTER, { i: { email, password, fullName: 'Weak Pass' } });
      assert.equal(firstError(r), 'BAD_USER_INPUT', password);
      assert.equal((r.errors?.[0]?.extensions?.details as { field?: string } | undefined)?.field, 'password');
      const staff = await platform.gql(
        `mutation($i: StaffUserInput!) { createStaffUser(input: $i) { id } }`,
        { i: { email, password, fullName: 'Weak Staff', roles: ['KYC_OFFICER'] } },
        admin,
      );
      assert.equal(firstError(staff), 'BAD_USER_INPUT', password);
    }
    const named = await platform.gql(REGISTER, {
      i: { email: 'meera.iyer@example.com', password: 'meera.iyer2024', fullName: 'Meera Iyer' },
    });
    assert.equal(firstError(named), 'BAD_USER_INPUT', 'a password made of the person’s own name');
  });

  test('registration answers the same whether or not the address has an account, and takes nothing over', async () => {
    const c = await registerCustomer(platform.gql);
    const links = async () => (await mailsTo(c.email)).filter((m) => /#verify=/.test(m.text)).length;
    const linksBefore = await links();
    const fresh = `n-${randomBytes(4).toString('hex')}@example.com`;
    const input = { password: 'attacker-chosen-phrase', fullName: 'Someone Else' };
    const existing = await platform.gql(REGISTER, { i: { ...input, email: c.email } });
    const unused = await platform.gql(REGISTER, { i: { ...input, email: fresh } });
    assert.equal(existing.status, unused.status);
    assert.deepEqual(Object.keys(existing.data?.register ?? {}), Object.keys(unused.data?.register ?? {}));
    assert.equal(existing.errors, undefined);
    await eventually(async () =>
      (await mailsTo(c.email)).some((m) => /already have a LoanFlow account/.test(m.subject ?? '')),
    );
    assert.equal(await links(), linksBefore, 'no link to open a second account');
    await sleep(1100);
    assert.equal(
      firstError(await login(c.email, input.password)),
      'UNAUTHENTICATED',
      'the attacker’s password opens nothing',
    );
    assert.ok((await login(c.email, c.password)).data?.login.accessToken, 'the owner’s still works');
  });

  test('a sign-up started by someone else cannot be used to hold a person’s address', async () => {
    const email = `v-${randomBytes(4).toString('hex')}@example.com`;
    await platform.gql(REGISTER, { i: { email, password: 'attacker-chosen-phrase', fullName: 'Mallory' } });
    const attackers = await emailedLink(messagingUrl(), email, 'verify');
    await platform.gql(REGISTER, { i: { email, password: 'owner-chosen-phrase-7', fullName: 'Asha Rao' } });
    const owners = await emailedLink(messagingUrl(), email, 'verify', attackers);
    assert.notEqual(attackers, owners);
    const VERIFY = `mutation($t: String!) { verifyEmail(token: $t) { accessToken user { fullName } } }`;
    assert.equal((await platform.gql(VERIFY, { t: owners })).data?.verifyEmail.user.fullName, 'Asha Rao');
    assert.equal(
      firstError(await platform.gql(VERIFY, { t: attackers })),
      'FAILED_PRECONDITION',
      'the other link is dead',
    );
    assert.equal(firstError(await login(email, 'attacker-chosen-phrase')), 'UNAUTHENTICATED');
  });
});

describe('four eyes on KYC', () => {
  test('nobody assigns a review to themselves, and whoever verified it does not decide it', async () => {
    const both = await staffUser(platform.gql, ['KYC_OFFICER', 'KYC_MANAGER']);
    const manager = await staffUser(platform.gql, 'KYC_MANAGER');
    const app = await submittedApplication(platform.gql);
    const review = await eventually(async () => {
      const q = await platform.gql(
        `query($a: ID!) { application(id: $a) { kycReview { id } } }`,
        { a: app.applicationId },
        manager.token,
      );
      return q.data?.application.kycReview?.id as string | undefined;
    });
    const ASSIGN = `mutation($r: ID!, $o: ID!) { assignKyc(reviewId: $r, officerId: $o) { status } }`;
    assert.equal(firstError(await platform.gql(ASSIGN, { r: review, o: both.id }, both.token)), 'FORBIDDEN');
    assert.equal(
      (await platform.gql(ASSIGN, { r: review, o: both.id }, manager.token)).data?.assignKyc.status,
      'ASSIGNED',
    );
    const verified = await platform.gql(
      `mutation($r: ID!, $c: KycChecklistInput!) { verifyKyc(reviewId: $r, checklist: $c) { status } }`,
      { r: review, c: KYC_CHECKLIST },
      both.token,
    );
    assert.equal(verified.data?.verifyKyc.status, 'VERIFIED', JSON.stringify(verified.errors));
    const DECIDE = `mutation($r: ID!) { decideKyc(reviewId: $r, approve: true, reason: "all checks passed") { status } }`;
    const self = await platform.gql(DECIDE, { r: review }, both.token);
    assert.equal(firstError(self), 'FORBIDDEN');
    assert.match(self.errors?.[0]?.message ?? '', /four eyes/);
    assert.equal(
      (await platform.gql(DECIDE, { r: review }, manager.token)).data?.decideKyc.status,
      'APPROVED',
    );
  });
});

describe('credentials that end stop at once', () => {
  test('an API key stops working when it expires, not a cache period later', async () => {
    const partner = await staffUser(platform.gql, 'PARTNER');
    const expiresAt = new Date(Date.now() + 3000).toISOString();
    const issued = await platform.gql(
      `mutation($i: ApiKeyInput!) { createApiKey(input: $i) { key } }`,
      { i: { userId: partner.id, name: 'short-lived', roles: ['PARTNER'], expiresAt } },
      admin,
    );
    const key = issued.data?.createApiKey.key as string;
    assert.ok(key, JSON.stringify(issued.errors));
    const api = platform.gateway.url.replace(/graphql$/, 'api/v1');
    const status = () =>
      fetch(`${api}/applications/00000000-0000-4000-8000-000000000000`, {
        headers: { 'x-api-key': key },
      }).then((r) => r.status);
    assert.equal(await status(), 404, 'works (and is now cached) while it lives');
    await sleep(Math.max(0, Date.parse(expiresAt) - Date.now()) + 200);
    assert.equal(await status(), 401, 'refused right after its expiry (the cache would keep it 30 s)');
  });

  test('a deleted document’s signed link stops working, however long it had left', async () => {
    const c = await submittedApplication(platform.gql);
    // Documents learns of the application by event: upload once it has.
    const up = await eventually(async () => {
      const u = await uploadDocument(platform.gateway.url, c.token, {
        applicationId: c.applicationId,
        type: 'BANK_STATEMENT',
        bytes: fixtures.pdf(),
      });
      return u.status === 201 ? u : undefined;
    });
    const id = up.body.document.id as string;
    const q = await platform.gql(`query($id: ID!) { document(id: $id) { downloadUrl } }`, { id }, c.token);
    const url = `${platform.gateway.url.replace(/\/graphql$/, '')}${q.data?.document.downloadUrl}`;
    assert.equal((await fetch(url)).status, 200);
    const deleted = await platform.gql(
      `mutation($id: ID!) { deleteDocument(id: $id) { status } }`,
      { id },
      c.token,
    );
    assert.equal(deleted.data?.deleteDocument.status, 'DELETED', JSON.stringify(deleted.errors));
    assert.equal((await fetch(url)).status, 404);
  });
});

describe('the client address is throttled too (last: it slows every sign-in from this address)', () => {
  test('many addresses tried from one client address wait once the client has failed too often', async () => {
    // The rule, not a count: once the address is throttled, a try is checked at most once per wait (the
    // environment caps it at 1 s), however fast the tries come — on a slow machine one may be checked.
    const tries: { code: string | undefined; at: number }[] = [];
    for (let i = 0; i < 32; i++) {
      const code = firstError(
        await login(`spray-${i}-${randomBytes(3).toString('hex')}@example.com`, 'Summer2026!!x'),
      );
      tries.push({ code, at: Date.now() });
    }
    const codes = tries.map((t) => t.code).join();
    const throttled = tries.findIndex((t) => t.code === 'RATE_LIMITED');
    assert.ok(throttled > 0, codes);
    const checked = tries.slice(throttled - 1).filter((t) => t.code === 'UNAUTHENTICATED');
    for (let i = 1; i < checked.length; i++) {
      const gap = (checked[i]?.at ?? 0) - (checked[i - 1]?.at ?? 0);
      assert.ok(gap >= 900, `two tries checked ${gap} ms apart while throttled: ${codes}`);
    }
  });
});
