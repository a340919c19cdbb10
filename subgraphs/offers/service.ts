import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { z } from 'zod';
import { type Caller, canSee } from '../../platform/auth';
import { entityFromRow, updateVersioned } from '../../platform/db';
import { AppError, isUuid, notFound } from '../../platform/errors';
import { type EventOf, recordEvent } from '../../platform/events';
import { FREQUENCIES, instalmentsFor, MAX_INSTALMENTS, METHODS } from '../../platform/finance';
import { coolingOffDaysOf, instalmentCharges, type LoanProduct, roundingOf } from '../../platform/products';
import { Role } from '../../platform/roles';
import { parseInput, type RecordRef, refKey, staffReason } from '../../platform/validation';
import { keyFacts, TERMS_LIMITS } from './domain/kfs';
import {
  ANSWERABLE,
  type CounterProposal,
  type OfferAction,
  OfferStatus,
  offerTransition,
} from './domain/offer';
import { kfsCharges, productProblems } from './domain/product-terms';
import { offerEvents } from './events';
import { NegotiationRow, OfferRow, ProductVersionRow } from './model/offer';
import { latestProduct } from './products';

/** Who negotiates for the bank: the credit side that approved the application for discussion. */
export const OFFER_STAFF = [Role.RISK_OFFICER, Role.RISK_MANAGER];
const MAX_VALIDITY_DAYS = 90;

const amount = z
  .bigint()
  .min(TERMS_LIMITS.minAmountMinor, 'is below the smallest loan')
  .max(TERMS_LIMITS.maxAmountMinor, 'is above the largest loan');
const rate = z.number().int().min(0).max(TERMS_LIMITS.maxRateBps);
const tenure = z.number().int().min(TERMS_LIMITS.minTenureMonths).max(TERMS_LIMITS.maxTenureMonths);

const termsSchema = z
  .object({
    amountMinor: amount,
    annualRateBps: rate,
    tenureMonths: tenure,
    processingFeeMinor: z.bigint().min(0n),
    validUntil: z.date(),
    productCode: z.string().trim().min(2).max(40).default('STANDARD'),
    frequency: z.enum(FREQUENCIES).default('MONTHLY'),
    method: z.enum(METHODS).default('EMI'),
    moratoriumPeriods: z.number().int().min(0).max(24).default(0),
  })
  .refine((t) => t.frequency !== 'QUARTERLY' || t.tenureMonths % 3 === 0, {
    message: 'must be whole quarters for quarterly instalments',
    path: ['tenureMonths'],
  })
  .refine((t) => t.moratoriumPeriods < instalmentsFor(t.tenureMonths, t.frequency), {
    message: 'must leave at least one instalment that repays principal',
    path: ['moratoriumPeriods'],
  })
  // The same limit the loan's schedule holds to: an offer that could never become a loan is refused here.
  .refine((t) => instalmentsFor(t.tenureMonths, t.frequency) <= MAX_INSTALMENTS, {
    message: `may have at most ${MAX_INSTALMENTS} instalments at this frequency`,
    path: ['tenureMonths'],
  })
  .refine((t) => t.validUntil.getTime() > Date.now(), {
    message: 'must be in the future',
    path: ['validUntil'],
  })
  .refine((t) => t.validUntil.getTime() <= Date.now() + MAX_VALIDITY_DAYS * 86_400_000, {
    message: `may be at most ${MAX_VALIDITY_DAYS} days ahead`,
    path: ['validUntil'],
  });
export type OfferTermsInput = z.input<typeof termsSchema>;
/** Offer terms as sent, checked: accepted, or BAD_USER_INPUT naming the field (never anything else). */
export const parseOfferTerms = (input: OfferTermsInput) => parseInput(termsSchema, input);

const counterSchema = z
  .object({
    amountMinor: amount.optional(),
    annualRateBps: rate.optional(),
    tenureMonths: tenure.optional(),
    comment: z.string().trim().max(1000).optional(),
  })
  .refine(
    (c) => c.amountMinor !== undefined || c.annualRateBps !== undefined || c.tenureMonths !== undefined,
    {
      message: 'a counter-offer asks for a different amount, rate or tenure',
    },
  );
export type CounterInput = z.input<typeof counterSchema>;

// ---- events in -------------------------------------------------------------------------------------

/** applications → offers: who applied and for what (negotiation waits for risk). */
export async function onApplicationSubmitted(m: EntityManager, event: EventOf<'application.submitted'>) {
  const d = event.data;
  await m
    .createQueryBuilder()
    .insert()
    .into(NegotiationRow)
    .values({
      applicationId: d.applicationId,
      customerId: d.customerId,
      requestedAmountMinor: d.amountMinor,
      requestedTenureMonths: d.tenureMonths,
      currency: d.currency,
      state: 'WAITING',
    })
    .orIgnore()
    .execute();
}

