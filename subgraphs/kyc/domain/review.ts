import { AppError } from '../../../platform/errors';

export enum KycStatus {
  OPEN = 'OPEN',
  ASSIGNED = 'ASSIGNED',
  VERIFIED = 'VERIFIED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  /** Closed because the customer withdrew the application before a decision. */
  WITHDRAWN = 'WITHDRAWN',
}

/** What the assigned officer attests, plus the automatic watchlist screen. */
export interface Checklist {
  identityMatchesPan: boolean;
  addressProofOk: boolean;
  documentsValidated: boolean;
  projectFeasible: boolean;
  /** False when the customer's name is on the sanctions/PEP watchlist. */
  sanctionsClear: boolean;
  notes?: string | null;
}

/** The decision gate: the customer AND the project must pass. Returns what failed, empty if nothing. */
export function gateFailures(c: Checklist): string[] {
  const failed: string[] = [];
  if (!c.identityMatchesPan) failed.push('identity does not match the PAN');
  if (!c.addressProofOk) failed.push('address proof not accepted');
  if (!c.documentsValidated) failed.push('documents not validated');
  if (!c.sanctionsClear) failed.push('sanctions/PEP watchlist match');
  if (!c.projectFeasible) failed.push('project not feasible');
  return failed;
}

const NEXT: Record<'assign' | 'verify' | 'decide', readonly KycStatus[]> = {
  // A manager may hand a review to another officer until it is verified.
  assign: [KycStatus.OPEN, KycStatus.ASSIGNED],
  verify: [KycStatus.ASSIGNED],
  decide: [KycStatus.VERIFIED],
};

/**
 * Four eyes on KYC: the officer who verifies a review is never the one who decides it, and a manager never
 * assigns a review to themselves (so the one who hands out the work is never the one who does it; the
 * manager who assigned may still decide). Holding both KYC roles changes nothing. Throws FORBIDDEN.
 */
export function requireFourEyes(
  step: 'assign' | 'decide',
  actorId: string,
  review: { assignedTo: string | null },
  officerId?: string,
) {
  if (step === 'assign' && officerId === actorId) {
    throw new AppError('FORBIDDEN', 'four eyes: a manager cannot assign a KYC review to themselves');
  }
  if (step === 'decide' && review.assignedTo === actorId) {
    throw new AppError('FORBIDDEN', 'four eyes: the officer who verified a KYC review cannot decide it');
  }
}

export function requireStep(status: KycStatus, step: keyof typeof NEXT) {
  if (!NEXT[step].includes(status)) {
    throw new AppError('ILLEGAL_TRANSITION', `cannot ${step} a KYC review that is ${status}`, {
      from: status,
      allowedFrom: NEXT[step],
    });
  }
}

/**
 * approve needs every check passed; reject always needs a reason. Returns the final status.
 */
export function decide(checklist: Checklist, approve: boolean, reason: string): KycStatus {
  if (reason.trim().length < 3) {
    throw new AppError('BAD_USER_INPUT', 'a decision needs a reason (at least 3 characters)', {
      field: 'reason',
    });
  }
  if (!approve) return KycStatus.REJECTED;
  const failed = gateFailures(checklist);
  if (failed.length) {
    throw new AppError('FAILED_PRECONDITION', `cannot approve: ${failed.join('; ')}`, { failed });
  }
  return KycStatus.APPROVED;
}
