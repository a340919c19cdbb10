import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { AppError } from './errors';
import { parseInput, recordRef } from './validation';

test('every bad field is reported at once, each once, in order, with the first named for one-field clients', () => {
  const fields = ['a', 'b', 'c', 'd', 'e'] as const;
  const schema = z.object(
    Object.fromEntries(
      fields.map((f) => [f, z.string().min(2, 'too short').regex(/^x/, 'must start with x')]),
    ),
  );
  fc.assert(
    fc.property(fc.subarray([...fields]), (bad) => {
      const input = Object.fromEntries(fields.map((f) => [f, bad.includes(f) ? 'y' : 'xx']));
      if (!bad.length) return assert.deepEqual(parseInput(schema, input), input);
      assert.throws(
        () => parseInput(schema, input),
        (e: unknown) => {
          assert.ok(e instanceof AppError && e.code === 'BAD_USER_INPUT');
          const details = e.extensions.details as {
            field: string;
            fields: { field: string; message: string }[];
          };
          assert.deepEqual(
            details.fields.map((f) => f.field),
            bad,
          );
          assert.equal(details.field, bad[0]);
          assert.equal(e.message, bad.map((f) => `${f}: too short`).join('; '));
          return true;
        },
      );
    }),
  );
});

test('a problem with the input as a whole has no field', () => {
  assert.throws(
    () => parseInput(z.string(), 5),
    (e: unknown) =>
      e instanceof AppError &&
      (e.extensions.details as { field?: string; fields: unknown[] }).field === undefined &&
      (e.extensions.details as { fields: unknown[] }).fields.length === 1,
  );
});

test('a record is named by its id or its application’s, exactly one of the two', () => {
  assert.deepEqual(recordRef('offerId', 'o-1', null), { id: 'o-1' });
  assert.deepEqual(recordRef('offerId', undefined, 'a-1'), { applicationId: 'a-1' });
  for (const [id, app] of [
    [null, null],
    ['o-1', 'a-1'],
    ['', undefined],
  ] as const) {
    assert.throws(
      () => recordRef('offerId', id, app),
      (e: unknown) =>
        e instanceof AppError && e.code === 'BAD_USER_INPUT' && /offerId or applicationId/.test(e.message),
    );
  }
});
