import { randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager, In, Not } from 'typeorm';
import { type Caller, canSee, hasRole } from '../../platform/auth';
import { lockKey, updateVersioned } from '../../platform/db';
import { AppError, isUuid, notFound } from '../../platform/errors';
import {
  type CloudEvent,
  type EventMap,
  type EventOf,
  type EventsWith,
  recordEvent,
} from '../../platform/events';
import { keysetPage } from '../../platform/graphql/page';
import { Role } from '../../platform/roles';
import { type ApplicationDraft, parseDraft, parseDraftPatch } from './domain/application';
import { ApplicationStatus, canTransition, TERMINAL, type Trigger, transition } from './domain/state-machine';
import { applicationEvents } from './events';
import { ApplicationRow, CustomerKycRow, type ProjectJson, TimelineRow } from './model/application';

export type ActorKind = 'CUSTOMER' | 'STAFF' | 'SYSTEM';

interface Actor {
  id: string | null;
  kind: ActorKind;
}

const actorOf = (caller: Caller): Actor => ({
  id: caller.userId,
  kind: hasRole(caller, Role.CUSTOMER) ? 'CUSTOMER' : 'STAFF',
});

function toColumns(draft: Partial<ApplicationDraft>): Partial<ApplicationRow> {
  const { amountMinor, project, monthlyIncomeMinor, collateralValueMinor, ...rest } = draft;
  const out: Partial<ApplicationRow> = { ...rest };
  if (amountMinor !== undefined) out.amountMinor = amountMinor.toString();
  if (monthlyIncomeMinor !== undefined) out.monthlyIncomeMinor = monthlyIncomeMinor?.toString() ?? null;
  if (collateralValueMinor !== undefined) out.collateralValueMinor = collateralValueMinor?.toString() ?? null;
  if (project !== undefined) {
    out.project = project ? ({ ...project, costMinor: project.costMinor.toString() } as ProjectJson) : null;
  }
  return out;
}

async function addTimeline(
  m: EntityManager,
  app: ApplicationRow,
  entry: Pick<TimelineRow, 'action'> & Partial<TimelineRow> & { actor: Actor },
) {
  const { actor, ...rest } = entry;
  await m.insert(TimelineRow, {
    id: randomUUID(),
    applicationId: app.id,
    fromStatus: null,
    toStatus: null,
    reason: null,
    eventId: null,
    at: new Date(),
    ...rest,
    actorId: actor.id,
    actorKind: actor.kind,
  });
}

const actionOf = (trigger: Trigger) => trigger.toUpperCase().replace('.', '_');

/** Every status change goes through here: the state machine, the row, the timeline and the events. */
async function move(
  m: EntityManager,
  app: ApplicationRow,
  trigger: Trigger,
  actor: Actor,
  opts: {
    reason?: string | null;
    causeEventId?: string | null;
    extra?: (a: ApplicationRow) => CloudEvent;
  } = {},
) {
  const from = app.status;
  const to = transition(from, trigger);
  const patch: Partial<ApplicationRow> = { status: to };
  if (to === ApplicationStatus.SUBMITTED) patch.submittedAt = new Date();
  await updateVersioned(m, ApplicationRow, app, patch);
  const reason = opts.reason ?? null;
  const changed = await recordEvent(
    m,
    applicationEvents.statusChanged(app, actor, { from, to, trigger, reason }),
  );
  if (opts.extra) await recordEvent(m, opts.extra(app));
  await addTimeline(m, app, {
    action: actionOf(trigger),
    fromStatus: from,
    toStatus: to,
    reason,
    eventId: opts.causeEventId ?? changed.id,
    actor,
  });
  return app;
}

async function loadForUpdate(m: EntityManager, caller: Caller, id: string): Promise<ApplicationRow> {
  const app = isUuid(id) ? await m.findOne(ApplicationRow, { where: { id } }) : null;
  if (!app || !canSee(caller, app.customerId)) throw notFound('application');
  return app;
}

