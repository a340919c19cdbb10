import './helpers/env';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { EventOf } from '../platform/events';
import { closeOfBusiness } from '../subgraphs/loans/close-of-business';
import { onLifecycleEvent } from '../subgraphs/notifications/service';
import { registerCustomer, staffUser } from './helpers/flows';
import { activeLoan, type Desk, messagesTo, staffDesk, type User } from './helpers/lifecycle';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let desk: Desk;
let internal: User;
let manager: User;
let notifyUrl: string;

before(async () => {
  platform = await startTestPlatform();
  notifyUrl = platform.notifyUrl ?? '';
  desk = await staffDesk(platform.gql);
  internal = await staffUser(platform.gql, 'INTERNAL_APPROVER');
  manager = await staffUser(platform.gql, 'MANAGER');
});
after(async () => {
  await platform?.stop();
});

interface Item {
  id: string;
  eventType: string;
  title: string;
  body: string;
  read: boolean;
  regulatory: boolean;
  createdAt: string;
  deliveries: { channel: string; status: string; attempts: number; lastError: string | null }[];
}
const INBOX = `query($first: Int!, $after: String) { myNotifications(first: $first, after: $after) {
    unreadCount pageInfo { endCursor hasNextPage }
    items { id eventType title body read regulatory createdAt deliveries { channel status attempts lastError } } } }`;
const inbox = async (token: string, first = 100, after?: string) => {
  const r = await platform.gql(INBOX, { first, after }, token);
  assert.ok(r.data, JSON.stringify(r.errors));
  return r.data.myNotifications as {
    unreadCount: number;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    items: Item[];
  };
};
const notice = (token: string, eventType: string, n = 1) =>
  eventually(async () => {
    const found = (await inbox(token)).items.filter((i) => i.eventType === eventType);
    return found.length >= n ? (found[0] as Item) : undefined;
  }, 30_000);
const mode = (m: 'ok' | 'fail' | 'reject') =>
  fetch(`${notifyUrl}/admin/mode`, { method: 'POST', body: JSON.stringify({ mode: m }) });

test('lifecycle events reach the inbox, the mailbox over SMTP and the phone; paging, read marks, ownership, dedup', async () => {
  const c = await activeLoan(platform.gql, desk, { internal, manager }, notifyUrl);
  const paidOut = await notice(c.token, 'disbursement.completed');
  assert.equal(paidOut.title, 'Loan disbursed');
  assert.equal(paidOut.regulatory, true);
  assert.match(paidOut.body, /₹3,96,000\.00 was paid out/, 'the amount net of the processing fee');

  const mail = await eventually(async () =>
    (await messagesTo(notifyUrl, c.email)).find((m) => m.subject === 'Loan disbursed'),
  );
  assert.equal(mail.channel, 'email');
  assert.match(mail.text, /Grievance Redressal Officer/, 'the regulatory disclosure travels with the e-mail');
  const text = await eventually(async () =>
    (await messagesTo(notifyUrl, c.phone)).find((m) => m.text.includes('was paid out')),
  );
  assert.equal(text.channel, 'sms');
  const sent = await eventually(async () => {
    const n = (await inbox(c.token)).items.find((i) => i.id === paidOut.id);
    return n?.deliveries.every((d) => d.status === 'SENT') ? n : undefined;
  });
  assert.deepEqual(
    sent.deliveries.map((d) => d.channel),
    ['EMAIL', 'PUSH', 'SMS'],
  );

  // Newest first, in pages that neither skip nor repeat.
  const all = await inbox(c.token);
  assert.ok(all.items.length >= 6, `the journey so far: ${all.items.map((i) => i.eventType)}`);
  assert.equal(all.unreadCount, all.items.length);
  const first = await inbox(c.token, 2);
  assert.equal(first.items.length, 2);
  assert.equal(first.pageInfo.hasNextPage, true);
  const second = await inbox(c.token, 2, first.pageInfo.endCursor ?? undefined);
  assert.deepEqual(
    [...first.items, ...second.items].map((i) => i.id),
    all.items.slice(0, 4).map((i) => i.id),
  );
  const times = all.items.map((i) => Date.parse(i.createdAt));
  assert.deepEqual(
    times,
    [...times].sort((a, b) => b - a),
  );

  const MARK = `mutation($id: ID!) { markNotificationRead(id: $id) { id read readAt } }`;
  const stranger = await registerCustomer(platform.gql, 'Prying Eyes');
  assert.equal(firstError(await platform.gql(MARK, { id: paidOut.id }, stranger.token)), 'NOT_FOUND');
  assert.equal((await inbox(stranger.token)).items.length, 0, 'nobody sees another person’s inbox');
  const marked = await platform.gql(MARK, { id: paidOut.id }, c.token);
  assert.equal(marked.data?.markNotificationRead.read, true);
  assert.equal((await platform.gql(MARK, { id: paidOut.id }, c.token)).data?.markNotificationRead.read, true);
  assert.equal((await inbox(c.token)).unreadCount, all.unreadCount - 1);

  assert.equal(
    firstError(await platform.gql(INBOX, { first: 2, after: 'not-a-cursor' }, c.token)),
    'BAD_USER_INPUT',
  );
  assert.equal(firstError(await platform.gql(INBOX, { first: 0 }, c.token)), 'BAD_USER_INPUT');
  assert.equal(
    firstError(await platform.gql('{ myNotifications(first: 1) { unreadCount } }')),
    'UNAUTHENTICATED',
  );
  // Signed out, only small documents are read at all (docs/security.md).
  assert.equal(firstError(await platform.gql(INBOX, { first: 5 })), 'QUERY_TOO_COMPLEX');

  // The same event delivered again (as Kafka may) makes no second notification and no second send.
  const [row] = await platform
    .db('loans')
    .query(
      `SELECT payload FROM outbox WHERE type = 'disbursement.completed' AND payload->'data'->>'loanId' = $1`,
      [c.loanId],
    );
  await platform
    .db('notifications')
    .transaction((m) => onLifecycleEvent(m, row.payload as EventOf<'disbursement.completed'>));
  const again = await inbox(c.token);
  assert.equal(again.items.filter((i) => i.eventType === 'disbursement.completed').length, 1);
  const deliveries = await platform
    .db('notifications')
    .query(`SELECT count(*)::int AS n FROM deliveries WHERE notification_id = $1 AND channel <> 'IN_APP'`, [
      paidOut.id,
    ]);
  assert.equal(deliveries[0].n, 3);
});

