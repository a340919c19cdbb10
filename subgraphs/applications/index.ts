import { money } from '../../platform/graphql/money';
import type { SubgraphDefinition } from '../../platform/subgraph';
import { Applications1732500000200 } from './migrations/1732500000200-applications';
import { IncomeCollateral1732500000201 } from './migrations/1732500000201-income-collateral';
import { MerchantCategory1732500000202 } from './migrations/1732500000202-merchant-category';
import { ApplicationRow, CustomerKycRow, TimelineRow } from './model/application';
import { applicationsSchema } from './schema';
import { onDomainEvent, onKycSubmitted, onMilestone, onRiskAssessed } from './service';

export const applications: SubgraphDefinition = {
  name: 'applications',
  dbSchema: 'applications',
  entities: [ApplicationRow, TimelineRow, CustomerKycRow],
  migrations: [Applications1732500000200, IncomeCollateral1732500000201, MerchantCategory1732500000202],
  schema: applicationsSchema,
  consumes: () => ({
    'customer.kyc.submitted': (event, m) => onKycSubmitted(m, event),
    'kyc.verification.started': onDomainEvent('kyc.started'),
    'kyc.approved': onDomainEvent('kyc.approved'),
    'kyc.rejected': onDomainEvent('kyc.rejected'),
    'risk.assessment.completed': onRiskAssessed,
    'risk.approved.for.discussion': onDomainEvent('risk.approved'),
    'risk.rejected': onDomainEvent('risk.rejected'),
    'discussion.offer.sent': onMilestone('OFFER_SENT', (d) => {
      const pct = (bps: number) => `${(bps / 100).toFixed(2)}%`;
      return `offer ${d.round}: ${money(d.amountMinor, d.currency).formatted} at ${pct(d.annualRateBps)} for ${d.tenureMonths} months (APR ${pct(d.aprBps)})`;
    }),
    'discussion.offer.countered': onMilestone('OFFER_COUNTERED', (d) => d.comment ?? null),
    'discussion.offer.accepted': onDomainEvent('offer.accepted'),
    'discussion.offer.declined': onDomainEvent('offer.declined'),
    'discussion.offer.expired': onDomainEvent('offer.expired'),
    'approval.internal.passed': onMilestone('APPROVAL_INTERNAL_PASSED', (d) => d.comment),
    'approval.management.passed': onMilestone('APPROVAL_MANAGEMENT_PASSED', (d) => d.comment),
    'approval.final.approved': onDomainEvent('approval.approved'),
    'approval.rejected': onDomainEvent('approval.rejected'),
    'agreement.generated': onMilestone('AGREEMENT_GENERATED', (d) => `${d.number}, SHA-256 ${d.sha256}`),
    'agreement.uploaded': onMilestone('AGREEMENT_UPLOADED'),
    'agreement.esign.locked': onMilestone('ESIGN_LOCKED', (d) => d.reason),
    'agreement.signed': onDomainEvent('agreement.signed'),
    'disbursement.initiated': onMilestone('DISBURSEMENT_INITIATED'),
    'loan.activated': onDomainEvent('loan.activated'),
    'disbursement.failed': onDomainEvent('disbursement.failed'),
    'loan.closed': onDomainEvent('loan.closed'),
    'loan.written.off': onDomainEvent('loan.written.off'),
  }),
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(applications));
}
