import { config } from '../../platform/config';
import { afterCommitOf } from '../../platform/db';
import type { SubgraphDefinition } from '../../platform/subgraph';
import { Worker } from '../../platform/worker';
import { businessDate, followCalendar } from './business-date';
import { closeDays, closeOfBusiness } from './close-of-business';
import { LOAN_FILES, loanFileRoutes } from './http';
import {
  onAgreementSigned,
  onLenderDisbursed,
  onLoanClosed,
  onPaymentVerified,
  onWaterfallFailed,
} from './loan-service';
import { Agreements1732500000800 } from './migrations/1732500000800-agreements';
import { Loans1732500000801 } from './migrations/1732500000801-loans';
import { Repayments1732500000802 } from './migrations/1732500000802-repayments';
import { Overdue1732500000803 } from './migrations/1732500000803-overdue';
import { NoDues1732500000804 } from './migrations/1732500000804-no-dues';
import { Foreclosure1732500000805 } from './migrations/1732500000805-foreclosure';
import { Reminders1732500000806 } from './migrations/1732500000806-reminders';
import { Funding1732500000807 } from './migrations/1732500000807-funding';
import { Prepayment1733500000808 } from './migrations/1733500000808-prepayment';
import { ArrearsTolerance1733500000809 } from './migrations/1733500000809-arrears-tolerance';
import { DatedCharges1733500000810 } from './migrations/1733500000810-dated-charges';
import { PenalGrace1733500000811 } from './migrations/1733500000811-penal-grace';
import { BusinessDate1733500000812 } from './migrations/1733500000812-business-date';
import { BusinessDays1733500000813 } from './migrations/1733500000813-business-days';
import { CloseOfBusiness1733500000814 } from './migrations/1733500000814-close-of-business';
import { DailyAccrual1733500000815 } from './migrations/1733500000815-daily-accrual';
import { Provisioning1733500000816 } from './migrations/1733500000816-provisioning';
import { LossAssessment1733500000817 } from './migrations/1733500000817-loss-assessment';
import { AgreementFileRow, AgreementRow, ContactRow, ContractRow, SignedUploadRow } from './model/agreement';
import { BusinessDateRow } from './model/business-date';
import { InstalmentRow, JournalRow, LoanRow, NoDuesRow } from './model/loan';
import { loansSchema } from './schema';
import {
  AGREEMENTS,
  closeAgreementFiles,
  generateNext,
  onContact,
  onDocumentUploaded,
  onFinalApproved,
  onOfferAccepted,
} from './service';
import { upToDate } from './servicing';

export const loans: SubgraphDefinition = {
  name: 'loans',
  dbSchema: 'loans',
  entities: [
    ContractRow,
    ContactRow,
    SignedUploadRow,
    AgreementRow,
    AgreementFileRow,
    LoanRow,
    InstalmentRow,
    JournalRow,
    NoDuesRow,
    BusinessDateRow,
  ],
  migrations: [
    Agreements1732500000800,
    Loans1732500000801,
    Repayments1732500000802,
    Overdue1732500000803,
    NoDues1732500000804,
    Foreclosure1732500000805,
    Reminders1732500000806,
    Funding1732500000807,
    Prepayment1733500000808,
    ArrearsTolerance1733500000809,
    DatedCharges1733500000810,
    PenalGrace1733500000811,
    BusinessDate1733500000812,
    BusinessDays1733500000813,
    CloseOfBusiness1733500000814,
    DailyAccrual1733500000815,
    Provisioning1733500000816,
    LossAssessment1733500000817,
  ],
  schema: loansSchema,
  http: async (ds) => ({ prefix: LOAN_FILES, handle: loanFileRoutes(ds) }),
  consumes: () => ({
    'customer.contact.updated': (event, m) => onContact(m, event),
    'discussion.offer.accepted': (event, m) => onOfferAccepted(m, event),
    'approval.final.approved': (event, m) => onFinalApproved(m, event),
    'document.uploaded': (event, m) => onDocumentUploaded(m, event),
    'agreement.signed': (event, m) => onAgreementSigned(m, event),
    'lender.disbursed': (event, m) => onLenderDisbursed(m, event),
    'lender.waterfall.failed': (event, m) => onWaterfallFailed(m, event),
    // A payment applies to a loan whose day is closed: its borrower is brought up to the business date first.
    'payment.verified': async (event, m) => {
      await upToDate(m, event.data.loanId);
      await onPaymentVerified(m, event);
    },
    'loan.closed': (event, m) => onLoanClosed(m, event),
  }),
  // Agreements are generated off the request path: woken when a sanction queues one, polling for leftovers.
  worker: (ds) => {
    const generator = new Worker('agreement-generator', () => generateNext(ds), 2000);
    // The business date follows the calendar (unless moved by hand): each day it moves through gets its
    // run in order, and the run for the open day repeats (it changes nothing a second time the same day).
    const overdue = new Worker(
      'overdue',
      async () => {
        await closeDays(ds, await followCalendar(ds));
        await closeOfBusiness(ds, await businessDate(ds.manager));
        return false;
      },
      config().OVERDUE_POLL_MS,
    );
    afterCommitOf(ds, AGREEMENTS, () => generator.nudge());
    return {
      start: () => {
        generator.start();
        overdue.start();
      },
      stop: async () => {
        await generator.stop();
        await overdue.stop();
        await closeAgreementFiles();
      },
    };
  },
};

if (require.main === module) {
  void import('../../platform/standalone').then((s) => s.runStandalone(loans));
}
