import type { Caller } from '../platform/auth';
import type { RestStore } from './rest/store';

/** Whose budget a request spends: a partner key's own, a signed-in user's, else the client address's. */
export const budgetKey = (caller: Caller | null, ip: string | undefined) =>
  caller?.apiKeyId ? `key:${caller.apiKeyId}` : caller ? `user:${caller.userId}` : `ip:${ip ?? 'unknown'}`;

/**
 * Requests per caller per minute, one budget for GraphQL and REST alike, counted in the gateway's
 * PostgreSQL schema (shared by replicas). Every request spends, refused ones included.
 */
export function callerBudget(store: RestStore, perMinute: number) {
  return async (key: string) => {
    const b = await store.count(key);
    const headers: Record<string, string> = {
      'ratelimit-limit': String(perMinute),
      'ratelimit-remaining': String(Math.max(0, perMinute - b.count)),
      'ratelimit-reset': String(b.resetSeconds),
    };
    return { over: b.count > perMinute, headers, retryAfter: b.resetSeconds, perMinute };
  };
}

export type Spend = ReturnType<typeof callerBudget>;
