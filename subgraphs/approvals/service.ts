import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { z } from 'zod';
import { type Caller, canSee } from '../../platform/auth';
import { config } from '../../platform/config';
import { isUuid, notFound } from '../../platform/errors';
import { type EventOf, recordEvent } from '../../platform/events';
import { keysetPage } from '../../platform/graphql/page';
import { parseInput } from '../../platform/validation';
import { ApprovalStatus, decideLevel, planLevels } from './domain/approval';
import { approvalEvents } from './events';
import { ApprovalRow, FlowRow } from './model/approval';

/** offers → approvals: an accepted offer opens the flow (once), with the levels its amount needs. */
export async function onOfferAccepted(m: EntityManager, event: EventOf<'discussion.offer.accepted'>) {
  const d = event.data;
  const now = new Date(event.time);
  const opened: unknown[] = await m.query(
    `INSERT INTO flows (application_id, customer_id, offer_id, amount_minor, currency, status, opened_at, version)
     VALUES ($1, $2, $3, $4, $5, 'OPEN', $6, 1) ON CONFLICT DO NOTHING RETURNING application_id`,
    [d.applicationId, d.customerId, d.offerId, d.amountMinor, d.currency, now],
  );
  if (!opened.length) return;
  const levels = planLevels(BigInt(d.amountMinor), config().APPROVAL_COMMITTEE_THRESHOLD_MINOR);
  await m.insert(
    ApprovalRow,
    levels.map((l) => ({
      id: randomUUID(),
      applicationId: d.applicationId,
      customerId: d.customerId,
      level: l.level,
      role: l.role,
      status: l.status,
      comment: l.skipReason,
      decidedBy: null,
      decidedAt: l.status === ApprovalStatus.SKIPPED ? now : null,
      pendingSince: l.status === ApprovalStatus.PENDING ? now : null,
    })),
  );
}

const comment = z.string().trim().min(3, 'a comment of at least 3 characters').max(2000);

/** A decision at one level: in order, by that level's role, never by someone who decided another level. */
export async function decide(
  db: DataSource,
  decider: Caller,
  applicationId: string,
  level: number,
  approve: boolean,
  text: string,
) {
  const why = parseInput(comment, text);
  return db.transaction(async (m) => {
    const flow = isUuid(applicationId)
      ? await m.findOne(FlowRow, { where: { applicationId }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!flow) throw notFound('approval flow');
    const levels = await m.find(ApprovalRow, { where: { applicationId }, order: { level: 'ASC' } });
    const outcome = decideLevel(levels, level, decider, approve);
    const now = new Date();
    const decided = levels.find((l) => l.level === level) as ApprovalRow;
    Object.assign(decided, {
      status: approve ? ApprovalStatus.APPROVED : ApprovalStatus.REJECTED,
      comment: why,
      decidedBy: decider.userId,
      decidedAt: now,
    });
    await m.save(ApprovalRow, decided);
    if (outcome.kind === 'passed') {
      await m.update(
        ApprovalRow,
        { applicationId, level: outcome.next },
        { status: ApprovalStatus.PENDING, pendingSince: now },
      );
      await recordEvent(m, approvalEvents.passed(decided));
    } else {
      await m.update(
        FlowRow,
        { applicationId },
        { status: outcome.kind === 'approved' ? 'APPROVED' : 'REJECTED', closedAt: now },
      );
      if (outcome.kind === 'rejected') {
        await m.update(
          ApprovalRow,
          { applicationId, status: ApprovalStatus.WAITING },
          { status: ApprovalStatus.CANCELLED },
        );
        await recordEvent(m, approvalEvents.rejected(decided));
      } else {
        // A final approval below the committee threshold is also the management level passing.
        if (level === 2) await recordEvent(m, approvalEvents.passed(decided));
        await recordEvent(m, approvalEvents.approved(decided));
      }
    }
    return decided;
  });
}

export async function approvalsFor(db: DataSource, caller: Caller | null, applicationIds: readonly string[]) {
  const ids = applicationIds.filter(isUuid);
  if (!caller || !ids.length) return [];
  const rows = await db
    .getRepository(ApprovalRow)
    .find({ where: { applicationId: In(ids) }, order: { level: 'ASC' } });
  return rows.filter((a) => canSee(caller, a.customerId));
}

export async function getApproval(db: DataSource, caller: Caller | null, id: string) {
  const a = isUuid(id) ? await db.getRepository(ApprovalRow).findOne({ where: { id } }) : null;
  if (!a || !canSee(caller, a.customerId)) throw notFound('approval');
  return a;
}

/** Levels due for the caller's roles, oldest first, leaving out applications the caller already decided. */
export function waitingFor(db: DataSource, caller: Caller, page: { first: number; after?: string | null }) {
  const qb = db
    .getRepository(ApprovalRow)
    .createQueryBuilder('a')
    .where('a.status = :pending', { pending: ApprovalStatus.PENDING })
    .andWhere('a.role IN (:...roles)', { roles: caller.roles.length ? caller.roles : ['-'] })
    .andWhere(
      'NOT EXISTS (SELECT 1 FROM approvals d WHERE d.application_id = a.application_id AND d.decided_by = :me)',
      { me: caller.userId },
    );
  return keysetPage(qb, { sql: 'a.pending_since', of: (a) => a.pendingSince as Date }, 'ASC', page);
}
