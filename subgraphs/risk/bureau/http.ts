import { logger } from '../../../platform/log';
import { type OutboundOptions, OutboundUnavailable, postJson } from '../../../platform/outbound';
import type { BureauReport } from '../domain/scoring';
import { type Bureau, BureauUnavailable } from './port';

const log = logger('bureau');

export interface HttpBureauOptions extends OutboundOptions {
  baseUrl: string;
}

/** Calls the bureau with a timeout per try, retrying slow answers and 5xx with growing back-off. */
export class HttpBureau implements Bureau {
  constructor(private readonly options: HttpBureauOptions) {}

  async report(panIndex: string): Promise<BureauReport> {
    try {
      const body = await postJson<{
        score: number;
        activeLoans: number;
        existingEmiMinor: string;
        defaults: number;
      }>(new URL('/v1/reports', this.options.baseUrl), { panIndex }, this.options, log);
      return { ...body, existingEmiMinor: BigInt(body.existingEmiMinor) };
    } catch (err) {
      if (err instanceof OutboundUnavailable)
        throw new BureauUnavailable(`credit bureau unavailable: ${err.message}`);
      throw err;
    }
  }
}