export async function createApplication(db: DataSource, caller: Caller, input: unknown) {
  const draft = parseDraft(input);
  return db.transaction(async (m) => {
    // One at a time with the customer's KYC arriving (onKycSubmitted): each would miss the other's row.
    await lockKey(m, kycKey(caller.userId));
    const actor = actorOf(caller);
    const app = m.create(ApplicationRow, {
      id: randomUUID(),
      customerId: caller.userId,
      currency: 'INR',
      status: ApplicationStatus.DRAFT,
      submittedAt: null,
      ...toColumns(draft),
    });
    await m.save(app);
    const created = await recordEvent(m, applicationEvents.created(app, actor));
    await addTimeline(m, app, { action: 'CREATED', toStatus: app.status, eventId: created.id, actor });
    const kyc = await m.findOne(CustomerKycRow, { where: { customerId: caller.userId } });
    if (kyc) await noteKyc(m, app, kyc);
    return app;
  });
}

export async function updateApplication(db: DataSource, caller: Caller, id: string, input: unknown) {
  const patch = toColumns(parseDraftPatch(input));
  if (Object.keys(patch).length === 0) throw new AppError('BAD_USER_INPUT', 'nothing to update');
  return db.transaction(async (m) => {
    const app = await loadForUpdate(m, caller, id);
    if (app.customerId !== caller.userId) throw new AppError('FORBIDDEN', 'only the applicant edits a draft');
    if (app.status !== ApplicationStatus.DRAFT) {
      throw new AppError(
        'FAILED_PRECONDITION',
        `only a DRAFT application can be changed; this one is ${app.status}`,
      );
    }
    await updateVersioned(m, ApplicationRow, app, patch);
    const updated = await recordEvent(m, applicationEvents.updated(app, actorOf(caller)));
    await addTimeline(m, app, {
      action: 'UPDATED',
      reason: Object.keys(patch).join(', '),
      eventId: updated.id,
      actor: actorOf(caller),
    });
    return app;
  });
}

export async function submitApplication(db: DataSource, caller: Caller, id: string) {
  return db.transaction(async (m) => {
    const app = await loadForUpdate(m, caller, id);
    if (app.status === ApplicationStatus.DRAFT && !app.monthlyIncomeMinor) {
      throw new AppError('FAILED_PRECONDITION', 'declare the monthly income before submitting', {
        field: 'monthlyIncomeMinor',
      });
    }
    const actor = actorOf(caller);
    return move(m, app, 'submit', actor, { extra: (a) => applicationEvents.submitted(a, actor) });
  });
}

export async function withdrawApplication(db: DataSource, caller: Caller, id: string, reason: string | null) {
  if (reason && reason.length > 500) throw new AppError('BAD_USER_INPUT', 'reason: at most 500 characters');
  return db.transaction(async (m) => {
    const app = await loadForUpdate(m, caller, id);
    const actor = actorOf(caller);
    return move(m, app, 'withdraw', actor, {
      reason,
      extra: (a) => applicationEvents.withdrawn(a, actor, reason),
    });
  });
}

/**
 * A customer's KYC is noted on their applications from both sides — when it arrives and when an
 * application is created — and the two take this lock so that one always sees the other's row.
 */
const kycKey = (customerId: string) => `customer-kyc:${customerId}`;

async function noteKyc(m: EntityManager, app: ApplicationRow, kyc: CustomerKycRow) {
  await addTimeline(m, app, {
    action: 'KYC_DATA_RECEIVED',
    eventId: kyc.eventId,
    at: kyc.submittedAt,
    actor: { id: kyc.customerId, kind: 'CUSTOMER' },
  });
}

/** identity → applications: remember the customer's KYC and note it on their open applications. */
export async function onKycSubmitted(m: EntityManager, event: EventOf<'customer.kyc.submitted'>) {
  const data = event.data;
  await lockKey(m, kycKey(data.customerId));
  const kyc = m.create(CustomerKycRow, {
    customerId: data.customerId,
    submittedAt: new Date(data.submittedAt),
    eventId: event.id,
  });
  await m.upsert(CustomerKycRow, kyc, ['customerId']);
  const open = await m.find(ApplicationRow, {
    where: { customerId: data.customerId, status: Not(In([...TERMINAL])) },
  });
  for (const app of open) await noteKyc(m, app, kyc);
}

/**
 * Another domain's event moves the application. One that no longer applies (say the customer withdrew
 * meanwhile) is noted on the timeline rather than retried into the dead-letter topic.
 */
