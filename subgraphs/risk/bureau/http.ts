import { logger } from '../../../platform/log';
import type { BureauReport } from '../domain/scoring';
import { type Bureau, BureauUnavailable } from './port';

const log = logger('bureau');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface HttpBureauOptions {
  baseUrl: string;
  timeoutMs: number;
  attempts: number;
  backoffMs: number;
}

/** Calls the bureau with a timeout per try, retrying slow answers and 5xx with growing back-off. */
export class HttpBureau implements Bureau {
  constructor(private readonly options: HttpBureauOptions) {}

  async report(panIndex: string): Promise<BureauReport> {
    const { baseUrl, timeoutMs, attempts, backoffMs } = this.options;
    let last = 'no attempt made';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const res = await fetch(new URL('/v1/reports', baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ panIndex }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.ok) {
          const body = (await res.json()) as {
            score: number;
            activeLoans: number;
            existingEmiMinor: string;
            defaults: number;
          };
          return { ...body, existingEmiMinor: BigInt(body.existingEmiMinor) };
        }
        last = `HTTP ${res.status}`;
        if (res.status < 500) break;
      } catch (err) {
        last =
          (err as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (err as Error).message;
      }
      log.warn({ attempt, attempts, problem: last }, 'bureau call failed');
      if (attempt < attempts) await sleep(backoffMs * 2 ** (attempt - 1));
    }
    throw new BureauUnavailable(`credit bureau unavailable: ${last}`);
  }
}
