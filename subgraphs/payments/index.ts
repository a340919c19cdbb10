import type { SubgraphDefinition } from '../../platform/subgraph';
import { Payments1732500000900 } from './migrations/1732500000900-payments';
import { PaymentPurpose1732500000901 } from './migrations/1732500000901-purpose';
import { PaymentProofs1732500000902 } from './migrations/1732500000902-proofs';
import { PaymentPrepayment1733500000903 } from './migrations/1733500000903-prepayment';
import { LoanRefRow, PaymentRow, ProofDocumentRow } from './model/payment';
import { paymentsSchema } from './schema';
import { onLoanActivated, onLoanClosed, onLoanWrittenOff, onProofUploaded } from './service';

export const payments: SubgraphDefinition = {
  name: 'payments',
  dbSchema: 'payments',
  entities: [LoanRefRow, PaymentRow, ProofDocumentRow],
  migrations: [
    Payments1732500000900,
    PaymentPurpose1732500000901,
    PaymentProofs1732500000902,
    PaymentPrepayment1733500000903,
  ],
  schema: paymentsSchema,
  consumes: () => ({
    'loan.activated': (event, m) => onLoanActivated(m, event),
    'loan.closed': (event, m) => onLoanClosed(m, event),
    'loan.written.off': (event, m) => onLoanWrittenOff(m, event),
    'document.uploaded': (event, m) => onProofUploaded(m, event),
  }),
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(payments));
}
