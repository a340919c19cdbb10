import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, QueryDeepPartialEntity } from 'typeorm';
import type { Caller } from '../../platform/auth';
import { config } from '../../platform/config';
import { entityFromRow, markForCommit, updateVersioned } from '../../platform/db';
import { AppError, isUuid, notFound } from '../../platform/errors';
import { type EventOf, recordEvent } from '../../platform/events';
import type { RiskAssessmentCompleted } from '../../platform/events/event-map';
import { logger } from '../../platform/log';
import { HttpBureau } from './bureau/http';
import { type Bureau, BureauUnavailable } from './bureau/port';
import { parsePolicy, type RiskPolicy } from './domain/policy';
import { type BureauReport, type ScoringInput, scoreApplication } from './domain/scoring';
import { riskEvents } from './events';
import { ApplicationTermsRow, AssessmentRow, CustomerPanRow, PolicyRow } from './model/risk';

const log = logger('risk');
export const ASSESSMENTS = 'assessments';
/** Inputs (application terms, PAN index) that have not arrived after this many tries go to a person. */
const MAX_INPUT_WAITS = 20;

let bureau: Bureau | undefined;

/** The bureau adapter; `npm start` and the tests point it at the local simulator. */
export function useBureau(b: Bureau) {
  bureau = b;
}

/** The HTTP bureau at `baseUrl`, with the configured timeout, attempts and back-off. */
export function httpBureau(baseUrl: string): Bureau {
  const c = config();
  return new HttpBureau({
    baseUrl,
    timeoutMs: c.BUREAU_TIMEOUT_MS,
    attempts: c.BUREAU_ATTEMPTS,
    backoffMs: c.BUREAU_BACKOFF_MS,
  });
}

function currentBureau(): Bureau {
  if (bureau) return bureau;
  const url = config().BUREAU_URL;
  if (!url) throw new Error('BUREAU_URL is not set');
  bureau = httpBureau(url);
  return bureau;
}

export async function currentPolicy(db: DataSource | EntityManager): Promise<PolicyRow> {
  const [row] = await db.getRepository(PolicyRow).find({ order: { version: 'DESC' }, take: 1 });
  if (!row) throw new Error('no risk policy');
  return row;
}

/** A new policy version; every later assessment uses it (no restart: it is read per assessment). */
export async function updatePolicy(db: DataSource, manager: Caller, input: unknown): Promise<PolicyRow> {
  const rules: RiskPolicy = parsePolicy(input);
  return db.getRepository(PolicyRow).save({ rules, createdBy: manager.userId, createdAt: new Date() });
}

async function enqueue(m: EntityManager, applicationId: string): Promise<AssessmentRow> {
  const fields = {
    id: randomUUID(),
    applicationId,
    status: 'PENDING' as const,
    attempts: 0,
    createdAt: new Date(),
    version: 1,
  };
  await m.insert(AssessmentRow, fields);
  markForCommit(m, ASSESSMENTS);
  return m.create(AssessmentRow, {
    ...fields,
    claimedAt: null,
    policyVersion: null,
    bureau: null,
    result: null,
  });
}

/** kyc → risk: an approved KYC queues an assessment (run by the assessor, outside this transaction). */
export async function onKycApproved(m: EntityManager, event: EventOf<'kyc.approved'>) {
  await enqueue(m, event.data.applicationId);
}

export async function onApplicationSubmitted(m: EntityManager, event: EventOf<'application.submitted'>) {
  const d = event.data;
  if (!d.monthlyIncomeMinor) throw new Error(`application ${d.applicationId} was submitted without income`);
  await m.upsert(
    ApplicationTermsRow,
    {
      applicationId: d.applicationId,
      customerId: d.customerId,
      amountMinor: d.amountMinor,
      tenureMonths: d.tenureMonths,
      monthlyIncomeMinor: d.monthlyIncomeMinor,
      collateralValueMinor: d.collateralValueMinor ?? null,
    },
    ['applicationId'],
  );
}

export async function onKycDataSubmitted(m: EntityManager, event: EventOf<'customer.kyc.submitted'>) {
  const d = event.data;
  await m.upsert(CustomerPanRow, { customerId: d.customerId, panIndex: d.panIndex }, ['customerId']);
}

/** On demand: a new assessment unless one is already waiting or running. */
export async function requestAssessment(db: DataSource, applicationId: string) {
  if (!isUuid(applicationId)) throw notFound('application');
  return db.transaction(async (m) => {
    if (!(await m.exists(ApplicationTermsRow, { where: { applicationId } }))) throw notFound('application');
    const busy = await m
      .getRepository(AssessmentRow)
      .createQueryBuilder('a')
      .where("a.application_id = :id AND a.status IN ('PENDING', 'RUNNING')", { id: applicationId })
      .getOne();
    return busy ?? enqueue(m, applicationId);
  });
}

/** Assessments run side by side (most of each is waiting for the bureau): this many lanes of one each. */
export const ASSESSOR_LANES = 4;
const BATCH = 1;

interface Claimed {
  assessment: AssessmentRow;
  policy: { version: number; rules: RiskPolicy };
  /** Missing while application.submitted or customer.kyc.submitted has not reached risk yet. */
  inputs?: { application: Omit<ScoringInput, 'bureau'>; panIndex: string };
}

/**
 * Takes the oldest due assessment, marking it RUNNING so no other lane takes it, and reads its inputs and
 * the current policy in the same statement: on this path a round trip costs more than the scoring.
 */
