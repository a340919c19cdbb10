import { minAmount } from '../../../platform/finance';
import type { Dues } from './ledger';

export interface InstalmentDue {
  n: number;
  principalMinor: bigint;
  interestMinor: bigint;
  principalPaidMinor: bigint;
  interestPaidMinor: bigint;
}

export interface InstalmentPaid {
  n: number;
  interestMinor: bigint;
  principalMinor: bigint;
  /** The instalment is settled with this payment. */
  settled: boolean;
}

/**
 * Applies a payment: penalties, then fees (as the ledger holds them), then the instalments oldest first —
 * each one's interest, then its principal — into the future (an advance pays the next instalments). What
 * is left after the last instalment is owed back to the borrower.
 */
export function applyPayment(
  amountMinor: bigint,
  charges: Pick<Dues, 'penaltyMinor' | 'feesMinor'>,
  instalments: readonly InstalmentDue[],
) {
  let left = amountMinor;
  const penaltyMinor = minAmount(left, charges.penaltyMinor);
  left -= penaltyMinor;
  const feesMinor = minAmount(left, charges.feesMinor);
  left -= feesMinor;
  const paid: InstalmentPaid[] = [];
  for (const i of [...instalments].sort((a, b) => a.n - b.n)) {
    if (left === 0n) break;
    const interestOpen = i.interestMinor - i.interestPaidMinor;
    const principalOpen = i.principalMinor - i.principalPaidMinor;
    if (interestOpen === 0n && principalOpen === 0n) continue;
    const interest = minAmount(left, interestOpen);
    left -= interest;
    const principal = minAmount(left, principalOpen);
    left -= principal;
    paid.push({
      n: i.n,
      interestMinor: interest,
      principalMinor: principal,
      settled: interest === interestOpen && principal === principalOpen,
    });
  }
  return {
    applied: {
      penaltyMinor,
      feesMinor,
      interestMinor: paid.reduce((s, p) => s + p.interestMinor, 0n),
      principalMinor: paid.reduce((s, p) => s + p.principalMinor, 0n),
    } satisfies Dues,
    instalments: paid,
    advanceMinor: left,
  };
}