/** risk → offers: the risk manager approved the application for discussion. */
export async function onRiskApproved(m: EntityManager, event: EventOf<'risk.approved.for.discussion'>) {
  const { applicationId } = event.data;
  const [, opened] = await m.query(
    `UPDATE negotiations SET state = 'OPEN' WHERE application_id = $1 AND state = 'WAITING'`,
    [applicationId],
  );
  if (opened === 0 && !(await m.exists(NegotiationRow, { where: { applicationId } }))) {
    throw new Error(`risk approved application ${applicationId}, which offers has not seen submitted`);
  }
}

/** applications → offers: a withdrawn application ends the negotiation and whatever was on the table. */
export async function onApplicationWithdrawn(m: EntityManager, event: EventOf<'application.withdrawn'>) {
  const { applicationId } = event.data;
  await m.query(`UPDATE negotiations SET state = 'CLOSED' WHERE application_id = $1`, [applicationId]);
  await m.query(
    `UPDATE offers SET status = $2, responded_at = now(), version = version + 1
      WHERE application_id = $1 AND status = ANY($3)`,
    [applicationId, OfferStatus.WITHDRAWN, ANSWERABLE],
  );
}

// ---- commands --------------------------------------------------------------------------------------

async function lockNegotiation(m: EntityManager, applicationId: string) {
  const n = isUuid(applicationId)
    ? await m.findOne(NegotiationRow, { where: { applicationId }, lock: { mode: 'pessimistic_write' } })
    : null;
  if (!n) throw notFound('application');
  return n;
}

async function latestRound(m: EntityManager, applicationId: string) {
  const [latest] = await m.find(OfferRow, { where: { applicationId }, order: { round: 'DESC' }, take: 1 });
  return latest ?? null;
}

/** An officer sends the first round, or answers a counter-offer (or revises an unanswered offer). */
export async function sendOffer(
  db: DataSource,
  officer: Caller,
  applicationId: string,
  input: OfferTermsInput,
) {
  const terms = parseOfferTerms(input);
  return db.transaction(async (m) => {
    // The negotiation row is the per-application lock: two officers cannot send round 3 twice.
    const negotiation = await lockNegotiation(m, applicationId);
    if (negotiation.state !== 'OPEN') {
      throw new AppError(
        'FAILED_PRECONDITION',
        negotiation.state === 'WAITING'
          ? 'the application has not been approved for discussion'
          : 'the negotiation is over',
      );
    }
    const latest = await latestRound(m, applicationId);
    if (latest && !ANSWERABLE.includes(latest.status)) {
      throw new AppError(
        'FAILED_PRECONDITION',
        `the negotiation is over: the last offer was ${latest.status}`,
      );
    }
    if (latest?.status === OfferStatus.OPEN) {
      await updateVersioned(m, OfferRow, latest, {
        status: offerTransition(latest, 'supersede', new Date()),
        respondedAt: new Date(),
      });
    }
    // The product in force decides what may be offered, how the instalment is rounded and which charges
    // the KFS discloses.
    const { product, version } = await latestProduct(m, terms.productCode);
    const rounding = roundingOf(product);
    const repayment = {
      frequency: terms.frequency,
      method: terms.method,
      moratoriumPeriods: terms.moratoriumPeriods,
      rounding,
    };
    const problems = productProblems(product, terms);
    if (problems.length) {
      throw new AppError('BAD_USER_INPUT', problems.map((p) => `${p.field}: ${p.message}`).join('; '), {
        field: problems[0]?.field,
      });
    }
    const perInstalment = instalmentCharges(product);
    const kfs = keyFacts({
      ...terms,
      repayment,
      instalmentChargeMinor: perInstalment.amountMinor + perInstalment.gstMinor,
    });
    const charges = kfsCharges(product, terms.processingFeeMinor);
    const offer = m.create(OfferRow, {
      id: randomUUID(),
      applicationId,
      customerId: negotiation.customerId,
      round: (latest?.round ?? 0) + 1,
      status: OfferStatus.OPEN,
      amountMinor: terms.amountMinor.toString(),
      currency: negotiation.currency,
      annualRateBps: terms.annualRateBps,
      tenureMonths: terms.tenureMonths,
      processingFeeMinor: terms.processingFeeMinor.toString(),
      frequency: terms.frequency,
      method: terms.method,
      moratoriumPeriods: terms.moratoriumPeriods,
      validUntil: terms.validUntil,
      productCode: product.code,
      productVersion: version,
      kfs: {
        emiMinor: kfs.emiMinor.toString(),
        instalments: kfs.instalments,
        totalInterestMinor: kfs.totalInterestMinor.toString(),
        feesMinor: kfs.feesMinor.toString(),
        recurringChargesMinor: kfs.recurringChargesMinor.toString(),
        totalPayableMinor: kfs.totalPayableMinor.toString(),
        netDisbursedMinor: kfs.netDisbursedMinor.toString(),
        aprBps: kfs.aprBps,
        rounding: { multipleMinor: rounding.multipleMinor.toString(), mode: rounding.mode },
        coolingOffDays: coolingOffDaysOf(product),
        charges: charges.map((c) => ({ ...c, amountMinor: c.amountMinor?.toString() ?? null })),
      },
      counter: null,
      responseReason: null,
      sentBy: officer.userId,
      sentAt: new Date(),
      respondedAt: null,
      version: 1,
    });
    await m.insert(OfferRow, offer);
    await recordEvent(m, offerEvents.sent(offer, officer.userId, product));
    return offer;
  });
}

