import type { SubgraphDefinition } from '../../platform/subgraph';
import { Applications1732500000200 } from './migrations/1732500000200-applications';
import { IncomeCollateral1732500000201 } from './migrations/1732500000201-income-collateral';
import { ApplicationRow, CustomerKycRow, TimelineRow } from './model/application';
import { applicationsSchema } from './schema';
import { onDomainEvent, onKycSubmitted, onRiskAssessed } from './service';

export const applications: SubgraphDefinition = {
  name: 'applications',
  dbSchema: 'applications',
  entities: [ApplicationRow, TimelineRow, CustomerKycRow],
  migrations: [Applications1732500000200, IncomeCollateral1732500000201],
  schema: applicationsSchema,
  consumes: () => ({
    'customer.kyc.submitted': (event, m) => onKycSubmitted(m, event),
    'kyc.verification.started': onDomainEvent('kyc.started'),
    'kyc.approved': onDomainEvent('kyc.approved'),
    'kyc.rejected': onDomainEvent('kyc.rejected'),
    'risk.assessment.completed': onRiskAssessed,
    'risk.approved.for.discussion': onDomainEvent('risk.approved'),
    'risk.rejected': onDomainEvent('risk.rejected'),
  }),
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(applications));
}
