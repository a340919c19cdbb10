import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Role } from '../../../platform/roles';
import { parseInput } from '../../../platform/validation';
import {
  apiKeyInputSchema,
  hashApiKey,
  keyUsable,
  looksLikeApiKey,
  newApiKey,
  scopeProblem,
} from './api-key';
import {
  ageOn,
  maskEmail,
  maskPhone,
  normalizeMobile,
  parseKyc,
  profileSchema,
  registrationSchema,
} from './profile';
import { decideRefresh } from './refresh';

const now = new Date('2026-11-25T10:00:00Z');
const later = new Date('2026-12-01T00:00:00Z');

test('refresh: rotate once, then any reuse is detected; revoked and expired are refused', () => {
  assert.equal(decideRefresh({ usedAt: null, revokedAt: null, expiresAt: later }, now), 'rotate');
  assert.equal(decideRefresh({ usedAt: now, revokedAt: null, expiresAt: later }, now), 'reuse');
  assert.equal(decideRefresh({ usedAt: now, revokedAt: now, expiresAt: later }, now), 'revoked');
  assert.equal(decideRefresh({ usedAt: null, revokedAt: null, expiresAt: now }, now), 'expired');
});

test('registration input: e-mail normalized, phone to +91, short passwords refused', () => {
  const r = parseInput(registrationSchema, {
    email: ' Asha@Example.COM ',
    password: 'long-enough-12',
    fullName: 'Asha',
    phone: '98765 43210',
  });
  assert.equal(r.email, 'asha@example.com');
  assert.equal(r.phone, '+919876543210');
  assert.throws(() => parseInput(registrationSchema, { ...r, password: 'short' }), /password: at least 12/);
  assert.throws(() => parseInput(registrationSchema, { ...r, phone: '12345' }), /phone/);
});

test('an Indian mobile number is accepted as people write it and stored one way; anything else is refused', () => {
  const ten = fc
    .tuple(
      fc.constantFrom('6', '7', '8', '9'),
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }),
    )
    .map(([first, rest]) => first + rest.join(''));
  const sep = fc.constantFrom('', ' ', '-', '  ');
  fc.assert(
    fc.property(
      ten,
      fc.constantFrom('', '+91', '0091', '91', '0'),
      sep,
      fc.array(sep, { minLength: 10, maxLength: 10 }),
      (digits, prefix, after, gaps) => {
        const written = prefix + after + [...digits].map((d, i) => d + (gaps[i] ?? '')).join('');
        assert.equal(normalizeMobile(written), `+91${digits}`, written);
        assert.equal(parseInput(profileSchema, { phone: written }).phone, `+91${digits}`);
      },
    ),
  );
  // Not a mobile: another range, a digit short or over, a foreign or doubled prefix, other characters.
  for (const bad of [
    '5876543210',
    '987654321',
    '98765432101',
    '+4498765432100',
    '+91+919876543210',
    '9876543210x',
    '(98765) 43210',
    '',
  ]) {
    assert.equal(normalizeMobile(bad), null, bad);
    assert.throws(
      () => parseInput(profileSchema, { phone: bad }),
      /phone: must be an Indian mobile number/,
      bad,
    );
  }
});

test('KYC: adults only, PIN code of six digits', () => {
  assert.equal(ageOn('2008-11-26', now), 17);
  assert.equal(ageOn('2008-11-25', now), 18);
  const kyc = {
    pan: 'abcpe1234f',
    aadhaar: '234123412346',
    dateOfBirth: '1990-04-01',
    address: { line1: '1 MG Road', city: 'Pune', state: 'MH', postalCode: '411001' },
  };
  assert.equal(parseKyc(kyc).pan, 'ABCPE1234F');
  const minorDob = `${new Date().getUTCFullYear() - 10}-01-01`;
  assert.throws(() => parseKyc({ ...kyc, dateOfBirth: minorDob }), /between 18 and 100/);
  assert.throws(() => parseKyc({ ...kyc, address: { ...kyc.address, postalCode: '0110' } }), /PIN/);
});

test('contact masks', () => {
  assert.equal(maskEmail('asha.rao@example.com'), 'a***@example.com');
  assert.equal(maskPhone('+919876543210'), 'XXXXXX3210');
});

test('a nullable GraphQL input given null counts as not given', () => {
  const r = parseInput(registrationSchema, {
    email: 'a@b.co',
    password: 'a-long-password',
    fullName: 'Asha Rao',
    phone: null,
  });
  assert.equal(r.phone, undefined);
  assert.deepEqual(parseInput(profileSchema, { fullName: null, phone: '9812345678', address: null }), {
    fullName: undefined,
    phone: '+919812345678',
    address: undefined,
  });
});

test('API keys: 256 random bits behind a fixed prefix, only the hash kept, scope within the account', () => {
  const a = newApiKey();
  const b = newApiKey();
  assert.ok(looksLikeApiKey(a.key) && looksLikeApiKey(b.key));
  assert.notEqual(a.key, b.key);
  assert.equal(a.keyHash, hashApiKey(a.key));
  assert.ok(a.key.startsWith(a.prefix) && a.prefix.length === 12);
  assert.ok(!looksLikeApiKey(`${a.key}x`) && !looksLikeApiKey('lfk_short'));
  assert.equal(scopeProblem([Role.PARTNER, Role.KYC_OFFICER], [Role.PARTNER]), null);
  assert.match(scopeProblem([Role.PARTNER], [Role.PARTNER, Role.ADMIN]) ?? '', /does not have ADMIN/);
  assert.match(scopeProblem([Role.ADMIN, Role.SYSTEM], [Role.SYSTEM]) ?? '', /cannot carry SYSTEM/);
  assert.equal(keyUsable({ revokedAt: null, expiresAt: null }, now), true);
  assert.equal(keyUsable({ revokedAt: null, expiresAt: later }, now), true);
  assert.equal(keyUsable({ revokedAt: null, expiresAt: now }, now), false);
  assert.equal(keyUsable({ revokedAt: now, expiresAt: null }, now), false);
  const input = parseInput(apiKeyInputSchema, {
    userId: '0b4f8c3e-7a51-4a8e-9d2c-3f1e6b7a8c9d',
    name: ' Acme checkout ',
    roles: [Role.PARTNER, Role.PARTNER],
  });
  assert.deepEqual([input.name, input.roles, input.expiresAt], ['Acme checkout', [Role.PARTNER], null]);
  assert.throws(() => parseInput(apiKeyInputSchema, { ...input, expiresAt: new Date(Date.now() - 1000) }));
});
