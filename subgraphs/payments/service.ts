import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { type Caller, canSee, hasRole } from '../../platform/auth';
import { updateVersioned } from '../../platform/db';
import { AppError, isUuid, notFound } from '../../platform/errors';
import { type EventOf, recordEvent } from '../../platform/events';
import { Role } from '../../platform/roles';
import { parseInput, staffReason } from '../../platform/validation';
import { paymentEvents } from './events';
import { LoanRefRow, PaymentRow, ProofDocumentRow } from './model/payment';

/** Collections staff who record payments on a borrower's behalf and verify them. */
export const PAYMENT_STAFF = [Role.MANAGER, Role.ADMIN];
export const METHODS = ['UPI', 'NEFT', 'IMPS', 'RTGS', 'NACH', 'CHEQUE', 'CASH'] as const;
/**
 * INSTALMENT pays what is due (the rest is held as credit); FORECLOSURE pays the loan off at the quote for
 * the day it is received (see foreclosureQuote); PREPAY_REDUCE_EMI and PREPAY_REDUCE_TENURE pay what is
 * due and reduce principal with the rest (see prepaymentPreview).
 */
export const PURPOSES = ['INSTALMENT', 'FORECLOSURE', 'PREPAY_REDUCE_EMI', 'PREPAY_REDUCE_TENURE'] as const;

const paymentSchema = z.object({
  loanId: z.string().uuid('must be a loan id'),
  amountMinor: z.bigint().positive('must be a positive amount').max(100_000_000_000n),
  method: z.enum(METHODS),
  purpose: z.enum(PURPOSES).default('INSTALMENT'),
  reference: z.string().trim().max(100).optional(),
  idempotencyKey: z
    .string()
    .trim()
    .min(8, 'an Idempotency-Key of 8 to 100 characters')
    .max(100, 'an Idempotency-Key of 8 to 100 characters'),
});
export type PaymentInput = z.input<typeof paymentSchema>;

/** loans → payments: a loan that can take payments. */
export async function onLoanActivated(m: EntityManager, event: EventOf<'loan.activated'>) {
  const d = event.data;
  await m
    .createQueryBuilder()
    .insert()
    .into(LoanRefRow)
    .values({ ...d, status: 'ACTIVE' })
    .orIgnore()
    .execute();
}

const requestHash = (p: {
  loanId: string;
  amountMinor: bigint;
  method: string;
  purpose: string;
  reference?: string;
}) =>
  createHash('sha256')
    .update(JSON.stringify([p.loanId, p.amountMinor.toString(), p.method, p.purpose, p.reference ?? null]))
    .digest('hex');

/**
 * Records a payment once per Idempotency-Key: the same key with the same request returns the payment
 * already recorded; the same key with a different request is a CONFLICT. Nothing is stored for a refused
 * request.
 */
export async function recordPayment(db: DataSource, caller: Caller, input: PaymentInput) {
  const p = parseInput(paymentSchema, input);
  const hash = requestHash(p);
  const replay = async () => {
    const earlier = await db
      .getRepository(PaymentRow)
      .findOne({ where: { recordedBy: caller.userId, idempotencyKey: p.idempotencyKey } });
    if (!earlier) return null;
    if (earlier.requestHash !== hash) {
      throw new AppError('CONFLICT', 'this Idempotency-Key was used for a different payment', {
        field: 'idempotencyKey',
      });
    }
    return earlier;
  };
  const seen = await replay();
  if (seen) return seen;
  try {
    return await db.transaction(async (m) => {
      const loan = await m.findOne(LoanRefRow, { where: { loanId: p.loanId } });
      if (!loan || !canSee(caller, loan.customerId)) throw notFound('loan');
      if (!hasRole(caller, Role.CUSTOMER) && !hasRole(caller, ...PAYMENT_STAFF)) {
        throw new AppError('FORBIDDEN', 'payments are recorded by the borrower or collections staff');
      }
      // A written-off loan still takes payments: recoveries.
      if (loan.status === 'CLOSED') throw new AppError('FAILED_PRECONDITION', `the loan is ${loan.status}`);
      const payment = m.create(PaymentRow, {
        id: randomUUID(),
        loanId: loan.loanId,
        applicationId: loan.applicationId,
        customerId: loan.customerId,
        recordedBy: caller.userId,
        idempotencyKey: p.idempotencyKey,
        requestHash: hash,
        amountMinor: p.amountMinor.toString(),
        currency: loan.currency,
        method: p.method,
        purpose: p.purpose,
        reference: p.reference ?? null,
        proofDocumentId: null,
        status: 'RECEIVED',
        decisionReason: null,
        verifiedBy: null,
        receivedAt: new Date(),
        verifiedAt: null,
        version: 1,
      });
      await m.insert(PaymentRow, payment);
      await recordEvent(m, paymentEvents.received(payment, caller.userId));
      return payment;
    });
  } catch (err) {
    // Two requests with one key at the same moment: the unique key lets one in; the other replays it.
    if ((err as { code?: string }).code === '23505') {
      const winner = await replay();
      if (winner) return winner;
    }
    throw err;
  }
}

