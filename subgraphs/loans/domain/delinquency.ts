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
  /** Principal outstanding of loans more than 30 (90) days past due: portfolio at risk. */
  par30Minor: bigint;
  par90Minor: bigint;
  /** Principal outstanding of loans classified NPA (gross NPA), and the provisions held: all, and on NPAs. */
  npaMinor: bigint;
  provisionsMinor: bigint;
  npaProvisionsMinor: bigint;
}

/** A part of a whole in basis points, rounded down; null when there is no whole. */
export const bpsOf = (part: bigint, whole: bigint) => (whole > 0n ? Number((part * 10_000n) / whole) : null);

/**
 * The ratios a lender's board and its regulator read off the book: PAR30 and PAR90 (share of principal
 * outstanding more than 30 / 90 days past due), the gross NPA ratio, and the provision coverage ratio
 * (provisions held on NPAs over gross NPAs).
 */
export const portfolioRatios = (l: PortfolioLine) => ({
  par30Bps: bpsOf(l.par30Minor, l.outstandingMinor),
  par90Bps: bpsOf(l.par90Minor, l.outstandingMinor),
  npaBps: bpsOf(l.npaMinor, l.outstandingMinor),
  provisionCoverageBps: bpsOf(l.npaProvisionsMinor, l.npaMinor),
});

/**
 * Active loans (oldest unpaid due date, principal outstanding; their stored class and provision) summed per
 * currency, bucket, risk and class.
 */
export function portfolioLines(
  active: readonly {
    currency: string;
    oldest: string | null;
    outstanding: string;
    assetClass?: AssetClass;
    provision?: string;
  }[],
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
        par30Minor: 0n,
        par90Minor: 0n,
        npaMinor: 0n,
        provisionsMinor: 0n,
        npaProvisionsMinor: 0n,
      };
      lines.set(loan.currency, line);
    }
    const amount = BigInt(loan.outstanding);
    const dpd = daysPastDue(loan.oldest, asOf);
    const b = line.buckets[BUCKETS.indexOf(bucketOf(dpd))];
    const provision = BigInt(loan.provision ?? 0);
    line.loans++;
    line.outstandingMinor += amount;
    if (dpd > 30) line.par30Minor += amount;
    if (dpd > 90) line.par90Minor += amount;
    line.provisionsMinor += provision;
    if (loan.assetClass === 'NPA') {
      line.npaMinor += amount;
      line.npaProvisionsMinor += provision;
    }
    if (b) {
      b.loans++;
      b.outstandingMinor += amount;
    }
  }
  return [...lines.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/**
 * An account's asset class under RBI's prudential norms (IRACP, and the SMA framework): standard, special
 * mention by days past due at the day's end — SMA-0 1–30, SMA-1 31–60, SMA-2 61–90 — or non-performing.
 */
export type AssetClass = 'STANDARD' | 'SMA_0' | 'SMA_1' | 'SMA_2' | 'NPA';
export const ASSET_CLASSES: readonly AssetClass[] = ['STANDARD', 'SMA_0', 'SMA_1', 'SMA_2', 'NPA'];

/** The class an account's own days past due put it in. */
export function classOfDays(dpd: number): AssetClass {
  if (dpd <= 0) return 'STANDARD';
  if (dpd <= 30) return 'SMA_0';
  if (dpd <= 60) return 'SMA_1';
  if (dpd <= 90) return 'SMA_2';
  return 'NPA';
}

export interface AccountAtDayEnd {
  loanId: string;
  /** Days past due at the day's end (the oldest instalment in arrears). */
  daysPastDue: number;
  /** The class it held until now. */
  current: AssetClass;
}

/**
 * A borrower's active accounts classified at a day's end. Non-performance is the borrower's, not an
 * account's: once any account is over 90 days past due every account of the borrower is NPA, and they stay
 * NPA — however far the days past due fall — until no account has any arrears left; then all are standard.
 * Short of that, each account is in the SMA class of its own days past due.
 */
export function classifyBorrower(accounts: readonly AccountAtDayEnd[]): Map<string, AssetClass> {
  const arrears = accounts.some((a) => a.daysPastDue > 0);
  const npa =
    accounts.some((a) => classOfDays(a.daysPastDue) === 'NPA') ||
    (arrears && accounts.some((a) => a.current === 'NPA'));
  return new Map(accounts.map((a) => [a.loanId, npa ? 'NPA' : classOfDays(a.daysPastDue)]));
}
