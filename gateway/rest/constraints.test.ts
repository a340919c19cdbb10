import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ALL_ROLES } from '../../platform/roles';
import { SUBGRAPHS } from '../../subgraphs';
import { scopeProblem } from '../../subgraphs/identity/domain/api-key';
import { normalizeMobile } from '../../subgraphs/identity/domain/profile';
import { PREPAYMENT_OPTIONS as PLAN_OPTIONS } from '../../subgraphs/loans/domain/prepayment';
import { TERMS_LIMITS } from '../../subgraphs/offers/domain/kfs';
import { METHODS, PURPOSES } from '../../subgraphs/payments/service';
import {
  KEY_ROLES,
  MOBILE,
  OFFER_LIMITS,
  PAYMENT_METHODS,
  PAYMENT_PURPOSES,
  PREPAYMENT_OPTIONS,
} from './constraints';
import { SERVICES } from './routes';

test('the REST schemas offer exactly the payment methods and purposes payments accepts', () => {
  assert.deepEqual(PAYMENT_METHODS, [...METHODS]);
  assert.deepEqual(PAYMENT_PURPOSES, [...PURPOSES]);
});

test('the REST schema offers exactly the prepayment options loans plans', () => {
  assert.deepEqual(PREPAYMENT_OPTIONS, [...PLAN_OPTIONS]);
});

test('the REST schema offers exactly the roles identity lets an API key carry', () => {
  assert.deepEqual(
    KEY_ROLES,
    ALL_ROLES.filter((r) => scopeProblem(ALL_ROLES, [r]) === null),
  );
});

test('/health/{service} names the gateway and exactly the subgraphs', () => {
  assert.deepEqual(SERVICES, ['gateway', ...SUBGRAPHS.map((s) => s.name)]);
});

test('the REST offer terms carry the limits offers enforces', () => {
  assert.deepEqual(
    Object.fromEntries(Object.entries(OFFER_LIMITS).map(([k, v]) => [k, BigInt(v)])),
    Object.fromEntries(Object.entries(TERMS_LIMITS).map(([k, v]) => [k, BigInt(v)])),
  );
});

test('the REST mobile number rule is never looser than identity and takes the usual ways of writing one', () => {
  const pattern = new RegExp(MOBILE.pattern as string, 'u');
  const chars = fc.constantFrom('+', '0', '1', '6', '9', '5', ' ', '-', 'x');
  fc.assert(
    fc.property(
      fc.array(chars, { maxLength: 18 }),
      fc.constantFrom('', '+91', '0', '91', '0091'),
      (cs, prefix) => {
        const written = prefix + cs.join('');
        if (pattern.test(written)) assert.notEqual(normalizeMobile(written), null, written);
      },
    ),
    { numRuns: 5_000 },
  );
  for (const usual of [
    '9876543210',
    '+919876543210',
    '+91 98765 43210',
    '+91-98765-43210',
    '09876543210',
    '919876543210',
  ]) {
    assert.ok(pattern.test(usual), usual);
  }
});
