export type Bucket = 'CURRENT' | 'DPD_1_30' | 'DPD_31_60' | 'DPD_61_90' | 'NPA';

/** Days past due between the oldest unpaid due date and a business date (calendar dates). */
export const daysPastDue = (oldestUnpaidDue: string | null, asOf: string) =>
  oldestUnpaidDue && oldestUnpaidDue < asOf
    ? Math.round((Date.parse(asOf) - Date.parse(oldestUnpaidDue)) / 86_400_000)
    : 0;

/** The delinquency bucket of a number of days past due; over 90 is a non-performing asset. */
export function bucketOf(dpd: number): Bucket {
  if (dpd <= 0) return 'CURRENT';
  if (dpd <= 30) return 'DPD_1_30';
  if (dpd <= 60) return 'DPD_31_60';
  if (dpd <= 90) return 'DPD_61_90';
  return 'NPA';
}