/** Collections staff confirm the money arrived (it is then applied to the loan) or reject the record. */
export async function verifyPayment(
  db: DataSource,
  staff: Caller,
  paymentId: string,
  accept: boolean,
  reason: string,
) {
  const why = parseInput(staffReason, reason);
  return db.transaction(async (m) => {
    const p = isUuid(paymentId) ? await m.findOne(PaymentRow, { where: { id: paymentId } }) : null;
    if (!p) throw notFound('payment');
    if (p.status !== 'RECEIVED')
      throw new AppError('ILLEGAL_TRANSITION', `the payment is already ${p.status}`);
    const done = await updateVersioned(m, PaymentRow, p, {
      status: accept ? 'VERIFIED' : 'REJECTED',
      decisionReason: why,
      verifiedBy: staff.userId,
      verifiedAt: new Date(),
    });
    if (accept) await recordEvent(m, paymentEvents.verified(done, staff.userId));
    return done;
  });
}

export async function paymentsOf(db: DataSource, caller: Caller | null, loanId: string) {
  if (!isUuid(loanId)) return [];
  const rows = await db.getRepository(PaymentRow).find({ where: { loanId }, order: { receivedAt: 'DESC' } });
  return rows.filter((p) => canSee(caller, p.customerId));
}

export async function getPayment(db: DataSource, caller: Caller | null, id: string) {
  const p = isUuid(id) ? await db.getRepository(PaymentRow).findOne({ where: { id } }) : null;
  if (!p || !canSee(caller, p.customerId)) throw notFound('payment');
  return p;
}

/** What the loan's books say is owed, next to the caller's payments still waiting for verification. */
export async function outstandingOf(
  db: DataSource,
  caller: Caller | null,
  loanId: string,
  dues: { principalMinor: bigint; interestMinor: bigint; feesMinor: bigint; penaltyMinor: bigint },
) {
  const pending = (await paymentsOf(db, caller, loanId))
    .filter((p) => p.status === 'RECEIVED')
    .reduce((s, p) => s + BigInt(p.amountMinor), 0n);
  const total = dues.principalMinor + dues.interestMinor + dues.feesMinor + dues.penaltyMinor;
  return {
    totalMinor: total,
    pendingMinor: pending,
    afterPendingMinor: total > pending ? total - pending : 0n,
  };
}

/** documents → payments: a payment proof the borrower (or staff) uploaded for the application. */
export async function onProofUploaded(m: EntityManager, event: EventOf<'document.uploaded'>) {
  const d = event.data;
  if (d.type !== 'PAYMENT_PROOF') return;
  await m
    .createQueryBuilder()
    .insert()
    .into(ProofDocumentRow)
    .values({ documentId: d.documentId, applicationId: d.applicationId, ownerId: d.ownerId })
    .orIgnore()
    .execute();
}

/**
 * Attaches an uploaded PAYMENT_PROOF document of the same loan application to a payment waiting for
 * verification, so the verifier can check it.
 */
export async function attachProof(db: DataSource, caller: Caller, paymentId: string, documentId: string) {
  return db.transaction(async (m) => {
    const p = isUuid(paymentId) ? await m.findOne(PaymentRow, { where: { id: paymentId } }) : null;
    if (!p || !canSee(caller, p.customerId)) throw notFound('payment');
    if (p.status !== 'RECEIVED')
      throw new AppError('ILLEGAL_TRANSITION', `the payment is already ${p.status}`);
    const doc = isUuid(documentId) ? await m.findOne(ProofDocumentRow, { where: { documentId } }) : null;
    if (!doc || doc.applicationId !== p.applicationId) {
      throw new AppError(
        'NOT_FOUND',
        'no PAYMENT_PROOF document of this loan with that id (uploads take a moment to arrive)',
        {
          field: 'documentId',
        },
      );
    }
    return updateVersioned(m, PaymentRow, p, { proofDocumentId: doc.documentId });
  });
}

/** loans → payments: a written-off loan takes payments as recoveries. */
export async function onLoanWrittenOff(m: EntityManager, event: EventOf<'loan.written.off'>) {
  const { loanId } = event.data;
  await m.update(LoanRefRow, { loanId }, { status: 'WRITTEN_OFF' });
}

/** loans → payments: a closed loan takes no more payments. */
export async function onLoanClosed(m: EntityManager, event: EventOf<'loan.closed'>) {
  const { loanId } = event.data;
  await m.update(LoanRefRow, { loanId }, { status: 'CLOSED' });
}