export function onDomainEvent(trigger: Trigger) {
  return async (event: EventOf<ApplicationEvent>, m: EntityManager) => {
    const d = event.data;
    const app = await m.findOne(ApplicationRow, { where: { id: d.applicationId } });
    if (!app) throw new Error(`event ${event.id} names unknown application ${d.applicationId}`);
    const actor = eventActor(event, app);
    if (!canTransition(app.status, trigger)) {
      await addTimeline(m, app, {
        action: `${actionOf(trigger)}_NOT_APPLIED`,
        reason: `the application was ${app.status}`,
        eventId: event.id,
        actor,
      });
      return;
    }
    const reason = 'reason' in d ? d.reason : null;
    await move(m, app, trigger, actor, { reason, causeEventId: event.id });
  };
}

/** Who caused an event: its customer, a member of staff, or the system (no actor). */
/** Every event that names an application: what the timeline can record. */
type ApplicationEvent = EventsWith<{ applicationId: string }>;

const eventActor = (event: CloudEvent, app: ApplicationRow): Actor => ({
  id: event.actorid ?? null,
  kind: !event.actorid ? 'SYSTEM' : event.actorid === app.customerId ? 'CUSTOMER' : 'STAFF',
});

/** A step of another stage that does not move the application, written to its timeline. */
export function onMilestone<K extends ApplicationEvent>(
  action: string,
  reasonOf: (data: EventMap[K]) => string | null = () => null,
) {
  return async (event: EventOf<K>, m: EntityManager) => {
    const d: { applicationId: string } = event.data;
    const app = await m.findOne(ApplicationRow, { where: { id: d.applicationId } });
    if (!app) throw new Error(`event ${event.id} names unknown application ${d.applicationId}`);
    await addTimeline(m, app, {
      action,
      reason: reasonOf(event.data),
      eventId: event.id,
      actor: eventActor(event, app),
    });
  };
}

/** risk → applications: the assessment's outcome on the timeline (the status waits for the manager). */
export const onRiskAssessed = async (event: EventOf<'risk.assessment.completed'>, m: EntityManager) => {
  const d = event.data;
  const manual = d.status === 'MANUAL_REVIEW';
  return onMilestone(manual ? 'RISK_MANUAL_REVIEW' : 'RISK_ASSESSED', () =>
    manual ? (d.reason ?? null) : `score ${d.score}, grade ${d.grade}, recommendation ${d.recommendation}`,
  )(event, m);
};

export async function getApplication(db: DataSource, caller: Caller | null, id: string) {
  const app = isUuid(id) ? await db.getRepository(ApplicationRow).findOne({ where: { id } }) : null;
  if (!app || !canSee(caller, app.customerId)) throw notFound('application');
  return app;
}

export function kycOnFile(db: DataSource, customerIds: readonly string[]) {
  return db.getRepository(CustomerKycRow).find({ where: { customerId: In([...customerIds]) } });
}

export function timeline(db: DataSource, applicationIds: readonly string[]) {
  return db.getRepository(TimelineRow).find({
    where: { applicationId: In([...applicationIds]) },
    order: { at: 'ASC', id: 'ASC' },
  });
}

export interface ListFilter {
  customerId?: string;
  statuses?: ApplicationStatus[];
  facilityType?: string;
}

/** Newest first, keyset-paginated so pages stay stable while applications arrive. */
export async function listApplications(
  db: DataSource,
  filter: ListFilter,
  page: { first: number; after?: string | null },
) {
  const qb = db.getRepository(ApplicationRow).createQueryBuilder('a');
  if (filter.customerId && !isUuid(filter.customerId)) qb.andWhere('false');
  else if (filter.customerId) qb.andWhere('a.customer_id = :c', { c: filter.customerId });
  if (filter.statuses?.length) qb.andWhere('a.status IN (:...s)', { s: filter.statuses });
  if (filter.facilityType) qb.andWhere('a.facility_type = :f', { f: filter.facilityType });
  return keysetPage(qb, { sql: 'a.created_at', of: (a) => a.createdAt }, 'DESC', page);
}

/** Applications counted by status, and what is waiting longest at each open step. */
export async function applicationsByStatus(db: DataSource) {
  const rows: { status: string; count: number; oldest: Date }[] = await db.query(
    `SELECT status, count(*)::int AS count, min(updated_at) AS oldest FROM applications GROUP BY status ORDER BY status`,
  );
  return rows.map((r) => ({ status: r.status as ApplicationStatus, count: r.count, oldestUpdate: r.oldest }));
}
