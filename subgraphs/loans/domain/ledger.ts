import { AppError } from '../../../platform/errors';
import { minAmount } from '../../../platform/finance';

/**
 * The loan's double-entry accounts. Asset accounts (receivables, bank) carry debit balances, income and
 * the customer's advance carry credit balances; every entry's debits equal its credits, so the sum of all
 * balances is always zero and the amount owed is read from the receivables — never stored twice.
 */
export const ACCOUNTS = [
  'LOAN_PRINCIPAL',
  'INTEREST_RECEIVABLE',
  /** Interest earned day by day and not yet due (accrual accounting): becomes receivable on the due date. */
  'INTEREST_ACCRUED',
  /**
   * Interest owed on a non-performing loan and not income (RBI IRACP: income on an NPA is recognised only
   * when received): a credit against the interest receivable, released to income as interest is paid.
   */
  'INTEREST_SUSPENSE',
  'FEES_RECEIVABLE',
  'PENALTY_RECEIVABLE',
  'BANK',
  'INTEREST_INCOME',
  'FEE_INCOME',
  'PENALTY_INCOME',
  'WRITE_OFF_EXPENSE',
  /** Provisions held against loan losses (a credit: it reduces the loans' carrying amount). */
  'LOAN_LOSS_PROVISION',
  'PROVISION_EXPENSE',
  'RECOVERY_INCOME',
  'CUSTOMER_ADVANCE',
  'GST_PAYABLE',
] as const;
export type Account = (typeof ACCOUNTS)[number];

export type EntryKind =
  | 'DISBURSEMENT'
  | 'INTEREST_ACCRUAL'
  | 'INTEREST_DUE'
  | 'NPA_REVERSAL'
  | 'PROVISION'
  | 'SUSPENSE_RELEASE'
  | 'FEE'
  | 'PENALTY'
  | 'REPAYMENT'
  | 'WRITE_OFF'
  | 'RECOVERY'
  | 'WAIVER';

export interface Line {
  account: Account;
  debitMinor: bigint;
  creditMinor: bigint;
}

export interface Entry {
  kind: EntryKind;
  lines: Line[];
}

const dr = (account: Account, amount: bigint): Line => ({ account, debitMinor: amount, creditMinor: 0n });
const cr = (account: Account, amount: bigint): Line => ({ account, debitMinor: 0n, creditMinor: amount });

/** A journal entry, refused unless it balances and every line moves a positive amount one way. */
export function journal(kind: EntryKind, lines: Line[]): Entry {
  const kept = lines.filter((l) => l.debitMinor !== 0n || l.creditMinor !== 0n);
  for (const l of kept) {
    if (l.debitMinor < 0n || l.creditMinor < 0n || (l.debitMinor > 0n && l.creditMinor > 0n)) {
      throw new AppError('BAD_USER_INPUT', `a ${kind} line must move a positive amount one way`);
    }
  }
  const debits = kept.reduce((s, l) => s + l.debitMinor, 0n);
  const credits = kept.reduce((s, l) => s + l.creditMinor, 0n);
  if (debits !== credits || debits === 0n) {
    throw new AppError(
      'BAD_USER_INPUT',
      `a ${kind} entry must balance (debits ${debits}, credits ${credits})`,
    );
  }
  return { kind, lines: kept };
}

/**
 * Paying out the loan: the whole principal is owed; the fee is kept back — as income, except the GST in it
 * (`gstMinor` of `feeMinor`), which is owed to the tax authority.
 */
export const disbursement = (principalMinor: bigint, feeMinor: bigint, gstMinor = 0n) =>
  journal('DISBURSEMENT', [
    dr('LOAN_PRINCIPAL', principalMinor),
    cr('BANK', principalMinor - feeMinor),
    cr('FEE_INCOME', feeMinor - gstMinor),
    cr('GST_PAYABLE', gstMinor),
  ]);

/** A day's interest earned and not yet due (accrual accounting). */
export const dailyAccrual = (amountMinor: bigint) =>
  journal('INTEREST_ACCRUAL', [dr('INTEREST_ACCRUED', amountMinor), cr('INTEREST_INCOME', amountMinor)]);

