import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Answer, offerBoard, RANKING } from './offer-board';

const quote = fc.record({
  amountMinor: fc.bigInt({ min: 1n, max: 10n ** 10n }),
  tenureMonths: fc.integer({ min: 1, max: 120 }),
  annualRateBps: fc.integer({ min: 0, max: 3600 }),
  aprBps: fc.integer({ min: 0, max: 5000 }),
  emiMinor: fc.bigInt({ min: 1n, max: 10n ** 9n }),
  totalPayableMinor: fc.bigInt({ min: 1n, max: 10n ** 11n }),
});
const answer = (code: string): fc.Arbitrary<Answer> =>
  fc
    .oneof(
      fc.record({ kind: fc.constant('QUOTED' as const), afterMs: fc.integer({ min: 0, max: 3000 }), quote }),
      fc.record({ kind: fc.constant('DECLINED' as const), afterMs: fc.integer({ min: 0, max: 3000 }) }),
      fc.record({ kind: fc.constantFrom('FAILED' as const, 'NO_ANSWER' as const) }),
    )
    .map((a) => ({ ...a, lenderCode: code, lenderName: `Lender ${code}` }) as Answer);
const answers = fc
  .uniqueArray(fc.stringMatching(/^[A-Z]{2,6}$/), { minLength: 0, maxLength: 12 })
  .chain((codes) => fc.tuple(...codes.map(answer)));

test('every lender asked is on the board once: an offer if it quoted in time, otherwise named as not matched', () => {
  fc.assert(
    fc.property(answers, fc.integer({ min: 0, max: 3000 }), (all, deadline) => {
      const board = offerBoard(all, deadline);
      const shown = [...board.offers.map((o) => o.lenderCode), ...board.notMatched.map((n) => n.lenderCode)];
      assert.deepEqual([...shown].sort(), all.map((a) => a.lenderCode).sort());
      for (const a of all) {
        const inTime = 'afterMs' in a && a.afterMs <= deadline;
        assert.equal(
          board.offers.some((o) => o.lenderCode === a.lenderCode),
          a.kind === 'QUOTED' && inTime,
        );
        // A quote after the deadline is recorded, never shown.
        assert.equal(
          board.late.some((l) => l.lenderCode === a.lenderCode),
          a.kind === 'QUOTED' && !inTime,
        );
      }
      assert.equal(board.ranking, RANKING.version);
    }),
  );
});

test('offers are ranked by the disclosed method only — APR, then total payable, then name — whatever order they came in', () => {
  fc.assert(
    fc.property(answers, fc.integer({ min: 0, max: 3000 }), (all, deadline) => {
      const board = offerBoard(all, deadline);
      assert.deepEqual(
        board.offers.map((o) => o.rank),
        board.offers.map((_, i) => i + 1),
      );
      for (const [a, b] of board.offers.slice(1).map((o, i) => [board.offers[i], o] as const)) {
        assert.ok(
          a.quote.aprBps < b.quote.aprBps ||
            (a.quote.aprBps === b.quote.aprBps &&
              (a.quote.totalPayableMinor < b.quote.totalPayableMinor ||
                (a.quote.totalPayableMinor === b.quote.totalPayableMinor && a.lenderName <= b.lenderName))),
        );
      }
      const reversed = offerBoard([...all].reverse(), deadline);
      assert.deepEqual(reversed, board, 'the order of arrival does not matter');
    }),
  );
});

test('a lender that did not match is named with a neutral reason, never its credit decision', () => {
  const board = offerBoard(
    [
      { lenderCode: 'A', lenderName: 'Alpha Finance', kind: 'DECLINED', afterMs: 50 },
      { lenderCode: 'B', lenderName: 'Beta Bank', kind: 'NO_ANSWER' },
      { lenderCode: 'C', lenderName: 'Gamma NBFC', kind: 'DECLINED', afterMs: 900 },
    ],
    500,
  );
  assert.deepEqual(board.notMatched, [
    { lenderCode: 'A', lenderName: 'Alpha Finance', reason: 'NO_OFFER' },
    { lenderCode: 'B', lenderName: 'Beta Bank', reason: 'NO_ANSWER_IN_TIME' },
    { lenderCode: 'C', lenderName: 'Gamma NBFC', reason: 'NO_ANSWER_IN_TIME' },
  ]);
});
