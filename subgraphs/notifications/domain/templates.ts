import type { EventMap, EventsWith } from '../../../platform/events/envelope';
import { money } from '../../../platform/graphql/money';

export const CATEGORIES = ['APPLICATION', 'KYC', 'OFFER', 'AGREEMENT', 'LOAN', 'PAYMENT', 'OVERDUE'] as const;
export type Category = (typeof CATEGORIES)[number];
export const CHANNELS = ['EMAIL', 'SMS', 'PUSH', 'IN_APP'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Dispatch order: regulatory first, then transactional; bulk reminders wait their turn. */
export const Priority = { REGULATORY: 0, TRANSACTIONAL: 1, BULK: 2 } as const;

export interface Rendered {
  category: Category;
  title: string;
  body: string;
  /** A regulatory message: carries its disclosure and is always kept in-app and e-mailed. */
  regulatory: boolean;
  priority: number;
}

const amount = (minor: string, currency = 'INR') => money(minor, currency).formatted;
const percent = (bps: number) => `${(bps / 100).toFixed(2)}%`;

/** The events a borrower can be told about: each names its customer. */
type CustomerEvent = EventsWith<{ customerId: string }>;
type Templates = { [K in CustomerEvent]?: (d: EventMap[K]) => Rendered };

/** Printed under every regulatory message (fair practices code: grievance redressal). */
export const GRIEVANCE =
  'If you have a complaint, write to our Grievance Redressal Officer at grievance@loanflow.local or ' +
  'call 1800-000-0000 (Mon–Sat, 9:30–18:00). If it is not resolved within 30 days you may approach the ' +
  'RBI Ombudsman at https://cms.rbi.org.in.';
const OVERDUE_DISCLOSURE =
  'Payments that remain overdue are reported to credit information companies and can lower your credit ' +
  'score. Your account is classified as SMA or NPA by days past due as the RBI prescribes.';
const CLOSURE_DISCLOSURE =
  'Any original documents you deposited and any charge registered on your assets will be released ' +
  'within 30 days of closure.';

const regulatory = (category: Category, title: string, body: string, disclosure?: string): Rendered => ({
  category,
  title,
  body: [body, disclosure, GRIEVANCE].filter(Boolean).join('\n\n'),
  regulatory: true,
  priority: Priority.REGULATORY,
});
const plain = (category: Category, title: string, body: string): Rendered => ({
  category,
  title,
  body,
  regulatory: false,
  priority: Priority.TRANSACTIONAL,
});

/** The events that matter to the borrower, and what we tell them. Other events make no notification. */
const TEMPLATES = {
  'application.submitted': () =>
    plain(
      'APPLICATION',
      'Application received',
      'We received your loan application and will review it shortly.',
    ),
  'kyc.approved': () =>
    plain(
      'KYC',
      'KYC verified',
      'Your identity documents are verified. Your application moves to credit assessment.',
    ),
  'kyc.rejected': () =>
    plain(
      'KYC',
      'KYC could not be verified',
      'We could not verify your identity documents. Open the app to see what is needed.',
    ),
  'discussion.offer.sent': (d) =>
    plain(
      'OFFER',
      'You have a loan offer',
      `Loan of ${amount(d.amountMinor, d.currency)} at ${percent(d.annualRateBps)} a year for ${d.tenureMonths} months: ` +
        `EMI ${amount(d.emiMinor, d.currency)}, APR ${percent(d.aprBps)}. The offer is valid until ${String(d.validUntil).slice(0, 10)}.`,
    ),
  'discussion.offer.expired': () =>
    plain('OFFER', 'Your offer expired', 'The loan offer expired before it was accepted.'),
  'approval.final.approved': () =>
    plain(
      'APPLICATION',
      'Loan sanctioned',
      'Your loan is sanctioned. The agreement will be ready to sign shortly.',
    ),
  'approval.rejected': () =>
    regulatory(
      'APPLICATION',
      'Loan application declined',
      'We are unable to sanction your loan. The main reason is recorded in your application in the app.',
    ),
  'agreement.generated': (d) =>
    plain(
      'AGREEMENT',
      'Agreement ready to sign',
      `Loan agreement ${d.number} is ready. Review it and sign with a one-time code.`,
    ),
  'agreement.signed': () =>
    plain(
      'AGREEMENT',
      'Agreement signed',
      'Your loan agreement is signed. We are opening your loan account.',
    ),
  'disbursement.completed': (d) =>
    regulatory(
      'LOAN',
      'Loan disbursed',
      `${amount(d.amountMinor)} was paid out to your account. Your repayment schedule is in the app.`,
    ),
  'disbursement.failed': (d) =>
    regulatory(
      'LOAN',
      'Loan could not be disbursed',
      `We could not find a lending partner to fund loan ${d.accountNumber}. Nothing was paid out and you ` +
        'owe nothing. Our team will contact you about your options.',
    ),
  'payment.received': (d) =>
    plain(
      'PAYMENT',
      'Payment received',
      `We received your payment of ${amount(d.amountMinor, d.currency)}; it is credited once verified.`,
    ),
  'payment.verified': (d) =>
    plain(
      'PAYMENT',
      'Payment credited',
      `Your payment of ${amount(d.amountMinor, d.currency)} is credited to your loan.`,
    ),
  'payment.overdue': (d) =>
    regulatory(
      'OVERDUE',
      'Payment overdue',
      `Instalment ${d.instalment} due on ${d.dueDate} is ${d.daysPastDue} days overdue. A late fee of ` +
        `${amount(d.lateFeeMinor)} has been charged. Please pay now to avoid further charges.`,
      OVERDUE_DISCLOSURE,
    ),
  'repayment.reminder': (d) => ({
    ...plain(
      'PAYMENT',
      'Instalment due soon',
      `Instalment ${d.instalment} of ${amount(d.amountMinor)} is due on ${d.dueDate}.`,
    ),
    priority: Priority.BULK,
  }),
  // A change to the repayment schedule is told to the borrower with the new figures (RBI fair practices).
  'loan.prepaid': (d) =>
    regulatory(
      'LOAN',
      'Part-prepayment applied',
      `${amount(d.prepaidMinor)} of your payment reduced your loan's principal. ` +
        (d.option === 'REDUCE_EMI'
          ? `Your instalments are lower: the next, instalment ${d.nextInstalment}, is ${amount(d.nextAmountMinor)} on ${d.nextDueDate}`
          : `Your loan ends sooner: ${d.instalmentsLeft} instalments are left, the next ${amount(d.nextAmountMinor)} on ${d.nextDueDate}`) +
        `. Interest saved: ${amount(d.interestSavedMinor)}. The updated schedule is in the app.`,
    ),
  'loan.charges.waived': (d) =>
    regulatory(
      'LOAN',
      'Charges waived',
      `${amount(d.amountMinor)} of the charges on your loan ${d.accountNumber} has been waived. The account in the app shows what is owed now.`,
    ),
  'loan.closed': (d) =>
    regulatory(
      'LOAN',
      'Loan closed',
      `Loan account ${d.accountNumber} is closed${d.reason === 'FORECLOSED' ? ' (paid off early)' : ''}. ` +
        'Your no-dues certificate is in the app.',
      CLOSURE_DISCLOSURE,
    ),
} satisfies Templates;

export type NotifyingEvent = keyof typeof TEMPLATES;
export const NOTIFYING_EVENTS = Object.keys(TEMPLATES) as NotifyingEvent[];

export function render<K extends NotifyingEvent>(type: K, data: EventMap[K]): Rendered {
  // TypeScript cannot pair a union of keys with the union of their templates; the signature does.
  return (TEMPLATES[type] as (d: EventMap[K]) => Rendered)(data);
}

/** Channels on when the borrower has not chosen: in-app and e-mail always, SMS for money matters. */
export function defaultChannels(category: Category): Record<Channel, boolean> {
  const money = category === 'PAYMENT' || category === 'OVERDUE' || category === 'LOAN';
  return { IN_APP: true, EMAIL: true, SMS: money, PUSH: true };
}

/** Where a notification goes: the borrower's choice, except that a regulatory one is always kept and e-mailed. */
export function channelsFor(n: Rendered, chosen: Record<Channel, boolean> | undefined): Channel[] {
  const c = chosen ?? defaultChannels(n.category);
  return CHANNELS.filter((ch) => c[ch] || (n.regulatory && (ch === 'IN_APP' || ch === 'EMAIL')));
}

/** Retry back-off for a failed send: 1×, 2×, 4× … the base, at most an hour. */
export const backoffMs = (attempt: number, baseMs: number) =>
  Math.min(3_600_000, baseMs * 2 ** Math.max(0, attempt - 1));
