import { newEvent } from '../../platform/events';
import type {
  AgreementSigned,
  LoanClassified,
  LoanClosed,
  LoanPrepaid,
  PaymentOverdue,
} from '../../platform/events/event-map';
import type { ScheduledInstalment } from './domain/schedule';
import type { AgreementRow } from './model/agreement';
import type { LoanRow } from './model/loan';

const source = '/loanflow/loans';

const base = (a: AgreementRow, actorId?: string) => ({
  source,
  subject: a.id,
  partitionKey: a.applicationId,
  ...(actorId ? { actorId } : {}),
});
const ids = (a: AgreementRow) => ({
  agreementId: a.id,
  applicationId: a.applicationId,
  customerId: a.customerId,
});

/** Published by loans (agreements), keyed by application. */
export const agreementEvents = {
  generated: (a: AgreementRow) =>
    newEvent({
      type: 'agreement.generated',
      ...base(a),
      data: { ...ids(a), number: a.number, sha256: a.sha256 ?? '', fileVersion: a.fileVersion },
    }),
  signed: (a: AgreementRow, actorId: string, method: AgreementSigned['method']) =>
    newEvent({
      type: 'agreement.signed',
      ...base(a, actorId),
      data: {
        ...ids(a),
        sha256: a.sha256 ?? '',
        method,
        signedAt: (a.signedAt ?? new Date()).toISOString(),
      },
    }),
  uploaded: (a: AgreementRow, actorId: string) =>
    newEvent({
      type: 'agreement.uploaded',
      ...base(a, actorId),
      data: { ...ids(a), documentId: a.uploadedDocumentId ?? '' },
    }),
  esignLocked: (a: AgreementRow, actorId: string) =>
    newEvent({
      type: 'agreement.esign.locked',
      ...base(a, actorId),
      data: { ...ids(a), reason: 'too many wrong one-time passwords; a signed copy can be uploaded instead' },
    }),
};

type LoanKeys = Pick<LoanRow, 'id' | 'applicationId' | 'customerId'>;
const loanBase = (l: LoanKeys, actorId?: string) => ({
  source,
  subject: l.id,
  partitionKey: l.applicationId,
  ...(actorId ? { actorId } : {}),
});
const loanIds = (l: LoanKeys) => ({ loanId: l.id, applicationId: l.applicationId, customerId: l.customerId });

