import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppError } from './errors';
import {
  blindIndex,
  decryptPii,
  encryptPii,
  maskAadhaar,
  maskPan,
  normalizeAadhaar,
  normalizePan,
  piiKeyId,
  verhoeffValid,
} from './pii';

test('PAN: format with holder type, normalized to upper case', () => {
  assert.equal(normalizePan(' abcpe1234f '), 'ABCPE1234F');
  for (const bad of ['ABCPE1234', 'ABCXE1234F', 'ABCPE12345', '1BCPE1234F', '']) {
    assert.throws(
      () => normalizePan(bad),
      (e: AppError) => e.code === 'BAD_USER_INPUT' && e.message.includes('PAN'),
    );
  }
});

test('Aadhaar: 12 digits, not starting 0/1, Verhoeff check digit', () => {
  assert.equal(verhoeffValid('2363'), true, 'the textbook Verhoeff example 236 → 3');
  assert.equal(verhoeffValid('2364'), false);
  assert.equal(normalizeAadhaar('2341 2341 2346'), '234123412346');
  for (const bad of ['234123412345', '134123412346', '23412341234', 'abcd12341234']) {
    assert.throws(
      () => normalizeAadhaar(bad),
      (e: AppError) => e.code === 'BAD_USER_INPUT',
    );
  }
});

test('masks show only what identifies a record to a person who holds it', () => {
  assert.equal(maskPan('ABCPE1234F'), 'XXXXX1234F');
  assert.equal(maskAadhaar('234123412346'), 'XXXX-XXXX-2346');
});

test('AES-256-GCM: round trip, fresh IV each time, key id carried, tampering detected', () => {
  const a = encryptPii('ABCPE1234F');
  const b = encryptPii('ABCPE1234F');
  assert.notEqual(a, b);
  assert.equal(decryptPii(a), 'ABCPE1234F');
  assert.equal(piiKeyId(a), 'dev1');
  assert.ok(!a.includes('ABCPE1234F'));
  const parts = a.split('.');
  const body = Buffer.from(parts[3] ?? '', 'base64url');
  body[0] = (body[0] ?? 0) ^ 1;
  assert.throws(() => decryptPii([...parts.slice(0, 3), body.toString('base64url')].join('.')));
});

test('blind index: stable per value and kind, different across them', () => {
  assert.equal(blindIndex('pan', 'ABCPE1234F'), blindIndex('pan', 'ABCPE1234F'));
  assert.notEqual(blindIndex('pan', 'ABCPE1234F'), blindIndex('pan', 'ABCPE1234G'));
  assert.notEqual(blindIndex('pan', 'X'), blindIndex('aadhaar', 'X'));
  assert.match(blindIndex('pan', 'ABCPE1234F'), /^[0-9a-f]{64}$/);
});
