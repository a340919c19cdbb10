/** Failed sign-ins counted against one subject (an e-mail address or a client address). */
export interface FailureCount {
  failures: number;
  lastFailureAt: Date;
}

export interface ThrottlePolicy {
  /** Failures allowed before any wait. */
  free: number;
  /** The longest wait between tries, in seconds. */
  maxDelaySeconds: number;
  /** A quiet period after which the count starts again. */
  windowSeconds: number;
}

/** The count as it stands at `now`: forgotten after a quiet window. */
export function current(count: FailureCount | undefined, now: Date, policy: ThrottlePolicy): number {
  if (!count) return 0;
  return now.getTime() - count.lastFailureAt.getTime() > policy.windowSeconds * 1000 ? 0 : count.failures;
}

/**
 * Seconds to wait before the next try may even be checked: none for the first `free` failures, then 1, 2,
 * 4… seconds after the last failure, capped. The wait is not a punishment but a rate: a guesser gets a few
 * dozen tries an hour, a person who mistyped waits seconds.
 */
export function waitSeconds(count: FailureCount | undefined, now: Date, policy: ThrottlePolicy): number {
  const n = current(count, now, policy);
  if (!count || n < policy.free) return 0;
  const delay = Math.min(2 ** (n - policy.free), policy.maxDelaySeconds);
  const elapsed = (now.getTime() - count.lastFailureAt.getTime()) / 1000;
  return Math.max(0, Math.ceil(delay - elapsed));
}
