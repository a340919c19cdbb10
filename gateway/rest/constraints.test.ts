import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_ROLES } from '../../platform/roles';
import { scopeProblem } from '../../subgraphs/identity/domain/api-key';
import { METHODS, PURPOSES } from '../../subgraphs/payments/service';
import { KEY_ROLES, PAYMENT_METHODS, PAYMENT_PURPOSES } from './constraints';

test('the REST schemas offer exactly the payment methods and purposes payments accepts', () => {
  assert.deepEqual(PAYMENT_METHODS, [...METHODS]);
  assert.deepEqual(PAYMENT_PURPOSES, [...PURPOSES]);
});

test('the REST schema offers exactly the roles identity lets an API key carry', () => {
  assert.deepEqual(
    KEY_ROLES,
    ALL_ROLES.filter((r) => scopeProblem(ALL_ROLES, [r]) === null),
  );
});
