import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { createLogger, scrub } from './log';

test('identifiers are never masked: UUIDs (event ids among them) pass through whatever their digits', () => {
  fc.assert(
    fc.property(fc.uuid(), (id) => {
      assert.equal(scrub(`event ${id} handled`), `event ${id} handled`);
    }),
    { numRuns: 2000 },
  );
  // Digit-only groups that look like an Aadhaar number laid out in fours.
  for (const id of ['4d158ddc-3274-4912-8073-623412345678', '00000000-0000-4000-8000-234123412346']) {
    assert.equal(scrub(id), id);
  }
  assert.equal(scrub(randomUUID()).length, 36);
});

test('scrub masks PAN, Aadhaar, e-mail, phone and tokens inside free text', () => {
  const line = scrub(
    'PAN ABCPE1234F aadhaar 2341 2341 2346 mail asha.rao@example.com phone +91 9876543210 jwt eyJa.eyJb.sig',
  );
  assert.equal(line, 'PAN XXXXX1234F aadhaar XXXX-XXXX-2346 mail [email] phone [phone] jwt [token]');
});

test('the platform logger never writes PII, whatever key it hides under', () => {
  const lines: string[] = [];
  const log = createLogger({ write: (s: string) => lines.push(s) });
  log.level = 'info';
  log.info(
    { customer: { pan: 'ABCPE1234F', note: 'aadhaar 234123412346' }, email: 'a@b.co' },
    'kyc for ABCPE1234F',
  );
  log.warn(
    { err: new Error('duplicate key for asha@example.com') },
    'login by asha@example.com from 9876543210',
  );
  log.info({ input: { password: 'hunter2-hunter2', refreshToken: 'opaque-refresh' } }, 'register');
  const out = lines.join('\n');
  assert.equal(lines.length, 3, out);
  for (const secret of [
    'ABCPE1234F',
    '234123412346',
    'a@b.co',
    'asha@example.com',
    '9876543210',
    'hunter2',
    'opaque-refresh',
  ]) {
    assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
  }
  assert.ok(out.includes('XXXXX1234F'), 'masked values stay useful for support');
});
