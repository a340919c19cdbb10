import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { afterCommitOf } from '../../platform/db';
import { type Subscription, startListener } from '../../platform/events';
import type { SubgraphDefinition } from '../../platform/subgraph';
import { Worker } from '../../platform/worker';
import { Lenders1733300001100 } from './migrations/1733300001100-lenders';
import { CustomerFacts1733300001101 } from './migrations/1733300001101-customer-facts';
import {
  ApplicationFactsRow,
  CustomerFactsRow,
  DisbursementRow,
  LenderAttemptRow,
  RuleVersionRow,
} from './model/lenders';
import { lendersSchema } from './schema';
import {
  forgetRules,
  lenderPool,
  nextDue,
  onApplicationTerms,
  onDisbursementInitiated,
  onLendingProfile,
  onOfferAccepted,
  onRiskAssessed,
  runWaterfall,
  WATERFALLS,
} from './service';

/** Waterfalls run at once per replica: each waits on lenders, not on this process. */
const LANES = 4;

export const lenders: SubgraphDefinition = {
  name: 'lenders',
  dbSchema: 'lenders',
  entities: [RuleVersionRow, ApplicationFactsRow, CustomerFactsRow, DisbursementRow, LenderAttemptRow],
  migrations: [Lenders1733300001100, CustomerFacts1733300001101],
  schema: lendersSchema,
  consumes: () => ({
    'customer.kyc.submitted': (event, m) => onLendingProfile(m, event),
    'customer.profile.updated': (event, m) => onLendingProfile(m, event),
    'application.created': (event, m) => onApplicationTerms(m, event),
    'application.updated': (event, m) => onApplicationTerms(m, event),
    'discussion.offer.accepted': (event, m) => onOfferAccepted(m, event),
    'risk.assessment.completed': (event, m) => onRiskAssessed(m, event),
    'disbursement.initiated': (event, m) => onDisbursementInitiated(m, event),
  }),
  // Lanes that each run one due waterfall at a time (the lease keeps lanes and replicas apart), woken when
  // a waterfall is queued and polling for ones a crashed worker left.
  worker: (ds, bus) => {
    const me = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    const lanes = Array.from(
      { length: LANES },
      (_, i) =>
        new Worker(
          `lender-waterfall-${i}`,
          async () => {
            const applicationId = await nextDue(ds);
            if (!applicationId) return false;
            await runWaterfall(ds, lenderPool(), applicationId, `${me}-${i}`);
            return true;
          },
          1000,
        ),
    );
    afterCommitOf(ds, WATERFALLS, () => lanes.find((l) => !l.busy)?.nudge());
    // Each replica hears of new rule versions in a consumer group of its own (as gateways do), so every
    // replica switches within moments of a publication, not only the one that took it.
    let rules: Promise<Subscription> | undefined;
    return {
      start: () => {
        for (const lane of lanes) lane.start();
        rules = startListener({
          name: `lenders-rules-${me}`,
          bus,
          types: ['lender.rules.published'],
          onEvent: (e) => {
            if (e.type === 'lender.rules.published') forgetRules(e.data.version);
          },
          subscribe: { fromBeginning: false },
        });
      },
      stop: async () => {
        await Promise.all(lanes.map((lane) => lane.stop()));
        await (await rules)?.stop();
      },
    };
  },
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(lenders));
}
