// The offer board (RBI Digital Lending Directions 2025, ¶6: a platform working with several regulated
// lenders shows the borrower every matching offer and lets them choose). Pure: what was asked, what came
// back and when, in; what the borrower is shown, out — so the audit record can be rebuilt from the answers.

/**
 * The disclosed ranking method, versioned: its version is stored with every board shown. Lowest APR
 * first (the all-in annual cost, fees included), then the lowest total payable, then the lender's name
 * (so the order never depends on who answered first). Nothing a lender pays the platform is an input.
 */
export const RANKING = {
  version: 'apr-total-name/1',
  description: 'Lowest APR first; where equal, lowest total payable; where equal, lender name A–Z.',
} as const;

/** One lender's answer to the quote request, as it arrived. */
export type Answer =
  | { lenderCode: string; lenderName: string; kind: 'QUOTED'; afterMs: number; quote: Quote }
  | { lenderCode: string; lenderName: string; kind: 'DECLINED'; afterMs: number }
  | { lenderCode: string; lenderName: string; kind: 'FAILED' | 'NO_ANSWER' };

export interface Quote {
  amountMinor: bigint;
  tenureMonths: number;
  annualRateBps: number;
  /** APR in basis points (platform/finance's convention), the first ranking key. */
  aprBps: number;
  emiMinor: bigint;
  totalPayableMinor: bigint;
}

/** Why a lender is not on the board, in words that say nothing of its credit decision. */
export type NotShownReason = 'NO_OFFER' | 'NO_ANSWER_IN_TIME';

export interface Board {
  ranking: typeof RANKING.version;
  offers: { rank: number; lenderCode: string; lenderName: string; quote: Quote }[];
  notMatched: { lenderCode: string; lenderName: string; reason: NotShownReason }[];
  /** Quotes that came after the deadline: recorded, never shown. */
  late: { lenderCode: string; afterMs: number; quote: Quote }[];
}

const byRanking = (a: Board['offers'][number], b: Board['offers'][number]) =>
  a.quote.aprBps - b.quote.aprBps ||
  (a.quote.totalPayableMinor < b.quote.totalPayableMinor
    ? -1
    : a.quote.totalPayableMinor > b.quote.totalPayableMinor
      ? 1
      : 0) ||
  a.lenderName.localeCompare(b.lenderName, 'en') ||
  a.lenderCode.localeCompare(b.lenderCode, 'en');

/**
 * The board from every lender's answer within `deadlineMs` of the request: each quote in time is an offer,
 * ranked by RANKING; a decline, a failure or silence names the lender as not matched with a neutral reason;
 * a quote after the deadline is kept as late and the lender is shown as not answering in time.
 */
export function offerBoard(answers: readonly Answer[], deadlineMs: number): Board {
  const offers: Board['offers'] = [];
  const notMatched: Board['notMatched'] = [];
  const late: Board['late'] = [];
  for (const a of answers) {
    const who = { lenderCode: a.lenderCode, lenderName: a.lenderName };
    if (a.kind === 'QUOTED' && a.afterMs <= deadlineMs) offers.push({ rank: 0, ...who, quote: a.quote });
    else if (a.kind === 'DECLINED' && a.afterMs <= deadlineMs)
      notMatched.push({ ...who, reason: 'NO_OFFER' });
    else {
      if (a.kind === 'QUOTED') late.push({ lenderCode: a.lenderCode, afterMs: a.afterMs, quote: a.quote });
      notMatched.push({ ...who, reason: 'NO_ANSWER_IN_TIME' });
    }
  }
  offers.sort(byRanking);
  notMatched.sort(
    (a, b) =>
      a.lenderName.localeCompare(b.lenderName, 'en') || a.lenderCode.localeCompare(b.lenderCode, 'en'),
  );
  late.sort((a, b) => a.lenderCode.localeCompare(b.lenderCode, 'en'));
  return {
    ranking: RANKING.version,
    offers: offers.map((o, i) => ({ ...o, rank: i + 1 })),
    notMatched,
    late,
  };
}
