import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken, type Caller, SYSTEM_CALLER, verifyAccessToken } from '../platform/auth';
import { unauthenticated } from '../platform/errors';
import type { AnyEvent } from '../platform/events';
import type { GatewayExecutor } from './subscriptions';

const LOOKUP = 'query($id: ID!) { sessionState(userId: $id) { tokenVersion active } }';
/** Bounds the cache; the oldest entries go first. */
const MAX_ENTRIES = 50_000;

interface State {
  tokenVersion: number;
  active: boolean;
  until: number;
}

/**
 * Signed-in callers whose sessions still stand: a valid access token is refused once its account was
 * disabled or its sessions ended (the token carries the account's session generation, `tv`). Identity
 * (asked as SYSTEM) says where each account stands; the answer is kept SESSION_CHECK_CACHE_SECONDS, and
 * `user.sessions.revoked` drops it at once, so a disabled user's token stops working within seconds.
 */
export class Sessions {
  private readonly cache = new Map<string, State>();
  private readonly pending = new Map<string, Promise<State>>();
  private readonly listeners = new Set<(userId: string) => void>();

  constructor(
    private readonly execute: GatewayExecutor,
    private readonly ttlMs: number,
  ) {}

  /** The caller of a request with a Bearer token, null without one; a bad or ended session is refused. */
  async callerOf(headers: IncomingHttpHeaders): Promise<(Caller & { expiresAt: number }) | null> {
    const token = bearerToken(headers);
    return token ? this.verify(token) : null;
  }

  async verify(token: string): Promise<Caller & { expiresAt: number }> {
    const caller = await verifyAccessToken(token);
    const state = await this.stateOf(caller.userId);
    if (!state.active) throw unauthenticated('this account is disabled');
    if ((caller.tokenVersion ?? 0) < state.tokenVersion)
      throw unauthenticated('this session has ended; sign in again');
    return caller;
  }

  /** Called with a user id whenever that account's sessions end (the WebSocket closes its sockets). */
  onRevoked(listener: (userId: string) => void) {
    this.listeners.add(listener);
  }

  onEvent(e: AnyEvent) {
    if (e.type !== 'user.sessions.revoked') return;
    const userId = e.data.userId;
    this.cache.delete(userId);
    for (const l of this.listeners) l(userId);
  }

  private async stateOf(userId: string): Promise<State> {
    const hit = this.cache.get(userId);
    if (hit && hit.until > Date.now()) return hit;
    // One lookup per account at a time, however many of its requests arrive together.
    let lookup = this.pending.get(userId);
    if (!lookup) {
      lookup = this.lookup(userId).finally(() => this.pending.delete(userId));
      this.pending.set(userId, lookup);
    }
    return lookup;
  }

  private async lookup(userId: string): Promise<State> {
    const r = await this.execute(LOOKUP, { id: userId }, SYSTEM_CALLER);
    const found = r.data?.sessionState as { tokenVersion: number; active: boolean } | undefined;
    if (!found) throw new Error(`session lookup failed: ${r.errors?.[0]?.message}`);
    const state = { ...found, until: Date.now() + this.ttlMs };
    this.cache.delete(userId);
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    if (this.ttlMs > 0) this.cache.set(userId, state);
    return state;
  }
}