test('preferences choose the channels per category; regulatory notices still go out; failed sends are retried, then FAILED', async () => {
  const c = await activeLoan(platform.gql, desk, { internal, manager }, notifyUrl);
  const PREFS = `query { myNotificationPreferences { category email sms push inApp } }`;
  const defaults = (await platform.gql(PREFS, {}, c.token)).data?.myNotificationPreferences;
  assert.deepEqual(
    defaults.find((p: { category: string }) => p.category === 'PAYMENT'),
    { category: 'PAYMENT', email: true, sms: true, push: true, inApp: true },
  );
  const SET = `mutation($p: [NotificationPreferenceInput!]!) { updateNotificationPreferences(preferences: $p) { category email sms push inApp } }`;
  const quiet = { email: false, sms: false, push: false };
  assert.equal(
    firstError(
      await platform.gql(
        SET,
        {
          p: [
            { category: 'PAYMENT', ...quiet, inApp: true },
            { category: 'PAYMENT', ...quiet, inApp: false },
          ],
        },
        c.token,
      ),
    ),
    'BAD_USER_INPUT',
  );
  const unknownCategory = await platform.gql(
    SET,
    { p: [{ category: 'NOPE', ...quiet, inApp: true }] },
    c.token,
  );
  assert.equal(firstError(unknownCategory), 'BAD_USER_INPUT');
  assert.equal(unknownCategory.status, 400, 'the caller’s mistake, not a server error');
  const set = await platform.gql(
    SET,
    {
      p: [
        { category: 'PAYMENT', ...quiet, inApp: true },
        { category: 'OVERDUE', ...quiet, inApp: false },
      ],
    },
    c.token,
  );
  assert.equal(
    set.data?.updateNotificationPreferences.find((p: { category: string }) => p.category === 'OVERDUE').inApp,
    false,
  );

  const loan = (
    await platform.gql(
      `query($id: ID!) { loan(id: $id) { schedule { dueDate } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.loan;
  const day = 86_400_000;
  const dateAfter = (due: string, days: number) =>
    new Date(Date.parse(due) + days * day).toISOString().slice(0, 10);
  const loansDb = platform.db('loans');

  // A reminder before the due date: in-app only, as chosen for PAYMENT.
  await closeOfBusiness(loansDb, dateAfter(loan.schedule[0].dueDate, -2));
  const reminder = await notice(c.token, 'repayment.reminder');
  assert.match(reminder.body, new RegExp(`due on ${loan.schedule[0].dueDate}`));
  assert.deepEqual(reminder.deliveries, []);

  // Overdue: regulatory, so kept and e-mailed although the borrower switched OVERDUE off.
  await closeOfBusiness(loansDb, dateAfter(loan.schedule[0].dueDate, 3));
  const late = await notice(c.token, 'payment.overdue');
  assert.equal(late.regulatory, true);
  const mail = await eventually(async () =>
    (await messagesTo(notifyUrl, c.email)).find((m) => m.subject === 'Payment overdue'),
  );
  assert.match(mail.text, /Instalment 1 due on .* is 1 days overdue/);
  assert.match(mail.text, /credit information companies/);
  assert.equal(late.deliveries.length, 1);
  assert.equal(late.deliveries[0]?.channel, 'EMAIL');

  // The mail relay refuses for a while: retried with back-off, then sent once it recovers.
  await mode('fail');
  await closeOfBusiness(loansDb, dateAfter(loan.schedule[1].dueDate, 1));
  const retried = await eventually(async () => {
    const n = (await inbox(c.token)).items.find((i) => i.body.includes('Instalment 2 due'));
    return n && (n.deliveries[0]?.attempts ?? 0) >= 2 ? n : undefined;
  });
  assert.equal(retried.deliveries[0]?.status, 'PENDING');
  assert.match(retried.deliveries[0]?.lastError ?? '', /SMTP delivery failed \(451\)/);
  await mode('ok');
  await eventually(async () => {
    const n = (await inbox(c.token)).items.find((i) => i.id === retried.id);
    return n?.deliveries[0]?.status === 'SENT';
  });

  // Refused for good (a 5xx reply): after the last attempt the send is recorded as FAILED, with the reason.
  // (A relay that is only away, as above, is waited for however long it takes.)
  await mode('reject');
  try {
    await closeOfBusiness(loansDb, dateAfter(loan.schedule[2].dueDate, 1));
    const failed = await eventually(async () => {
      const n = (await inbox(c.token)).items.find((i) => i.body.includes('Instalment 3 due'));
      return n?.deliveries[0]?.status === 'FAILED' ? n : undefined;
    }, 30_000);
    assert.equal(failed.deliveries[0]?.attempts, 5);
  } finally {
    await mode('ok');
  }
  assert.ok(
    !(await messagesTo(notifyUrl, c.email)).some((m) => m.text.includes('Instalment 3 due')),
    'nothing was delivered while the relay refused',
  );
});

test('a flood of bulk reminders is sent at the configured rate and does not hold up other messages', async () => {
  const db = platform.db('notifications');
  const recipient = randomUUID();
  const bulk = 300;
  await db.query(
    `INSERT INTO deliveries (id, notification_id, recipient_id, channel, priority, subject, body, status, attempts, next_attempt_at, created_at)
     SELECT gen_random_uuid(), 'bulk-' || g, $1, 'PUSH', 2, 'Instalment due soon', 'reminder ' || g, 'PENDING', 0, now(), now()
       FROM generate_series(1, $2) g`,
    [recipient, bulk],
  );
  await new Promise((r) => setTimeout(r, 500));
  await db.query(
    `INSERT INTO deliveries (id, notification_id, recipient_id, channel, priority, subject, body, status, attempts, next_attempt_at, created_at)
     VALUES (gen_random_uuid(), 'urgent-1', $1, 'PUSH', 1, 'Payment credited', 'credited', 'PENDING', 0, now(), now())`,
    [recipient],
  );
  const waiting = await eventually(async () => {
    const [u] = await db.query(`SELECT status FROM deliveries WHERE notification_id = 'urgent-1'`);
    if (u.status !== 'SENT') return undefined;
    const [p] = await db.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE recipient_id = $1 AND priority = 2 AND status = 'PENDING'`,
      [recipient],
    );
    return { n: p.n as number };
  });
  assert.ok(waiting.n > 0, 'the transactional message went ahead of the reminders still queued');
  await eventually(async () => {
    const [p] = await db.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE recipient_id = $1 AND status = 'SENT'`,
      [recipient],
    );
    return p.n === bulk + 1;
  }, 30_000);
  // No second of sending holds more than the rate (50/s by default) plus one batch.
  const [busiest] = await db.query(
    `SELECT max(n)::int AS n FROM (
       SELECT count(*) OVER (ORDER BY sent_at RANGE BETWEEN CURRENT ROW AND interval '1 second' FOLLOWING) AS n
         FROM deliveries WHERE recipient_id = $1) w`,
    [recipient],
  );
  assert.ok(busiest.n <= 70, `at most ~50 sends in any second (and a batch either side), saw ${busiest.n}`);
  const pushed = await messagesTo(notifyUrl, recipient);
  assert.equal(pushed.length, bulk + 1);
});
