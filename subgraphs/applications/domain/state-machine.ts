import { AppError } from '../../../platform/errors';

export enum ApplicationStatus {
  DRAFT = 'DRAFT',
  SUBMITTED = 'SUBMITTED',
  KYC_REVIEW = 'KYC_REVIEW',
  RISK_REVIEW = 'RISK_REVIEW',
  OFFER = 'OFFER',
  APPROVAL = 'APPROVAL',
  AGREEMENT = 'AGREEMENT',
  /** The borrower signed the agreement; activation comes next. */
  SIGNED = 'SIGNED',
  ACTIVE = 'ACTIVE',
  /** Signed, but no partner lender funded the loan: nothing was paid out and nothing is owed. */
  DISBURSEMENT_FAILED = 'DISBURSEMENT_FAILED',
  CLOSED = 'CLOSED',
  REJECTED = 'REJECTED',
  DECLINED = 'DECLINED',
  WITHDRAWN = 'WITHDRAWN',
  EXPIRED = 'EXPIRED',
}

const S = ApplicationStatus;

/** What moves an application; each is a customer action or a domain event from another subgraph. */
export type Trigger =
  | 'submit'
  | 'withdraw'
  | 'kyc.started'
  | 'kyc.approved'
  | 'kyc.rejected'
  | 'risk.approved'
  | 'risk.rejected'
  | 'offer.accepted'
  | 'offer.declined'
  | 'offer.expired'
  | 'approval.approved'
  | 'approval.rejected'
  | 'agreement.signed'
  | 'loan.activated'
  | 'disbursement.failed'
  | 'loan.closed'
  | 'loan.written.off';

export const TRANSITIONS: Record<Trigger, { from: readonly ApplicationStatus[]; to: ApplicationStatus }> = {
  submit: { from: [S.DRAFT], to: S.SUBMITTED },
  // Once approved, the customer signs or lets the agreement lapse; there is nothing left to withdraw.
  withdraw: { from: [S.DRAFT, S.SUBMITTED, S.KYC_REVIEW, S.RISK_REVIEW, S.OFFER], to: S.WITHDRAWN },
  'kyc.started': { from: [S.SUBMITTED], to: S.KYC_REVIEW },
  'kyc.approved': { from: [S.KYC_REVIEW], to: S.RISK_REVIEW },
  'kyc.rejected': { from: [S.SUBMITTED, S.KYC_REVIEW], to: S.REJECTED },
  'risk.approved': { from: [S.RISK_REVIEW], to: S.OFFER },
  'risk.rejected': { from: [S.RISK_REVIEW], to: S.REJECTED },
  'offer.accepted': { from: [S.OFFER], to: S.APPROVAL },
  'offer.declined': { from: [S.OFFER], to: S.DECLINED },
  'offer.expired': { from: [S.OFFER], to: S.EXPIRED },
  'approval.approved': { from: [S.APPROVAL], to: S.AGREEMENT },
  'approval.rejected': { from: [S.APPROVAL], to: S.REJECTED },
  'agreement.signed': { from: [S.AGREEMENT], to: S.SIGNED },
  'loan.activated': { from: [S.SIGNED], to: S.ACTIVE },
  'disbursement.failed': { from: [S.SIGNED], to: S.DISBURSEMENT_FAILED },
  'loan.closed': { from: [S.ACTIVE], to: S.CLOSED },
  // The account is closed in the books; the reason says it was written off, not repaid.
  'loan.written.off': { from: [S.ACTIVE], to: S.CLOSED },
};

export const TERMINAL: ReadonlySet<ApplicationStatus> = new Set([
  S.CLOSED,
  S.DISBURSEMENT_FAILED,
  S.REJECTED,
  S.DECLINED,
  S.WITHDRAWN,
  S.EXPIRED,
]);

/** The next status, or an ILLEGAL_TRANSITION error that says what was asked and from where. */
export function transition(from: ApplicationStatus, trigger: Trigger): ApplicationStatus {
  const rule = TRANSITIONS[trigger];
  if (!rule.from.includes(from)) {
    throw new AppError('ILLEGAL_TRANSITION', `cannot ${trigger} an application that is ${from}`, {
      from,
      trigger,
      allowedFrom: rule.from,
    });
  }
  return rule.to;
}

export function canTransition(from: ApplicationStatus, trigger: Trigger): boolean {
  return TRANSITIONS[trigger].from.includes(from);
}
