import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { CloudEvent } from '../platform/events';
import { EventHub, encodeCursor, MAX_BUFFERED_EVENTS } from './subscriptions';

/** The hub keeps envelopes whatever their payload: each test event carries only its number. */
const at = (ms: number, n: number): CloudEvent<{ n: number }> => ({
  specversion: '1.0',
  id: randomUUID(),
  type: 'application.status.changed',
  source: 'test',
  time: new Date(ms).toISOString(),
  subject: `a${n}`,
  partitionkey: `a${n}`,
  datacontenttype: 'application/json',
  data: { n },
});
const n = (e: CloudEvent | undefined) => (e as CloudEvent<{ n: number }> | undefined)?.data.n;
const all = () => true;

test('a subscriber that does not read is cut off at the buffer bound without holding up the others', async () => {
  const hub = new EventHub<CloudEvent<{ n: number }>>(Date.now() - 1000, {
    windowMs: 60_000,
    maxEvents: 10_000,
    fromHistory: false,
  });
  let overflows = 0;
  hub.stream(all, () => overflows++);
  const reader = hub.stream(all, () => assert.fail('the reader keeps up'));
  const got: number[] = [];
  for (let i = 0; i <= MAX_BUFFERED_EVENTS; i++) {
    hub.publish(at(Date.now(), i));
    got.push(n((await reader.next()).value) ?? -1);
  }
  assert.equal(overflows, 1, 'told once the buffer is full');
  assert.deepEqual(
    got,
    Array.from({ length: MAX_BUFFERED_EVENTS + 1 }, (_, i) => i),
  );
});

test('since replays what came after the cursor, then goes live; without it only new events come', async () => {
  const now = Date.now();
  const hub = new EventHub<CloudEvent<{ n: number }>>(now - 10_000, {
    windowMs: 60_000,
    maxEvents: 10_000,
    fromHistory: false,
  });
  const history = at(now - 11_000, 0); // read back at start-up: before this replica started
  const events = [1, 2, 3].map((i) => at(now - 3000 + i, i));
  const fresh = hub.stream(all, () => undefined);
  for (const e of [history, ...events]) hub.publish(e);
  assert.deepEqual([n((await fresh.next()).value), n((await fresh.next()).value)], [1, 2]);

  const back = hub.stream(
    (e) => n(e) !== 2,
    () => undefined,
    encodeCursor(events[0] as CloudEvent),
  );
  assert.equal(n((await back.next()).value), 3, 'after the cursor, filtered, not the cursor itself');
  const live = back.next();
  hub.publish(at(Date.now(), 4));
  assert.equal(n((await live).value), 4);
  await back.return?.();
  assert.equal((await back.next()).done, true);
});

test('a cursor older than what the hub remembers, or not a cursor at all, is refused', () => {
  const now = Date.now();
  const hub = new EventHub<CloudEvent<{ n: number }>>(now - 60_000, {
    windowMs: 600_000,
    maxEvents: 2,
    fromHistory: false,
  });
  const events = [1, 2, 3].map((i) => at(now - 30_000 + i * 10_000, i));
  for (const e of events) hub.publish(e);
  const code = (since: string) => {
    try {
      hub.stream(all, () => undefined, since);
      return 'accepted';
    } catch (err) {
      return (err as { extensions?: { code?: string } }).extensions?.code;
    }
  };
  assert.equal(code(encodeCursor(events[0] as CloudEvent)), 'CURSOR_EXPIRED', 'evicted by count');
  assert.equal(code(encodeCursor(events[2] as CloudEvent)), 'accepted');
  assert.equal(code(Buffer.from(`${now - 3_600_000}:x`).toString('base64url')), 'CURSOR_EXPIRED');
  assert.equal(code('bm90IGEgY3Vyc29y'), 'BAD_USER_INPUT');
});
