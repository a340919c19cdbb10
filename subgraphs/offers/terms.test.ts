import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AppError } from '../../platform/errors';
import { FREQUENCIES, METHODS } from '../../platform/finance';
import { productOfTerms } from '../../platform/products';
import { productProblems } from './domain/product-terms';
import { parseOfferTerms } from './service';

// Any terms an officer can type are either an offer or a typed error naming the field: never an
// internal error (a moratorium as long as the tenure once reached the amortiser and threw).
test('offer terms are accepted or refused with BAD_USER_INPUT, whatever they are', () => {
  fc.assert(
    fc.property(
      fc.record({
        amountMinor: fc.bigInt(-1n, 10n ** 12n),
        annualRateBps: fc.integer({ min: -1, max: 6000 }),
        tenureMonths: fc.integer({ min: 0, max: 400 }),
        processingFeeMinor: fc.bigInt(-1n, 10n ** 10n),
        frequency: fc.constantFrom(...FREQUENCIES),
        method: fc.constantFrom(...METHODS),
        moratoriumPeriods: fc.integer({ min: 0, max: 30 }),
      }),
      (t) => {
        try {
          const terms = parseOfferTerms({ ...t, validUntil: new Date(Date.now() + 86_400_000) });
          assert.ok(Array.isArray(productProblems(productOfTerms({}), terms)));
        } catch (e) {
          assert.ok(e instanceof AppError && e.code === 'BAD_USER_INPUT', String(e));
        }
      },
    ),
    { numRuns: 500 },
  );
});
