import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { type Caller, canSee } from '../../platform/auth';
import { updateVersioned } from '../../platform/db';
import { AppError, forbidden, isUuid, notFound } from '../../platform/errors';
import { type EventOf, recordEvent } from '../../platform/events';
import { keysetPage } from '../../platform/graphql/page';
import { nameIndex } from '../../platform/pii';
import { Role } from '../../platform/roles';
import { type RecordRef, refKey } from '../../platform/validation';
import { type Checklist, decide, KycStatus, requireFourEyes, requireStep } from './domain/review';
import { kycEvents } from './events';
import { CustomerRefRow, ReviewRow, WatchlistRow } from './model/review';

export const KYC_STAFF = [Role.KYC_OFFICER, Role.KYC_MANAGER, Role.ADMIN];

async function load(m: EntityManager, ref: RecordRef) {
  const review = isUuid(refKey(ref)) ? await m.findOne(ReviewRow, { where: ref }) : null;
  if (!review) throw notFound('KYC review');
  return review;
}

/** applications → kyc: a submitted application opens a review (once, however often the event comes). */
export async function onApplicationSubmitted(m: EntityManager, event: EventOf<'application.submitted'>) {
  const d = event.data;
  await m
    .createQueryBuilder()
    .insert()
    .into(ReviewRow)
    .values({
      id: randomUUID(),
      applicationId: d.applicationId,
      customerId: d.customerId,
      facilityType: d.facilityType,
      status: KycStatus.OPEN,
      openedAt: new Date(event.time),
    })
    .orIgnore()
    .execute();
}

/** applications → kyc: a withdrawn application leaves the queue; a decided review stays as it was. */
export async function onApplicationWithdrawn(m: EntityManager, event: EventOf<'application.withdrawn'>) {
  const d = event.data;
  await m.query(
    `UPDATE reviews SET status = $2, decision_reason = 'application withdrawn by the customer', decided_at = now(),
            version = version + 1
      WHERE application_id = $1 AND status IN ('OPEN', 'ASSIGNED', 'VERIFIED')`,
    [d.applicationId, KycStatus.WITHDRAWN],
  );
}

/** identity → kyc: the blind index of the customer's name. */
export async function onCustomer(
  m: EntityManager,
  event: EventOf<'customer.registered' | 'customer.profile.updated'>,
) {
  const d = event.data;
  await m.upsert(CustomerRefRow, { customerId: d.customerId, nameIndex: d.nameIndex }, ['customerId']);
}

export interface QueueFilter {
  statuses?: KycStatus[];
  assignedTo?: string;
}

/** Oldest first: the review waiting longest is worked first. */
export function queue(db: DataSource, filter: QueueFilter, page: { first: number; after?: string | null }) {
  const qb = db.getRepository(ReviewRow).createQueryBuilder('r');
  const statuses = filter.statuses?.length
    ? filter.statuses
    : [KycStatus.OPEN, KycStatus.ASSIGNED, KycStatus.VERIFIED];
  qb.where('r.status IN (:...s)', { s: statuses });
  if (filter.assignedTo) {
    if (!isUuid(filter.assignedTo)) qb.andWhere('false');
    else qb.andWhere('r.assigned_to = :a', { a: filter.assignedTo });
  }
  return keysetPage(qb, { sql: 'r.opened_at', of: (r) => r.openedAt }, 'ASC', page);
}

export async function assign(db: DataSource, manager: Caller, ref: RecordRef, officerId: string) {
  if (!isUuid(officerId))
    throw new AppError('BAD_USER_INPUT', 'officerId must be a user id', { field: 'officerId' });
  return db.transaction(async (m) => {
    const review = await load(m, ref);
    requireStep(review.status, 'assign');
    requireFourEyes('assign', manager.userId, review, officerId);
    const first = review.status === KycStatus.OPEN;
    await updateVersioned(m, ReviewRow, review, {
      status: KycStatus.ASSIGNED,
      assignedTo: officerId,
      assignedAt: new Date(),
    });
    if (first) await recordEvent(m, kycEvents.started(review, manager.userId));
    return review;
  });
}

async function screened(m: EntityManager, customerId: string): Promise<boolean> {
  const ref = await m.findOne(CustomerRefRow, { where: { customerId } });
  if (!ref)
    throw new AppError('FAILED_PRECONDITION', 'the customer is not known to KYC yet; try again shortly');
  return !(await m.exists(WatchlistRow, { where: { nameIndex: ref.nameIndex } }));
}

export async function verify(
  db: DataSource,
  officer: Caller,
  ref: RecordRef,
  input: Omit<Checklist, 'sanctionsClear'>,
) {
  return db.transaction(async (m) => {
    const review = await load(m, ref);
    requireStep(review.status, 'verify');
    if (review.assignedTo !== officer.userId)
      throw forbidden('only the assigned officer verifies this review');
    const checklist: Checklist = {
      identityMatchesPan: input.identityMatchesPan,
      addressProofOk: input.addressProofOk,
      documentsValidated: input.documentsValidated,
      projectFeasible: input.projectFeasible,
      sanctionsClear: await screened(m, review.customerId),
      notes: input.notes?.slice(0, 2000) ?? null,
    };
    await updateVersioned(m, ReviewRow, review, {
      status: KycStatus.VERIFIED,
      checklist,
      verifiedAt: new Date(),
    });
    if (checklist.projectFeasible) await recordEvent(m, kycEvents.projectValidated(review, officer.userId));
    return review;
  });
}

export async function decideReview(
  db: DataSource,
  manager: Caller,
  ref: RecordRef,
  approve: boolean,
  reason: string,
) {
  return db.transaction(async (m) => {
    const review = await load(m, ref);
    requireStep(review.status, 'decide');
    requireFourEyes('decide', manager.userId, review);
    const status = decide(review.checklist as Checklist, approve, reason);
    await updateVersioned(m, ReviewRow, review, {
      status,
      decisionReason: reason.trim(),
      decidedBy: manager.userId,
      decidedAt: new Date(),
    });
    const event = status === KycStatus.APPROVED ? kycEvents.approved : kycEvents.rejected;
    await recordEvent(m, event(review, manager.userId));
    return review;
  });
}

export async function addToWatchlist(db: DataSource, name: string, list: string) {
  const trimmed = name.trim();
  if (trimmed.length < 3 || trimmed.length > 200) {
    throw new AppError('BAD_USER_INPUT', 'name: 3 to 200 characters', { field: 'name' });
  }
  await db
    .createQueryBuilder()
    .insert()
    .into(WatchlistRow)
    .values({ id: randomUUID(), name: trimmed, nameIndex: nameIndex(trimmed), list, addedAt: new Date() })
    .orIgnore()
    .execute();
  return true;
}

export async function getReview(db: DataSource, caller: Caller | null, id: string) {
  const review = isUuid(id) ? await db.getRepository(ReviewRow).findOne({ where: { id } }) : null;
  if (!review || !canSee(caller, review.customerId)) throw notFound('KYC review');
  return review;
}

/** For Application.kycReview: the applicant or staff see it; anyone else gets nothing. */
export async function reviewOf(db: DataSource, caller: Caller | null, applicationId: string) {
  const review = await db.getRepository(ReviewRow).findOne({ where: { applicationId } });
  return review && canSee(caller, review.customerId) ? review : null;
}