/** Published by loans about the loan account, keyed by application. */
export const loanEvents = {
  businessDateAdvanced: (tenant: string, date: string, previous: string, actorId: string | null) =>
    newEvent({
      type: 'business.date.advanced',
      source,
      subject: tenant,
      ...(actorId ? { actorId } : {}),
      data: { tenant, date, previous },
    }),
  recovered: (l: LoanKeys, paymentId: string, amountMinor: bigint) =>
    newEvent({
      type: 'loan.recovered',
      ...loanBase(l),
      data: { ...loanIds(l), paymentId, amountMinor: amountMinor.toString() },
    }),
  classified: (l: LoanKeys, c: Omit<LoanClassified, 'loanId' | 'applicationId' | 'customerId'>) =>
    newEvent({ type: 'loan.classified', ...loanBase(l), data: { ...loanIds(l), ...c } }),
  activated: (l: LoanRow, actorId?: string) =>
    newEvent({
      type: 'loan.activated',
      ...loanBase(l, actorId),
      data: {
        ...loanIds(l),
        accountNumber: l.accountNumber,
        principalMinor: l.principalMinor,
        currency: l.currency,
      },
    }),
  scheduleCreated: (l: LoanRow, rows: ScheduledInstalment[]) =>
    newEvent({
      type: 'repayment.schedule.created',
      ...loanBase(l),
      data: {
        ...loanIds(l),
        instalments: rows.length,
        firstDueDate: rows[0]?.dueDate ?? '',
        lastDueDate: rows.at(-1)?.dueDate ?? '',
        totalInterestMinor: rows.reduce((s, r) => s + r.interestMinor, 0n).toString(),
      },
    }),
  disbursementInitiated: (l: LoanRow, actorId?: string) =>
    newEvent({
      type: 'disbursement.initiated',
      ...loanBase(l, actorId),
      data: { ...loanIds(l), amountMinor: (BigInt(l.principalMinor) - BigInt(l.feeMinor)).toString() },
    }),
  overdue: (
    l: LoanKeys,
    o: {
      n: number;
      dueDate: string;
      daysPastDue: number;
      bucket: PaymentOverdue['bucket'];
      lateFeeMinor: bigint;
    },
  ) =>
    newEvent({
      type: 'payment.overdue',
      ...loanBase(l),
      data: {
        ...loanIds(l),
        instalment: o.n,
        dueDate: o.dueDate,
        daysPastDue: o.daysPastDue,
        bucket: o.bucket,
        lateFeeMinor: o.lateFeeMinor.toString(),
      },
    }),
  prepaid: (
    l: LoanRow,
    p: {
      paymentId: string;
      option: LoanPrepaid['option'];
      prepaidMinor: bigint;
      interestSavedMinor: bigint;
      instalmentsLeft: number;
      next: { n: number; dueDate: string; totalMinor: bigint };
    },
  ) =>
    newEvent({
      type: 'loan.prepaid',
      ...loanBase(l),
      data: {
        ...loanIds(l),
        paymentId: p.paymentId,
        option: p.option,
        prepaidMinor: p.prepaidMinor.toString(),
        interestSavedMinor: p.interestSavedMinor.toString(),
        instalmentsLeft: p.instalmentsLeft,
        nextInstalment: p.next.n,
        nextDueDate: p.next.dueDate,
        nextAmountMinor: p.next.totalMinor.toString(),
      },
    }),
  reminder: (l: LoanKeys, r: { n: number; dueDate: string; amountMinor: bigint }) =>
    newEvent({
      type: 'repayment.reminder',
      ...loanBase(l),
      data: { ...loanIds(l), instalment: r.n, dueDate: r.dueDate, amountMinor: r.amountMinor.toString() },
    }),
  chargesWaived: (l: LoanRow, amountMinor: bigint, reason: string, actorId: string) =>
    newEvent({
      type: 'loan.charges.waived',
      ...loanBase(l, actorId),
      data: { ...loanIds(l), accountNumber: l.accountNumber, amountMinor: amountMinor.toString(), reason },
    }),
  writtenOff: (l: LoanRow, amountMinor: bigint, reason: string, actorId: string) =>
    newEvent({
      type: 'loan.written.off',
      ...loanBase(l, actorId),
      data: { ...loanIds(l), accountNumber: l.accountNumber, amountMinor: amountMinor.toString(), reason },
    }),
  lossIdentified: (l: LoanRow, date: string, reason: string, actorId: string) =>
    newEvent({
      type: 'loan.loss.identified',
      ...loanBase(l, actorId),
      data: { ...loanIds(l), accountNumber: l.accountNumber, date, reason },
    }),
  fullyRepaid: (l: LoanRow) =>
    newEvent({
      type: 'loan.fully.repaid',
      ...loanBase(l),
      data: { ...loanIds(l), accountNumber: l.accountNumber },
    }),
  closed: (l: LoanRow, reason: LoanClosed['reason']) =>
    newEvent({
      type: 'loan.closed',
      ...loanBase(l),
      data: {
        ...loanIds(l),
        accountNumber: l.accountNumber,
        closedAt: (l.closedAt ?? new Date()).toISOString(),
        reason,
      },
    }),
  disbursementCompleted: (l: LoanRow) =>
    newEvent({
      type: 'disbursement.completed',
      ...loanBase(l),
      data: {
        ...loanIds(l),
        amountMinor: (BigInt(l.principalMinor) - BigInt(l.feeMinor)).toString(),
        lenderCode: l.lenderCode ?? '',
      },
    }),
  /** No partner lender funded the loan: nothing was paid out and nothing is owed. */
  disbursementFailed: (l: LoanRow, reason: string) =>
    newEvent({
      type: 'disbursement.failed',
      ...loanBase(l),
      data: { ...loanIds(l), accountNumber: l.accountNumber, reason },
    }),
};
