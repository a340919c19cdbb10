import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../platform/db';
import { sealLendingProfile } from '../../platform/pii';
import { lenders } from '../../subgraphs/lenders';
import { ApplicationFactsRow, CustomerFactsRow } from '../../subgraphs/lenders/model/lenders';
import { startWaterfall } from '../../subgraphs/lenders/service';

/** The lenders service's own database (this process's test database), migrated. */
export const openLendersDb = () =>
  openDatabase({ schema: lenders.dbSchema, entities: lenders.entities, migrations: lenders.migrations });

/**
 * An application the lenders service has heard all about (terms, accepted offer, bureau band, the
 * borrower's lending profile), with its waterfall queued as disbursement.initiated would.
 */
export async function knownApplication(db: DataSource, over: Partial<ApplicationFactsRow> = {}) {
  const applicationId = randomUUID();
  const customerId = randomUUID();
  await db.getRepository(CustomerFactsRow).insert({
    customerId,
    lendingProfile: sealLendingProfile({ dateOfBirth: '1992-04-10', state: 'Maharashtra' }),
  });
  await db.getRepository(ApplicationFactsRow).insert({
    applicationId,
    customerId,
    amountMinor: '40000000',
    currency: 'INR',
    tenureMonths: 36,
    annualRateBps: 1350,
    product: 'TERM_LOAN',
    monthlyIncomeMinor: '15000000',
    bureauBand: 'GOOD',
    merchantCategory: null,
    ...over,
  });
  await db.transaction((m) => startWaterfall(m, applicationId, null));
  return applicationId;
}
