import { createHash } from 'node:crypto';
import { type Caller, SYSTEM_CALLER } from '../platform/auth';
import { unauthenticated } from '../platform/errors';
import type { AnyEvent } from '../platform/events';
import type { Role } from '../platform/roles';
import type { GatewayExecutor } from './subscriptions';

/** Where partners send their key (lower case: how Node presents header names). */
export const API_KEY_HEADER = 'x-api-key';

const LOOKUP = 'query($key: String!) { apiKeyCaller(key: $key) { apiKeyId userId roles expiresAt } }';
/** Bounds the cache; a flood of made-up keys evicts the oldest entries, not memory. */
const MAX_ENTRIES = 10_000;

/**
 * Partner API keys as callers: identity (through the graph, as SYSTEM) says who a key acts as; the answer,
 * a refusal included, is kept for API_KEY_CACHE_SECONDS under the key's hash, so a busy partner costs
 * identity one lookup per replica per period. `apikey.revoked` drops a key from the cache at once.
 */
export class ApiKeyCallers {
  private readonly cache = new Map<string, { caller: Caller | null; until: number }>();

  constructor(
    private readonly execute: GatewayExecutor,
    private readonly ttlMs: number,
  ) {}

  async callerOf(key: string): Promise<Caller> {
    const id = createHash('sha256').update(key).digest('hex');
    const now = Date.now();
    let hit = this.cache.get(id);
    if (!hit || hit.until <= now) {
      const r = await this.execute(LOOKUP, { key }, SYSTEM_CALLER);
      if (r.errors?.length) throw new Error(`API key lookup failed: ${r.errors[0]?.message}`);
      const found = r.data?.apiKeyCaller as {
        apiKeyId: string;
        userId: string;
        roles: Role[];
        expiresAt: string | null;
      } | null;
      // Kept no longer than the key itself lives: an expired key stops at its expiry, not a cache later.
      const expires = found?.expiresAt ? Date.parse(found.expiresAt) : Number.POSITIVE_INFINITY;
      hit = {
        caller: found && { apiKeyId: found.apiKeyId, userId: found.userId, roles: found.roles },
        until: Math.min(now + this.ttlMs, expires),
      };
      this.cache.delete(id);
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
      if (this.ttlMs > 0) this.cache.set(id, hit);
    }
    if (!hit.caller) throw unauthenticated('invalid, expired or revoked API key');
    return hit.caller;
  }

  /** A revoked key, or any key of an account whose sessions ended (disabled), is dropped at once. */
  onEvent(e: AnyEvent) {
    const gone =
      e.type === 'apikey.revoked'
        ? (c: Caller) => c.apiKeyId === e.data.apiKeyId
        : e.type === 'user.sessions.revoked'
          ? (c: Caller) => c.userId === e.data.userId
          : undefined;
    if (!gone) return;
    for (const [id, entry] of this.cache) {
      if (entry.caller && gone(entry.caller)) this.cache.delete(id);
    }
  }
}