/**
 * Interest falling due (or paid for a broken period): `dueMinor` becomes receivable. What was accrued for it
 * day by day (`accruedMinor`) was income already and moves across; the difference is income, or — when
 * more was accrued than is due (a payoff's broken period is worked out on its own days) — income given back.
 */
export function interestDue(dueMinor: bigint, accruedMinor = 0n, npa = false) {
  const rest = dueMinor - accruedMinor;
  // On a non-performing loan nothing is accrued, and interest falling due is held in suspense, not income.
  return journal('INTEREST_DUE', [
    dr('INTEREST_RECEIVABLE', dueMinor),
    cr('INTEREST_ACCRUED', accruedMinor),
    rest >= 0n ? cr(npa ? 'INTEREST_SUSPENSE' : 'INTEREST_INCOME', rest) : dr('INTEREST_INCOME', -rest),
  ]);
}

/**
 * A loan becoming non-performing: income it has not received is taken back — interest accrued and not yet
 * due is reversed, interest due and unpaid moves to suspense (it is still owed).
 */
export function npaReversal(accruedMinor: bigint, receivableMinor: bigint) {
  return journal('NPA_REVERSAL', [
    dr('INTEREST_INCOME', accruedMinor + receivableMinor),
    cr('INTEREST_ACCRUED', accruedMinor),
    cr('INTEREST_SUSPENSE', receivableMinor),
  ]);
}

/** Interest received on interest held in suspense: income now, as it is paid. */
export const suspenseRelease = (amountMinor: bigint) =>
  journal('SUSPENSE_RELEASE', [dr('INTEREST_SUSPENSE', amountMinor), cr('INTEREST_INCOME', amountMinor)]);

/** Interest held in suspense (owed on a non-performing loan, not income). */
export const suspenseHeld = (b: Map<Account, bigint>) => -(b.get('INTEREST_SUSPENSE') ?? 0n);

/** A fee (a foreclosure or prepayment charge): owed with its GST, which is the tax authority's, not income. */
export const feeCharge = (amountMinor: bigint, gstMinor = 0n) =>
  journal('FEE', [
    dr('FEES_RECEIVABLE', amountMinor + gstMinor),
    cr('FEE_INCOME', amountMinor),
    cr('GST_PAYABLE', gstMinor),
  ]);

/**
 * A penal charge (never penal interest: RBI, 2023): owed with its GST, which is the tax authority's, not
 * income. Nothing accrues on it and it is never added to principal.
 */
export const penaltyCharge = (amountMinor: bigint, gstMinor = 0n) =>
  journal('PENALTY', [
    dr('PENALTY_RECEIVABLE', amountMinor + gstMinor),
    cr('PENALTY_INCOME', amountMinor),
    cr('GST_PAYABLE', gstMinor),
  ]);

/**
 * Waiving part of the charges owed: the income is given up and the GST on it is no longer payable, in the
 * share the loan's charges carried GST (`gstMinor` of `amountMinor`).
 */
export const chargeWaiver = (amountMinor: bigint, gstMinor: bigint) =>
  journal('WAIVER', [
    dr('PENALTY_INCOME', amountMinor - gstMinor),
    dr('GST_PAYABLE', gstMinor),
    cr('PENALTY_RECEIVABLE', amountMinor),
  ]);

export interface Dues {
  penaltyMinor: bigint;
  feesMinor: bigint;
  interestMinor: bigint;
  principalMinor: bigint;
}

export type Bucket = keyof Dues;
export const DEFAULT_ORDER: readonly Bucket[] = [
  'penaltyMinor',
  'feesMinor',
  'interestMinor',
  'principalMinor',
];

const ACCOUNT_OF: Record<Bucket, Account> = {
  penaltyMinor: 'PENALTY_RECEIVABLE',
  feesMinor: 'FEES_RECEIVABLE',
  interestMinor: 'INTEREST_RECEIVABLE',
  principalMinor: 'LOAN_PRINCIPAL',
};

