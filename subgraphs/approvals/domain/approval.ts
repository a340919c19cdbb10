import { AppError, forbidden } from '../../../platform/errors';
import { Role } from '../../../platform/roles';

export enum ApprovalStatus {
  /** A later level, not yet reached. */
  WAITING = 'WAITING',
  /** The level whose decision is due. */
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  /** Not needed for this amount (recorded when the flow opens). */
  SKIPPED = 'SKIPPED',
  /** An earlier level rejected the application. */
  CANCELLED = 'CANCELLED',
}

export interface Level {
  level: 1 | 2 | 3;
  role: Role;
  name: 'internal' | 'management' | 'final';
}

export const LEVELS: readonly Level[] = [
  { level: 1, role: Role.INTERNAL_APPROVER, name: 'internal' },
  { level: 2, role: Role.MANAGER, name: 'management' },
  { level: 3, role: Role.CREDIT_HEAD, name: 'final' },
];

/** The levels a loan of this amount needs: all three, or the first two below the committee threshold. */
export function planLevels(amountMinor: bigint, committeeThresholdMinor: bigint) {
  return LEVELS.map((l) => ({
    ...l,
    status:
      l.level === 1
        ? ApprovalStatus.PENDING
        : l.level === 3 && amountMinor < committeeThresholdMinor
          ? ApprovalStatus.SKIPPED
          : ApprovalStatus.WAITING,
    skipReason:
      l.level === 3 && amountMinor < committeeThresholdMinor
        ? `below the credit committee threshold of ${committeeThresholdMinor} minor units`
        : null,
  }));
}

export interface LevelState {
  level: number;
  role: Role;
  status: ApprovalStatus;
  decidedBy: string | null;
}

export type Outcome =
  | { kind: 'passed'; level: number; next: number }
  | { kind: 'approved'; level: number }
  | { kind: 'rejected'; level: number };

/**
 * Checks a decision at `level` by `decider` against the flow and says what it leads to: levels strictly
 * in order, the level's own role, and four eyes — nobody decides two levels of one application.
 */
export function decideLevel(
  levels: readonly LevelState[],
  level: number,
  decider: { userId: string; roles: readonly Role[] },
  approve: boolean,
): Outcome {
  const target = levels.find((l) => l.level === level);
  if (!target)
    throw new AppError('BAD_USER_INPUT', `there is no approval level ${level}`, { field: 'level' });
  const pending = levels.find((l) => l.status === ApprovalStatus.PENDING);
  if (!pending) throw new AppError('ILLEGAL_TRANSITION', 'the approval flow is already closed');
  if (target.level !== pending.level) {
    throw new AppError(
      'FAILED_PRECONDITION',
      target.status === ApprovalStatus.SKIPPED
        ? `level ${level} is not needed for this amount`
        : `level ${pending.level} decides first; level ${level} is ${target.status}`,
    );
  }
  if (!decider.roles.includes(target.role)) throw forbidden(`level ${level} is decided by ${target.role}`);
  if (levels.some((l) => l.decidedBy === decider.userId)) {
    throw new AppError('FORBIDDEN', 'four eyes: you already decided an earlier level of this application');
  }
  if (!approve) return { kind: 'rejected', level };
  const next = levels.find((l) => l.level > level && l.status === ApprovalStatus.WAITING);
  return next ? { kind: 'passed', level, next: next.level } : { kind: 'approved', level };
}
