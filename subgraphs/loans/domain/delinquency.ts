export type Bucket = 'CURRENT' | 'DPD_1_30' | 'DPD_31_60' | 'DPD_61_90' | 'NPA';

/** Days past due between the oldest unpaid due date and a business date (calendar dates). */
export const daysPastDue = (oldestUnpaidDue: string | null, asOf: string) =>
  oldestUnpaidDue && oldestUnpaidDue < asOf
    ? Math.round((Date.parse(asOf) - Date.parse(oldestUnpaidDue)) / 86_400_000)
    : 0;

/** The delinquency bucket of a number of days past due; over 90 is a non-performing asset. */
export function bucketOf(dpd: number): Bucket {
  return dpd <= 0 ? 'CURRENT' : overdueBucketOf(dpd);
}

/** The bucket of an instalment at least a day past due (what a payment.overdue event carries). */
export function overdueBucketOf(dpd: number): Exclude<Bucket, 'CURRENT'> {
  if (dpd <= 30) return 'DPD_1_30';
  if (dpd <= 60) return 'DPD_31_60';
  if (dpd <= 90) return 'DPD_61_90';
  return 'NPA';
}

export const BUCKETS: readonly Bucket[] = ['CURRENT', 'DPD_1_30', 'DPD_31_60', 'DPD_61_90', 'NPA'];

export interface PortfolioLine {
  currency: string;
  loans: number;
  outstandingMinor: bigint;
  buckets: { bucket: Bucket; loans: number; outstandingMinor: bigint }[];
}

/** Active loans (oldest unpaid due date, principal outstanding) summed per currency and bucket. */
export function portfolioLines(
  active: readonly { currency: string; oldest: string | null; outstanding: string }[],
  asOf: string,
): PortfolioLine[] {
  const lines = new Map<string, PortfolioLine>();
  for (const loan of active) {
    let line = lines.get(loan.currency);
    if (!line) {
      line = {
        currency: loan.currency,
        loans: 0,
        outstandingMinor: 0n,
        buckets: BUCKETS.map((bucket) => ({ bucket, loans: 0, outstandingMinor: 0n })),
      };
      lines.set(loan.currency, line);
    }
    const amount = BigInt(loan.outstanding);
    const b = line.buckets[BUCKETS.indexOf(bucketOf(daysPastDue(loan.oldest, asOf)))];
    line.loans++;
    line.outstandingMinor += amount;
    if (b) {
      b.loans++;
      b.outstandingMinor += amount;
    }
  }
  return [...lines.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}