/** The customer's answer to their offer: accept, decline or counter. */
/**
 * The offer a customer answers: the one named, or their application's latest round. By application the
 * latest is read again under the negotiation lock, so it is the round current when the answer lands.
 */
async function offerOf(m: EntityManager, ref: RecordRef) {
  if (!isUuid(refKey(ref))) return null;
  return 'id' in ref ? m.findOne(OfferRow, { where: { id: ref.id } }) : latestRound(m, ref.applicationId);
}

async function respond(
  db: DataSource,
  customer: Caller,
  ref: RecordRef,
  action: Extract<OfferAction, 'accept' | 'decline' | 'counter'>,
  patch: Partial<OfferRow>,
) {
  return db.transaction(async (m) => {
    const found = await offerOf(m, ref);
    if (!found || found.customerId !== customer.userId) throw notFound('offer');
    await lockNegotiation(m, found.applicationId);
    // Re-read under the negotiation lock: an officer's new round or the expiry job may have moved it.
    const offer = await offerOf(m, ref);
    if (!offer) throw notFound('offer');
    const status = offerTransition(offer, action, new Date());
    const done = await updateVersioned(m, OfferRow, offer, { ...patch, status, respondedAt: new Date() });
    // The accepted terms travel with the product version they were offered under: the loan keeps it.
    const product =
      action === 'accept'
        ? (
            await m.findOneOrFail(ProductVersionRow, {
              where: { code: done.productCode, version: done.productVersion },
            })
          ).document
        : undefined;
    const event =
      action === 'accept'
        ? offerEvents.accepted(done, customer.userId, product as LoanProduct)
        : action === 'decline'
          ? offerEvents.declined(done, customer.userId)
          : offerEvents.countered(done, customer.userId);
    await recordEvent(m, event);
    return done;
  });
}

export const acceptOffer = (db: DataSource, customer: Caller, ref: RecordRef) =>
  respond(db, customer, ref, 'accept', {});

export function declineOffer(db: DataSource, customer: Caller, ref: RecordRef, reason: string) {
  const why = parseInput(staffReason, reason);
  return respond(db, customer, ref, 'decline', { responseReason: why });
}

export function counterOffer(db: DataSource, customer: Caller, offerId: string, input: CounterInput) {
  const c = parseInput(counterSchema, input);
  const counter: CounterProposal = {
    ...(c.amountMinor !== undefined ? { amountMinor: c.amountMinor.toString() } : {}),
    ...(c.tenureMonths !== undefined ? { tenureMonths: c.tenureMonths } : {}),
    ...(c.annualRateBps !== undefined ? { annualRateBps: c.annualRateBps } : {}),
    ...(c.comment ? { comment: c.comment } : {}),
  };
  return respond(db, customer, { id: offerId }, 'counter', { counter });
}

/**
 * Expires open offers past their validity, a batch at a time, each with its event (which ends the
 * negotiation: no round follows an expired one). SKIP LOCKED lets every replica run it at once without expiring anything twice.
 */
export async function expireDue(db: DataSource, limit = 100): Promise<number> {
  return db.transaction(async (m) => {
    const [rows]: [Record<string, unknown>[], number] = await m.query(
      `UPDATE offers SET status = $1, responded_at = now(), version = version + 1
        WHERE id IN (SELECT id FROM offers WHERE status = $2 AND valid_until <= now()
                      ORDER BY valid_until LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [OfferStatus.EXPIRED, OfferStatus.OPEN, limit],
    );
    const expired = rows.map((r) => entityFromRow(db, OfferRow, r));
    if (!expired.length) return 0;
    await m.update(
      NegotiationRow,
      { applicationId: In(expired.map((o) => o.applicationId)) },
      { state: 'CLOSED' },
    );
    for (const offer of expired) await recordEvent(m, offerEvents.expired(offer));
    return expired.length;
  });
}

// ---- queries ---------------------------------------------------------------------------------------

export async function getOffer(db: DataSource, caller: Caller | null, id: string) {
  const offer = isUuid(id) ? await db.getRepository(OfferRow).findOne({ where: { id } }) : null;
  if (!offer || !canSee(caller, offer.customerId)) throw notFound('offer');
  return offer;
}

/** Every round of the applications' negotiations, newest first, for the ones the caller may see. */
export async function offersFor(db: DataSource, caller: Caller | null, applicationIds: readonly string[]) {
  const ids = applicationIds.filter(isUuid);
  if (!caller || !ids.length) return [];
  const rows = await db
    .getRepository(OfferRow)
    .find({ where: { applicationId: In(ids) }, order: { round: 'DESC' } });
  return rows.filter((o) => canSee(caller, o.customerId));
}