/** Splits a payment over what is due in the given order; what is left over is an advance. */
export function allocate(amountMinor: bigint, dues: Dues, order: readonly Bucket[] = DEFAULT_ORDER) {
  if (amountMinor <= 0n) throw new AppError('BAD_USER_INPUT', 'a payment must be a positive amount');
  let left = amountMinor;
  const applied: Dues = { penaltyMinor: 0n, feesMinor: 0n, interestMinor: 0n, principalMinor: 0n };
  for (const bucket of order) {
    const take = minAmount(left, dues[bucket]);
    applied[bucket] = take;
    left -= take;
  }
  return { applied, advanceMinor: left };
}

/**
 * A repayment as allocated: each receivable is reduced and any excess is held for (owed back to) the
 * borrower. The money comes from the bank, and from credit already held when `fromCreditMinor` is given.
 */
export function repayment(applied: Dues, advanceMinor: bigint, fromCreditMinor = 0n) {
  const total =
    applied.penaltyMinor + applied.feesMinor + applied.interestMinor + applied.principalMinor + advanceMinor;
  return journal('REPAYMENT', [
    dr('BANK', total - fromCreditMinor),
    dr('CUSTOMER_ADVANCE', fromCreditMinor),
    ...(Object.keys(ACCOUNT_OF) as Bucket[]).map((b) => cr(ACCOUNT_OF[b], applied[b])),
    cr('CUSTOMER_ADVANCE', advanceMinor),
  ]);
}

/**
 * A loan's provision moved to what it needs (up: an expense; down: written back); `deltaMinor` is the
 * change. A repaid loan's provision is written back in full the same way.
 */
export const provisionChange = (deltaMinor: bigint) =>
  journal(
    'PROVISION',
    deltaMinor >= 0n
      ? [dr('PROVISION_EXPENSE', deltaMinor), cr('LOAN_LOSS_PROVISION', deltaMinor)]
      : [dr('LOAN_LOSS_PROVISION', -deltaMinor), cr('PROVISION_EXPENSE', -deltaMinor)],
  );

/**
 * Writing off what is still owed: interest held in suspense was never income, and the provision held was
 * expensed already, so only the rest is a new expense (`suspenseMinor` + `provisionMinor` ≤ what is owed).
 */
export function writeOff(owed: Dues, suspenseMinor = 0n, provisionMinor = 0n) {
  const total = owed.penaltyMinor + owed.feesMinor + owed.interestMinor + owed.principalMinor;
  return journal('WRITE_OFF', [
    dr('INTEREST_SUSPENSE', suspenseMinor),
    dr('LOAN_LOSS_PROVISION', provisionMinor),
    dr('WRITE_OFF_EXPENSE', total - suspenseMinor - provisionMinor),
    ...(Object.keys(ACCOUNT_OF) as Bucket[]).map((b) => cr(ACCOUNT_OF[b], owed[b])),
  ]);
}

/** Money received on a written-off loan: income, since the receivables were already written off. */
export const recovery = (amountMinor: bigint) =>
  journal('RECOVERY', [dr('BANK', amountMinor), cr('RECOVERY_INCOME', amountMinor)]);

/** Debit-minus-credit balance of every account touched. */
export function balances(entries: readonly Entry[]): Map<Account, bigint> {
  const out = new Map<Account, bigint>();
  for (const e of entries) {
    for (const l of e.lines) out.set(l.account, (out.get(l.account) ?? 0n) + l.debitMinor - l.creditMinor);
  }
  return out;
}

/** Money held for the borrower (paid beyond what was due), owed back or used by the next payment. */
export const creditHeld = (b: Map<Account, bigint>) => -(b.get('CUSTOMER_ADVANCE') ?? 0n);

/** What the borrower owes now, read from the receivable accounts. */
export function owed(b: Map<Account, bigint>): Dues {
  return {
    penaltyMinor: b.get('PENALTY_RECEIVABLE') ?? 0n,
    feesMinor: b.get('FEES_RECEIVABLE') ?? 0n,
    interestMinor: b.get('INTEREST_RECEIVABLE') ?? 0n,
    principalMinor: b.get('LOAN_PRINCIPAL') ?? 0n,
  };
}
