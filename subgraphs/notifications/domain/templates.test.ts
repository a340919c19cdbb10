import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PaymentOverdue } from '../../../platform/events/event-map';
import {
  backoffMs,
  channelsFor,
  GRIEVANCE,
  NOTIFYING_EVENTS,
  type NotifyingEvent,
  Priority,
  render,
} from './templates';

const ids = { loanId: 'l', applicationId: 'a', customerId: 'c' };
const overdue: PaymentOverdue = {
  loanId: 'l',
  applicationId: 'a',
  customerId: 'c',
  instalment: 3,
  dueDate: '2027-03-05',
  daysPastDue: 4,
  bucket: 'DPD_1_30',
  lateFeeMinor: '50000',
};

test('an overdue notice is regulatory: exact figures, the bureau disclosure and the grievance channel', () => {
  const n = render('payment.overdue', overdue);
  assert.ok(n);
  assert.equal(n.category, 'OVERDUE');
  assert.equal(n.regulatory, true);
  assert.equal(n.priority, Priority.REGULATORY);
  assert.match(n.body, /Instalment 3 due on 2027-03-05 is 4 days overdue/);
  assert.match(n.body, /₹500\.00/);
  assert.match(n.body, /credit information companies/);
  assert.ok(n.body.endsWith(GRIEVANCE));
});

test('events that matter to nobody make no notification; reminders are bulk', () => {
  // The consumer subscribes to NOTIFYING_EVENTS alone, and render() takes no other type (a compile error).
  for (const quiet of ['risk.assessment.completed', 'customer.registered'])
    assert.ok(!NOTIFYING_EVENTS.includes(quiet as NotifyingEvent), quiet);
  const r = render('repayment.reminder', {
    ...ids,
    instalment: 2,
    dueDate: '2027-02-05',
    amountMinor: '1163000',
  });
  assert.equal(r?.priority, Priority.BULK);
  assert.match(r?.body ?? '', /₹11,630\.00 is due on 2027-02-05/);
});

test('channels follow the choice, but a regulatory message is always kept in-app and e-mailed', () => {
  const none = { EMAIL: false, SMS: false, PUSH: false, IN_APP: false };
  const paid = render('payment.verified', {
    ...ids,
    paymentId: 'p',
    amountMinor: '100',
    currency: 'INR',
    method: 'UPI',
    purpose: 'INSTALMENT',
    receivedAt: '2027-02-05T10:00:00Z',
  });
  assert.ok(paid);
  assert.deepEqual(channelsFor(paid, none), []);
  assert.deepEqual(channelsFor(paid, { ...none, SMS: true }), ['SMS']);
  assert.deepEqual(
    channelsFor(paid, undefined),
    ['EMAIL', 'SMS', 'PUSH', 'IN_APP'],
    'money matters: SMS by default',
  );
  const offer = render('discussion.offer.expired', {
    ...ids,
    offerId: 'o',
    round: 1,
    validUntil: '2027-02-05T10:00:00Z',
    reason: 'not answered in time',
  });
  assert.ok(offer);
  assert.deepEqual(channelsFor(offer, undefined), ['EMAIL', 'PUSH', 'IN_APP']);
  const late = render('payment.overdue', overdue);
  assert.ok(late);
  assert.deepEqual(channelsFor(late, none), ['EMAIL', 'IN_APP']);
});

test('back-off doubles from the base and stops at an hour', () => {
  assert.deepEqual(
    [1, 2, 3, 4].map((a) => backoffMs(a, 1000)),
    [1000, 2000, 4000, 8000],
  );
  assert.equal(backoffMs(30, 1000), 3_600_000);
});

test('every event with a template has a published schema', () => {
  const dir = join(__dirname, '../../../schema/events');
  for (const type of NOTIFYING_EVENTS) assert.ok(existsSync(join(dir, `${type}.json`)), type);
});
