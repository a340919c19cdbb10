import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_ROLES } from '../../platform/roles';
import { SUBGRAPHS } from '../../subgraphs';
import { scopeProblem } from '../../subgraphs/identity/domain/api-key';
import { PREPAYMENT_OPTIONS as PLAN_OPTIONS } from '../../subgraphs/loans/domain/prepayment';
import { TERMS_LIMITS } from '../../subgraphs/offers/domain/kfs';
import { METHODS, PURPOSES } from '../../subgraphs/payments/service';
import {
  KEY_ROLES,
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
