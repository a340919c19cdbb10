import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { waitSeconds } from './throttle';

const policy = { free: 3, maxDelaySeconds: 900, windowSeconds: 86_400 };
const at = (s: number) => new Date(1_800_000_000_000 + s * 1000);

test('no wait for the free tries, then 1, 2, 4… seconds after the last failure, capped', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 2000 }), (failures, elapsed) => {
      const wait = waitSeconds({ failures, lastFailureAt: at(0) }, at(elapsed), policy);
      const delay =
        failures < policy.free ? 0 : Math.min(2 ** (failures - policy.free), policy.maxDelaySeconds);
      assert.equal(wait, Math.max(0, Math.ceil(delay - elapsed)));
      assert.ok(wait <= policy.maxDelaySeconds);
    }),
  );
});

test('more failures never mean a shorter wait; a quiet window forgets them', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 100 }), (failures, elapsed) => {
      const now = at(elapsed);
      const a = waitSeconds({ failures, lastFailureAt: at(0) }, now, policy);
      const b = waitSeconds({ failures: failures + 1, lastFailureAt: at(0) }, now, policy);
      assert.ok(b >= a);
    }),
  );
  assert.equal(waitSeconds({ failures: 50, lastFailureAt: at(0) }, at(86_401), policy), 0);
});
