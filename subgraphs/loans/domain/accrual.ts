const DAY_MS = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/**
 * The interest of an instalment's period earned by the start of `day` (accrual accounting): the period's
 * open interest spread evenly over its days from `start` (the previous due date, the disbursement, or the
 * day a part-prepayment re-started it) to `due`, rounded down to the paisa on the running total — so no
 * day's rounding is lost, nothing is recognised before it is earned, and on the due date the whole
 * scheduled interest has been earned, exactly. (Fineract's daily accrual spreads a period's interest the
 * same way.)
 */
export function accruedBy(openMinor: bigint, start: string, due: string, day: string): bigint {
  if (openMinor <= 0n || day <= start) return 0n;
  if (day >= due) return openMinor;
  return (openMinor * BigInt(days(start, day))) / BigInt(days(start, due));
}
