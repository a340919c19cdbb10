import {
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleType,
} from 'cockatiel';
import { LenderClient, LenderTimeout, LenderUnavailable } from './client';
import type { LenderDescriptor } from './domain/descriptor';

/** Consecutive failures (5xx, timeouts) that open a lender's circuit, and how long it stays open. */
export const BREAKER = { failures: 5, openMs: 30_000 };

/**
 * The lenders this process talks to: a client per descriptor and a circuit breaker per lender (per
 * process, as each replica sees its own failures). A lender whose circuit is open is skipped.
 */
export class LenderPool {
  private readonly lenders = new Map<string, { client: LenderClient; breaker: CircuitBreakerPolicy }>();

  constructor(descriptors: LenderDescriptor[], env: Record<string, string | undefined> = process.env) {
    for (const d of descriptors) this.add(d, env);
  }

  add(d: LenderDescriptor, env: Record<string, string | undefined> = process.env) {
    this.lenders.set(d.code, {
      client: new LenderClient(d, env),
      breaker: circuitBreaker(handleType(LenderUnavailable).orType(LenderTimeout), {
        halfOpenAfter: BREAKER.openMs,
        breaker: new ConsecutiveBreaker(BREAKER.failures),
      }),
    });
  }

  /** Every lender this process has a connector for. */
  codes() {
    return [...this.lenders.keys()];
  }

  descriptor(code: string) {
    return this.get(code).client.descriptor;
  }

  has(code: string) {
    return this.lenders.has(code);
  }

  isOpen(code: string) {
    const s = this.lenders.get(code)?.breaker.state;
    return s === CircuitState.Open || s === CircuitState.Isolated;
  }

  /** Holds a lender's circuit open until the returned function is called (operations, and tests). */
  isolate(code: string) {
    const handle = this.get(code).breaker.isolate();
    return () => handle.dispose();
  }

  /** Runs a call to the lender through its breaker. */
  call<T>(code: string, fn: (client: LenderClient) => Promise<T>): Promise<T> {
    const l = this.get(code);
    return l.breaker.execute(() => fn(l.client));
  }

  private get(code: string) {
    const l = this.lenders.get(code);
    if (!l) throw new Error(`no connector for lender ${code}`);
    return l;
  }
}
