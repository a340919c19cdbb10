import type { Logger } from 'pino';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface OutboundOptions {
  timeoutMs: number;
  attempts: number;
  backoffMs: number;
}

/** An outside system did not answer usefully after every try; `message` says what went wrong last. */
export class OutboundUnavailable extends Error {
  override name = 'OutboundUnavailable';
}

/** The outside system answered and refused (a 4xx): asking again will not help. */
export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
}

/**
 * POSTs JSON to an outside system (bureau, SMS or e-mail provider, lender) with a timeout per try,
 * retrying timeouts, network errors and 5xx with growing back-off; a 4xx is final. Returns the parsed
 * answer of the first 2xx.
 */
export async function postJson<T>(
  url: URL,
  body: unknown,
  options: OutboundOptions,
  log: Logger,
): Promise<T> {
  const { timeoutMs, attempts, backoffMs } = options;
  let last = 'no attempt made';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.ok) return (await res.json()) as T;
      last = `HTTP ${res.status}`;
      if (res.status < 500) throw new OutboundRefused(last);
    } catch (err) {
      if (err instanceof OutboundRefused) throw err;
      last =
        (err as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (err as Error).message;
    }
    log.warn({ attempt, attempts, problem: last }, `${url.host} call failed`);
    if (attempt < attempts) await sleep(backoffMs * 2 ** (attempt - 1));
  }
  throw new OutboundUnavailable(last);
}
