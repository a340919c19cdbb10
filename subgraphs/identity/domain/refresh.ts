export interface RefreshTokenState {
  usedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
}

export type RefreshDecision = 'rotate' | 'reuse' | 'revoked' | 'expired';

/**
 * A refresh token works once. Presenting one that was already rotated means it was copied:
 * the whole family (every token of that login) is revoked.
 */
export function decideRefresh(token: RefreshTokenState, now: Date): RefreshDecision {
  if (token.revokedAt) return 'revoked';
  if (token.usedAt) return 'reuse';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'rotate';
}
