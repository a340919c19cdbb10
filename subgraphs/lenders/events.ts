import { newEvent } from '../../platform/events';
import type { DisbursementRow } from './model/lenders';

const source = '/loanflow/lenders';
/** A waterfall's events: about its disbursement, in its application's order. */
const ofWaterfall = (d: DisbursementRow) => ({ source, subject: d.id, partitionKey: d.applicationId });

/** Published by lenders, keyed by application. */
export const lenderEvents = {
  disbursed: (d: DisbursementRow, amountMinor: string) =>
    newEvent({
      type: 'lender.disbursed',
      ...ofWaterfall(d),
      data: {
        disbursementId: d.id,
        applicationId: d.applicationId,
        lenderCode: d.lenderCode ?? '',
        lenderLoanRef: d.lenderLoanRef ?? '',
        amountMinor,
      },
    }),
  /** A risk manager published a new rule version (for the audit trail and operations). */
  rulesPublished: (version: number, lenders: string[], publishedBy: string) =>
    newEvent({
      type: 'lender.rules.published',
      source,
      subject: String(version),
      actorId: publishedBy,
      data: { version, lenders },
    }),
  /** Every lender declined or failed: holds are released, and the borrower and operations are told. */
  failed: (d: DisbursementRow) =>
    newEvent({
      type: 'lender.waterfall.failed',
      ...ofWaterfall(d),
      data: {
        disbursementId: d.id,
        applicationId: d.applicationId,
        reason: d.failureReason ?? '',
        tried: d.plan,
      },
    }),
};
