import assert from 'node:assert/strict';
import { test } from 'node:test';
import { METHODS, PURPOSES } from '../../subgraphs/payments/service';
import { PAYMENT_METHODS, PAYMENT_PURPOSES } from './constraints';

test('the REST schemas offer exactly the payment methods and purposes payments accepts', () => {
  assert.deepEqual(PAYMENT_METHODS, [...METHODS]);
  assert.deepEqual(PAYMENT_PURPOSES, [...PURPOSES]);
});
