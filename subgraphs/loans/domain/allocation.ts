import { minAmount } from '../../../platform/finance';
import { type Bucket, DEFAULT_ORDER, type Dues } from './ledger';

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
 * Applies a payment in the configured order of buckets (penalties → fees → interest → principal by
 * default), instalments oldest first. Charges ordered before both instalment buckets are taken first;
 * charges ordered after them are taken once the instalments due by `asOf` are paid, before any money goes
 * to later instalments (an advance); interest and principal are paid within each instalment in their
 * relative order. What is left after the last instalment is owed back to the borrower.
 */
export function applyPayment(
  amountMinor: bigint,
  charges: Pick<Dues, 'penaltyMinor' | 'feesMinor'>,
  instalments: readonly (InstalmentDue & { dueDate?: string })[],
  order: readonly Bucket[] = DEFAULT_ORDER,
  asOf?: string,
) {
  if (new Set(order).size !== 4 || !DEFAULT_ORDER.every((b) => order.includes(b))) {
    throw new Error(`an allocation order names each of ${DEFAULT_ORDER.join(', ')} once`);
  }
  let left = amountMinor;
  const firstInstalmentBucket = Math.min(order.indexOf('interestMinor'), order.indexOf('principalMinor'));
  const interestFirst = order.indexOf('interestMinor') < order.indexOf('principalMinor');
  const taken = { penaltyMinor: 0n, feesMinor: 0n };
  const takeCharges = (before: boolean) => {
    order.forEach((b, i) => {
      if ((b !== 'penaltyMinor' && b !== 'feesMinor') || i < firstInstalmentBucket !== before) return;
      const take = minAmount(left, charges[b] - taken[b]);
      taken[b] += take;
      left -= take;
    });
  };
  const paid: InstalmentPaid[] = [];
  const payInstalments = (rows: readonly InstalmentDue[]) => {
    for (const i of rows) {
      if (left === 0n) break;
      const interestOpen = i.interestMinor - i.interestPaidMinor;
      const principalOpen = i.principalMinor - i.principalPaidMinor;
      if (interestOpen === 0n && principalOpen === 0n) continue;
      const take = (open: bigint) => {
        const t = minAmount(left, open);
        left -= t;
        return t;
      };
      let interest: bigint;
      let principal: bigint;
      if (interestFirst) {
        interest = take(interestOpen);
        principal = take(principalOpen);
      } else {
        principal = take(principalOpen);
        interest = take(interestOpen);
      }
      paid.push({
        n: i.n,
        interestMinor: interest,
        principalMinor: principal,
        settled: interest === interestOpen && principal === principalOpen,
      });
    }
  };
  const sorted = [...instalments].sort((a, b) => a.n - b.n);
  const isDue = (i: { dueDate?: string }) =>
    asOf === undefined || i.dueDate === undefined || i.dueDate <= asOf;
  takeCharges(true);
  payInstalments(sorted.filter(isDue));
  takeCharges(false);
  payInstalments(sorted.filter((i) => !isDue(i)));
  return {
    applied: {
      ...taken,
      interestMinor: paid.reduce((s, p) => s + p.interestMinor, 0n),
      principalMinor: paid.reduce((s, p) => s + p.principalMinor, 0n),
    } satisfies Dues,
    instalments: paid,
    advanceMinor: left,
  };
}

/** Parses an allocation order such as `penalty,fees,interest,principal` (a loan product's `allocationOrder`). */
export function parseAllocationOrder(text: string): Bucket[] {
  const names: Record<string, Bucket> = {
    penalty: 'penaltyMinor',
    penalties: 'penaltyMinor',
    fees: 'feesMinor',
    interest: 'interestMinor',
    principal: 'principalMinor',
  };
  const order = text.split(',').map((s) => {
    const b = names[s.trim().toLowerCase()];
    if (!b) throw new Error(`unknown allocation bucket "${s.trim()}"`);
    return b;
  });
  if (new Set(order).size !== 4) throw new Error('name penalty, fees, interest and principal once each');
  return order;
}