async function claim(db: DataSource): Promise<Claimed[]> {
  const rows: Record<string, unknown>[] = await db.query(
    `WITH claimed AS (
       UPDATE assessments SET status = 'RUNNING', claimed_at = now(), attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM assessments
           WHERE (status = 'PENDING' AND (claimed_at IS NULL OR claimed_at < now() - interval '1 second'))
              OR (status = 'RUNNING' AND claimed_at < now() - interval '2 minutes')
           ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING *)
     SELECT c.*, t.amount_minor AS in_amount, t.tenure_months AS in_tenure, t.monthly_income_minor AS in_income,
            t.collateral_value_minor AS in_collateral, p.pan_index AS in_pan_index,
            pol.version AS current_policy_version, pol.rules AS current_policy_rules
       FROM claimed c
       LEFT JOIN application_terms t ON t.application_id = c.application_id
       LEFT JOIN customer_pan p ON p.customer_id = t.customer_id
      CROSS JOIN (SELECT version, rules FROM policies ORDER BY version DESC LIMIT 1) pol`,
    [BATCH],
  );
  // bigint columns arrive as strings, so money never passes through a float.
  return rows.map((row) => ({
    assessment: entityFromRow(db, AssessmentRow, row),
    policy: { version: row.current_policy_version as number, rules: row.current_policy_rules as RiskPolicy },
    inputs: row.in_pan_index
      ? {
          application: {
            amountMinor: BigInt(row.in_amount as string),
            tenureMonths: row.in_tenure as number,
            monthlyIncomeMinor: BigInt(row.in_income as string),
            collateralValueMinor: row.in_collateral ? BigInt(row.in_collateral as string) : null,
          },
          panIndex: row.in_pan_index as string,
        }
      : undefined,
  }));
}

/** An assessment ends COMPLETED or in MANUAL_REVIEW, and says so. */
async function finish(
  db: DataSource,
  a: AssessmentRow,
  patch: Partial<AssessmentRow> & { status: RiskAssessmentCompleted['status'] },
) {
  await db.transaction(async (m) => {
    const done = await updateVersioned(m, AssessmentRow, a, {
      ...patch,
      completedAt: new Date(),
    } as QueryDeepPartialEntity<AssessmentRow>);
    await recordEvent(m, riskEvents.completed(done, patch.status));
  });
}

/** The due assessments, side by side. Returns false when nothing was due. */
export async function assessNext(db: DataSource): Promise<boolean> {
  const due = await claim(db);
  await Promise.all(due.map((c) => assess(db, c)));
  return due.length > 0;
}

/**
 * One assessment: bureau (with its retries), then the score under the current policy. The bureau failing
 * ends in MANUAL_REVIEW, never in an approval.
 */
async function assess(db: DataSource, { assessment: a, policy, inputs }: Claimed) {
  if (!inputs) {
    if (a.attempts >= MAX_INPUT_WAITS) {
      await finish(db, a, {
        status: 'MANUAL_REVIEW',
        manualReason: 'application terms or KYC data never reached risk',
      });
    } else {
      // Events travel on different keys; wait for the rest to arrive.
      await db.query(`UPDATE assessments SET status = 'PENDING', claimed_at = now() WHERE id = $1`, [a.id]);
    }
    return;
  }
  let report: BureauReport;
  try {
    report = await currentBureau().report(inputs.panIndex);
  } catch (err) {
    if (!(err instanceof BureauUnavailable)) throw err;
    log.warn({ assessmentId: a.id }, 'bureau unavailable: manual review');
    await finish(db, a, { status: 'MANUAL_REVIEW', manualReason: err.message });
    return;
  }
  const result = scoreApplication({ ...inputs.application, bureau: report }, policy.rules);
  await finish(db, a, {
    status: 'COMPLETED',
    policyVersion: policy.version,
    bureau: { ...report, existingEmiMinor: report.existingEmiMinor.toString() },
    result: { ...result, proposedEmiMinor: result.proposedEmiMinor.toString() },
  });
}

export async function getAssessment(db: DataSource, id: string) {
  const a = isUuid(id) ? await db.getRepository(AssessmentRow).findOne({ where: { id } }) : null;
  if (!a) throw notFound('risk assessment');
  return a;
}

export async function latestAssessment(db: DataSource, applicationId: string) {
  if (!isUuid(applicationId)) return null;
  const [row] = await db.getRepository(AssessmentRow).find({
    where: { applicationId },
    order: { createdAt: 'DESC' },
    take: 1,
  });
  return row ?? null;
}

/** RISK_MANAGER: approve for offer discussion, or reject; both need a reason, and a finished assessment. */
export async function decideRisk(
  db: DataSource,
  manager: Caller,
  applicationId: string,
  approve: boolean,
  reason: string,
) {
  const why = reason.trim();
  if (why.length < 3) throw new AppError('BAD_USER_INPUT', 'a decision needs a reason', { field: 'reason' });
  return db.transaction(async (m) => {
    const [a] = isUuid(applicationId)
      ? await m.find(AssessmentRow, { where: { applicationId }, order: { createdAt: 'DESC' }, take: 1 })
      : [];
    if (!a) throw notFound('risk assessment');
    if (a.decision) throw new AppError('ILLEGAL_TRANSITION', `the application was already ${a.decision}`);
    if (a.status !== 'COMPLETED' && a.status !== 'MANUAL_REVIEW') {
      throw new AppError('FAILED_PRECONDITION', `the assessment is still ${a.status}`);
    }
    const decided = await updateVersioned(m, AssessmentRow, a, {
      decision: approve ? 'APPROVED_FOR_DISCUSSION' : 'REJECTED',
      decisionReason: why,
      decidedBy: manager.userId,
      decidedAt: new Date(),
    });
    await recordEvent(
      m,
      approve ? riskEvents.approved(decided, manager.userId) : riskEvents.rejected(decided, manager.userId),
    );
    return decided;
  });
}
