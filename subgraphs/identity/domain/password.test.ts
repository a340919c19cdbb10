import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { passwordProblem } from './password';

test('common and short passwords are refused with a reason; long unpredictable ones pass', () => {
  for (const weak of [
    '1234567890',
    'password12',
    'password1234',
    'qwertyuiop12',
    'iloveyou1234',
    'aaaaaaaaaaaa',
  ]) {
    assert.ok(passwordProblem(weak), weak);
  }
  for (const strong of ['correct-horse-battery', 'my bakery in pune 2024', 'Tr0ub4dor&3xx']) {
    assert.equal(passwordProblem(strong), undefined, strong);
  }
});

test('a password built from the person’s own name or e-mail is refused', () => {
  const personal = ['meera.iyer@example.com', 'Meera Iyer'];
  for (const p of ['meera.iyer2024', 'Iyer-Meera-1990', 'MEERA_IYER_pune']) {
    assert.match(passwordProblem(p, personal) ?? '', /name or e-mail|guess/, p);
  }
});

test('the length bounds hold whatever the content', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 11 }), (p) => {
      assert.match(passwordProblem(p) ?? '', /at least 12/);
    }),
  );
  fc.assert(
    fc.property(fc.string({ minLength: 129, maxLength: 300 }), (p) => {
      assert.match(passwordProblem(p) ?? '', /at most 128/);
    }),
    { numRuns: 20 },
  );
});
