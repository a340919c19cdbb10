import { config } from '../../platform/config';
import type { SubgraphDefinition } from '../../platform/subgraph';
import { Worker } from '../../platform/worker';
import { Offers1732500000600 } from './migrations/1732500000600-offers';
import { OfferRepayment1732500000601 } from './migrations/1732500000601-repayment';
import { Products1733500000600 } from './migrations/1733500000600-products';
import { NegotiationRow, OfferRow, ProductVersionRow } from './model/offer';
import { offersSchema } from './schema';
import { expireDue, onApplicationSubmitted, onApplicationWithdrawn, onRiskApproved } from './service';

export const offers: SubgraphDefinition = {
  name: 'offers',
  dbSchema: 'offers',
  entities: [OfferRow, NegotiationRow, ProductVersionRow],
  migrations: [Offers1732500000600, OfferRepayment1732500000601, Products1733500000600],
  schema: offersSchema,
  consumes: () => ({
    'application.submitted': (event, m) => onApplicationSubmitted(m, event),
    'application.withdrawn': (event, m) => onApplicationWithdrawn(m, event),
    'risk.approved.for.discussion': (event, m) => onRiskApproved(m, event),
  }),
  // The expiry job: every replica runs it; SKIP LOCKED keeps them from expiring an offer twice.
  worker: (ds) => {
    const w = new Worker(
      'offer-expiry',
      async () => (await expireDue(ds)) > 0,
      config().OFFER_EXPIRY_POLL_MS,
    );
    return { start: () => w.start(), stop: () => w.stop() };
  },
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(offers));
}
