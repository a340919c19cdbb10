import type { BureauReport } from '../domain/scoring';

/** The credit bureau, behind a port: the HTTP adapter in production, the simulator in tests. */
export interface Bureau {
  /** The customer's report, looked up by the keyed PAN index (the bureau never receives the PAN here). */
  report(panIndex: string): Promise<BureauReport>;
}

export class BureauUnavailable extends Error {
  override name = 'BureauUnavailable';
}
