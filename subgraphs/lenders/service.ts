import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { markForCommit, updateVersioned } from '../../platform/db';
import { isUuid } from '../../platform/errors';
import { type EventOf, recordEvent } from '../../platform/events';
import { lendingDay } from '../../platform/finance';
import { logger } from '../../platform/log';
import { type LendingProfile, openLendingProfile } from '../../platform/pii';
import { LenderTimeout, LenderUnavailable } from './client';
import { bundledDescriptors } from './descriptors';
import type { LoanRequest, Outcome } from './domain/descriptor';
import {
  ageOn,
  type BureauBand,
  compileRuleSet,
  type Facts,
  type LenderRules,
  ruleSetSchema,
  type Selector,
} from './domain/rules';
import { lenderEvents } from './events';
import {
  ApplicationFactsRow,
  CustomerFactsRow,
  DisbursementRow,
  LenderAttemptRow,
  RuleVersionRow,
} from './model/lenders';
import { LenderPool } from './pool';

const log = logger('lenders');

/** Tries at one lender when it fails (5xx), with back-off between them; a timeout is not retried. */
export const TRIES = 3;
const backoffMs = (tryNo: number) => 100 * 2 ** (tryNo - 1);
/** A PENDING answer is followed up this often, for the descriptor's wait or this long by default. */
const PENDING_POLL_MS = 200;
const PENDING_WAIT_MS = 2000;
/** How long a worker owns a waterfall before another may take it over. */
const LEASE_SECONDS = 30;

// ---- facts from other services' events -------------------------------------------------------------

/** applications → lenders: what the application asks for. */
export async function onApplicationTerms(
  m: EntityManager,
  event: EventOf<'application.created' | 'application.updated'>,
) {
  const d = event.data;
  await m.query(
    `INSERT INTO application_facts (application_id, customer_id, amount_minor, currency, tenure_months, product, monthly_income_minor, merchant_category)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (application_id) DO UPDATE SET amount_minor = $3, currency = $4, tenure_months = $5, product = $6,
       monthly_income_minor = $7, merchant_category = $8`,
    [
      d.applicationId,
      d.customerId,
      d.amountMinor,
      d.currency,
      d.tenureMonths,
      d.facilityType,
      d.monthlyIncomeMinor ?? null,
      d.merchantCategory ?? null,
    ],
  );
}

/** identity → lenders: the borrower's lending profile (age and state), kept as sealed by identity. */
export async function onLendingProfile(
  m: EntityManager,
  event: EventOf<'customer.kyc.submitted' | 'customer.profile.updated'>,
) {
  const d = event.data;
  if (!d.lendingProfile) return;
  await m.upsert(CustomerFactsRow, { customerId: d.customerId, lendingProfile: d.lendingProfile }, [
    'customerId',
  ]);
}

/** offers → lenders: the accepted terms are what is funded. */
export async function onOfferAccepted(m: EntityManager, event: EventOf<'discussion.offer.accepted'>) {
  const d = event.data;
  await m.query(
    `UPDATE application_facts SET amount_minor = $2, tenure_months = $3, annual_rate_bps = $4 WHERE application_id = $1`,
    [d.applicationId, d.amountMinor, d.tenureMonths, d.annualRateBps],
  );
}

/** risk → lenders: the bureau band lenders' appetites are written in. */
export async function onRiskAssessed(m: EntityManager, event: EventOf<'risk.assessment.completed'>) {
  const d = event.data;
  if (!d.bureauBand) return;
  await m.query('UPDATE application_facts SET bureau_band = $2 WHERE application_id = $1', [
    d.applicationId,
    d.bureauBand,
  ]);
}

// ---- rules -------------------------------------------------------------------------------------------

let compiled: Promise<{ version: number; rules: LenderRules[]; select: Selector }> | undefined;

/**
 * The rule version in force, compiled once per process and kept until `lender.rules.published` says a
 * newer one exists (every replica listens for it; see the lenders worker).
 */
export function currentRules(db: DataSource | EntityManager) {
  compiled ??= (async () => {
    const [row] = (await db.query(
      'SELECT version, rules FROM rule_versions ORDER BY version DESC LIMIT 1',
    )) as {
      version: number;
      rules: unknown;
    }[];
    if (!row) throw new Error('no lender rules');
    const rules = ruleSetSchema.parse(row.rules);
    return { version: row.version, rules, select: compileRuleSet(rules) };
  })().catch((err) => {
    compiled = undefined;
    throw err;
  });
  return compiled;
}

/** A newer rule version was published: the next waterfall compiles it. */
export function forgetRules(version?: number) {
  const held = compiled;
  if (!held || version === undefined) {
    compiled = undefined;
    return;
  }
  void held.then(
    (c) => {
      if (c.version < version && compiled === held) compiled = undefined;
    },
    () => undefined,
  );
}

/** A new rule version from a risk manager; the next waterfall anywhere uses it. */
export async function publishRules(db: DataSource, managerId: string, input: unknown) {
  // Checked here, stored as given (JSON, amounts as digits), compiled where it is used.
  const rules = ruleSetSchema.parse(input);
  const row = await db.transaction(async (m) => {
    const saved = await m
      .getRepository(RuleVersionRow)
      .save({ rules: input as unknown[], createdBy: managerId });
    await recordEvent(
      m,
      lenderEvents.rulesPublished(
        saved.version,
        rules.map((r) => r.lenderCode),
        managerId,
      ),
    );
    return saved;
  });
  // This replica at once; the others when the event reaches them.
  forgetRules();
  log.info({ version: row.version, lenders: rules.length }, 'lender rules published');
  return row;
}

/** What the rules see of an application and its borrower on a lending day. */
const factsOf = (f: ApplicationFactsRow, profile: LendingProfile | null, day = lendingDay()): Facts => ({
  bureauBand: (f.bureauBand as BureauBand | null) ?? null,
  ageYears: profile ? ageOn(profile.dateOfBirth, day) : null,
  monthlyIncomeMinor: f.monthlyIncomeMinor === null ? null : BigInt(f.monthlyIncomeMinor),
  amountMinor: BigInt(f.amountMinor),
  tenureMonths: f.tenureMonths,
  state: profile?.state ?? null,
  product: f.product,
  merchantCategory: f.merchantCategory,
});

async function profileOf(m: EntityManager, customerId: string) {
  const row = await m.findOne(CustomerFactsRow, { where: { customerId } });
  return row ? openLendingProfile(row.lendingProfile) : null;
}

async function lentToday(db: DataSource | EntityManager) {
  const rows = (await db.query(
    'SELECT lender_code, held_minor + lent_minor AS used FROM daily_exposure WHERE day = $1',
    [lendingDay()],
  )) as { lender_code: string; used: string }[];
  const used = new Map(rows.map((r) => [r.lender_code, BigInt(r.used)]));
  return (code: string) => used.get(code) ?? 0n;
}

// ---- the waterfall -----------------------------------------------------------------------------------

/**
 * Starts the waterfall for an application (once: a second start finds the first): the eligible lenders
 * in the order the current rules rank them, fixed for this waterfall.
 */
export async function startWaterfall(m: EntityManager, applicationId: string, loanId: string | null) {
  const existing = await m.findOne(DisbursementRow, { where: { applicationId } });
  if (existing) return existing;
  const facts = await m.findOne(ApplicationFactsRow, { where: { applicationId } });
  const rules = await currentRules(m);
  const verdicts = facts
    ? rules.select(factsOf(facts, await profileOf(m, facts.customerId)), await lentToday(m))
    : [];
  const row = m.create(DisbursementRow, {
    id: randomUUID(),
    applicationId,
    loanId,
    status: 'PENDING',
    ruleVersion: rules.version,
    plan: verdicts.filter((v) => v.eligible).map((v) => v.lenderCode),
    lenderCode: null,
    lenderLoanRef: null,
    failureReason: facts ? null : 'nothing is known of this application',
    leasedBy: null,
    leasedUntil: null,
    finishedAt: null,
  });
  await m.save(row);
  markForCommit(m, WATERFALLS);
  return row;
}

/** Commit topic: a waterfall was queued (the worker wakes up). */
export const WATERFALLS = 'lender-waterfalls';

/** loans → lenders: an activated loan is funded through the waterfall. */
export async function onDisbursementInitiated(m: EntityManager, event: EventOf<'disbursement.initiated'>) {
  const d = event.data;
  await startWaterfall(m, d.applicationId, d.loanId);
}

/** Takes the waterfall of an application for this worker, unless another holds a live lease or it ended. */
async function lease(db: DataSource, applicationId: string, worker: string) {
  const [rows] = (await db.query(
    `UPDATE disbursements SET status = 'RUNNING', leased_by = $2, leased_until = now() + make_interval(secs => $3)
      WHERE application_id = $1 AND status IN ('PENDING', 'RUNNING') AND (leased_until IS NULL OR leased_until < now())
      RETURNING id`,
    [applicationId, worker, LEASE_SECONDS],
  )) as [{ id: string }[], number];
  return rows[0]?.id;
}

/** Keeps the lease between lenders; false when it was lost (another worker took over). */
async function renew(db: DataSource, id: string, worker: string) {
  const [, count] = (await db.query(
    `UPDATE disbursements SET leased_until = now() + make_interval(secs => $3) WHERE id = $1 AND leased_by = $2 AND status = 'RUNNING'`,
    [id, worker, LEASE_SECONDS],
  )) as [unknown, number];
  return count === 1;
}

/** Holds the amount against the lender's daily cap; false when the cap would be passed. */
async function hold(db: DataSource, code: string, amount: bigint, cap: bigint | undefined) {
  // An INSERT … RETURNING answers its rows (an UPDATE answers rows and a count).
  const rows = (await db.query(
    `INSERT INTO daily_exposure (lender_code, day, held_minor) VALUES ($1, $2, $3)
     ON CONFLICT (lender_code, day) DO UPDATE SET held_minor = daily_exposure.held_minor + $3
       WHERE $4::bigint IS NULL OR daily_exposure.held_minor + daily_exposure.lent_minor + $3 <= $4::bigint
     RETURNING lender_code`,
    [code, lendingDay(), amount.toString(), cap?.toString() ?? null],
  )) as unknown[];
  return rows.length === 1 && (cap === undefined || amount <= cap);
}

const release = (db: DataSource | EntityManager, code: string, amount: bigint, lent: boolean) =>
  db.query(
    `UPDATE daily_exposure SET held_minor = held_minor - $3${lent ? ', lent_minor = lent_minor + $3' : ''}
      WHERE lender_code = $1 AND day = $2`,
    [code, lendingDay(), amount.toString()],
  );

interface Attempt {
  lenderCode: string;
  tryNo: number;
  token: string;
  outcome: string;
  request?: unknown;
  response?: unknown;
  error?: string;
  startedAt: Date;
}

async function record(db: DataSource, d: { id: string; applicationId: string }, a: Attempt) {
  const finishedAt = new Date();
  await db.getRepository(LenderAttemptRow).insert({
    id: randomUUID(),
    disbursementId: d.id,
    applicationId: d.applicationId,
    lenderCode: a.lenderCode,
    tryNo: a.tryNo,
    idempotencyToken: a.token,
    outcome: a.outcome,
    request: (a.request ?? null) as object | null,
    response: (a.response ?? null) as object | null,
    error: a.error ?? null,
    startedAt: a.startedAt,
    finishedAt,
    durationMs: finishedAt.getTime() - a.startedAt.getTime(),
  });
}

/** What one lender did: approved (with its loan), or it is time for the next lender. */
type LenderResult = { approved: Outcome } | { next: string };

/**
 * One lender, with retries on failure. The idempotency token is the same on every try and every worker
 * (application and lender), so the lender books one loan whatever happens here. A timeout may hide an
 * approval: the lender is asked for the token's status before the waterfall moves on.
 */
async function tryLender(
  db: DataSource,
  pool: LenderPool,
  d: { id: string; applicationId: string },
  code: string,
  req: LoanRequest,
): Promise<LenderResult> {
  for (let tryNo = 1; tryNo <= TRIES; tryNo++) {
    const startedAt = new Date();
    const base = { lenderCode: code, tryNo, token: req.idempotencyToken, startedAt, request: req };
    const call = { db, pool, d, code, token: req.idempotencyToken, tryNo };
    try {
      const outcome = await pool.call(code, (c) => c.apply(req));
      await record(db, d, { ...base, outcome: outcome.decision, response: outcome });
      if (outcome.decision === 'APPROVED') return { approved: outcome };
      if (outcome.decision === 'PENDING') return followUp(call);
      return { next: `declined: ${outcome.reason ?? 'no reason given'}` };
    } catch (err) {
      if (err instanceof LenderTimeout) {
        await record(db, d, { ...base, outcome: 'TIMEOUT', error: err.message });
        return doubleCheck(call);
      }
      const message = err instanceof Error ? err.message : String(err);
      const open = pool.isOpen(code);
      await record(db, d, { ...base, outcome: open ? 'CIRCUIT_OPEN' : 'UNAVAILABLE', error: message });
      if (open || !(err instanceof LenderUnavailable) || tryNo === TRIES) return { next: message };
      await new Promise((r) => setTimeout(r, backoffMs(tryNo)));
    }
  }
  return { next: 'unavailable' };
}

/** One request at one lender, for the follow-up questions about it. */
interface LenderCall {
  db: DataSource;
  pool: LenderPool;
  d: { id: string; applicationId: string };
  code: string;
  token: string;
  tryNo: number;
}

/** Asks a lender what became of a token (its status, or withdrawing it) and records the answer. */
async function ask(call: LenderCall, what: 'STATUS' | 'CANCEL'): Promise<Outcome | null | 'unknown'> {
  const { db, pool, d, code, token, tryNo } = call;
  const base = { lenderCode: code, tryNo, token, startedAt: new Date() };
  try {
    const seen = await pool.call(code, (c) => (what === 'STATUS' ? c.status(token) : c.cancel(token)));
    await record(db, d, { ...base, outcome: `${what}_${seen?.decision ?? 'UNKNOWN'}`, response: seen });
    return seen;
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    await record(db, d, { ...base, outcome: `${what}_UNKNOWN`, error });
    return 'unknown';
  }
}

async function doubleCheck(call: LenderCall): Promise<LenderResult> {
  const seen = await ask(call, 'STATUS');
  if (seen === 'unknown') return { next: 'timed out, and its status could not be read' };
  if (seen?.decision === 'APPROVED') return { approved: seen };
  if (seen?.decision === 'PENDING') return followUp(call);
  return { next: `timed out; the lender reports ${seen?.decision ?? 'no such request'}` };
}

/**
 * A lender still deciding is asked again until its descriptor's wait runs out; then the request is
 * withdrawn (an approval given meanwhile stands), so it cannot turn into a second loan later.
 */
async function followUp(call: LenderCall): Promise<LenderResult> {
  const descriptor = call.pool.descriptor(call.code);
  const until = Date.now() + (descriptor.pendingWaitMs ?? PENDING_WAIT_MS);
  for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
    await new Promise((r) => setTimeout(r, Math.min(PENDING_POLL_MS, left)));
    const seen = await ask(call, 'STATUS');
    if (seen !== 'unknown' && seen?.decision === 'APPROVED') return { approved: seen };
    if (seen !== 'unknown' && seen?.decision === 'DECLINED') {
      return { next: `declined: ${seen.reason ?? 'no reason given'}` };
    }
  }
  if (!descriptor.cancel) return { next: 'no decision in time (the lender lets the request lapse)' };
  const last = await ask(call, 'CANCEL');
  if (last !== 'unknown' && last?.decision === 'APPROVED') return { approved: last };
  return { next: 'no decision in time; the request was withdrawn' };
}

/**
 * Runs (or resumes) an application's waterfall as `worker`: lenders in the planned order, skipping those
 * whose circuit is open or whose daily cap is reached, until one approves. Returns the final row, or
 * undefined when another worker holds it or it has already ended.
 */
export async function runWaterfall(db: DataSource, pool: LenderPool, applicationId: string, worker: string) {
  const id = await lease(db, applicationId, worker);
  if (!id) return undefined;
  const d = await db.getRepository(DisbursementRow).findOneByOrFail({ id });
  const facts = await db.getRepository(ApplicationFactsRow).findOneBy({ applicationId });
  const rules = await currentRules(db);
  const caps = new Map(rules.rules.map((r) => [r.lenderCode, r.dailyExposureCapMinor]));
  const done = new Set(
    (
      (await db.query(`SELECT DISTINCT lender_code FROM lender_attempts WHERE disbursement_id = $1`, [
        id,
      ])) as { lender_code: string }[]
    ).map((r) => r.lender_code),
  );
  const reasons: string[] = [];
  for (const code of facts ? d.plan : []) {
    if (!(await renew(db, id, worker))) return undefined;
    const startedAt = new Date();
    const token = `${applicationId}:${code}`;
    const skip = (outcome: string, why: string) =>
      record(db, d, { lenderCode: code, tryNo: 0, token, outcome, error: why, startedAt }).then(() =>
        reasons.push(`${code}: ${why}`),
      );
    // A lender tried by an earlier worker is asked for the token's status instead of being called again.
    if (done.has(code)) {
      const r = await doubleCheck({ db, pool, d, code, token, tryNo: 0 });
      if ('approved' in r) return finish(db, d, code, r.approved, BigInt(facts?.amountMinor ?? 0), false);
      reasons.push(`${code}: ${r.next}`);
      continue;
    }
    if (!pool.has(code)) {
      await skip('NO_CONNECTOR', 'no connector descriptor');
      continue;
    }
    if (pool.isOpen(code)) {
      await skip('CIRCUIT_OPEN', 'circuit open after repeated failures');
      continue;
    }
    const amount = BigInt((facts as ApplicationFactsRow).amountMinor);
    if (!(await hold(db, code, amount, caps.get(code)))) {
      await skip('CAP_REACHED', 'daily exposure cap reached');
      continue;
    }
    const r = await tryLender(db, pool, d, code, requestFor(facts as ApplicationFactsRow, token));
    if ('approved' in r) return finish(db, d, code, r.approved, amount, true);
    await release(db, code, amount, false);
    reasons.push(`${code}: ${r.next}`);
  }
  return fail(
    db,
    d,
    facts ? (reasons.length ? reasons.join('; ') : 'no lender is eligible') : (d.failureReason ?? 'no facts'),
  );
}

const requestFor = (f: ApplicationFactsRow, token: string): LoanRequest => ({
  idempotencyToken: token,
  applicationId: f.applicationId,
  customerRef: f.customerId,
  amountMinor: f.amountMinor,
  currency: f.currency,
  tenureMonths: f.tenureMonths,
  annualRateBps: f.annualRateBps ?? 0,
  product: f.product,
  bureauBand: f.bureauBand,
});

/** Ends a waterfall: its row (locked, so a late worker cannot end it twice), the books and the event. */
function end(
  db: DataSource,
  d: DisbursementRow,
  patch: Partial<DisbursementRow>,
  then: (m: EntityManager, done: DisbursementRow) => Promise<unknown>,
) {
  return db.transaction(async (m) => {
    const current = await m.findOneOrFail(DisbursementRow, {
      where: { id: d.id },
      lock: { mode: 'pessimistic_write' },
    });
    const done = await updateVersioned(m, DisbursementRow, current, {
      ...patch,
      finishedAt: new Date(),
      leasedBy: null,
      leasedUntil: null,
    });
    await then(m, done);
    return done;
  });
}

function finish(
  db: DataSource,
  d: DisbursementRow,
  code: string,
  outcome: Outcome,
  amount: bigint,
  held: boolean,
) {
  const patch = { status: 'DISBURSED', lenderCode: code, lenderLoanRef: outcome.loanReference };
  return end(db, d, patch, async (m, done) => {
    if (held) await release(m, code, amount, true);
    else
      await m.query(
        `INSERT INTO daily_exposure (lender_code, day, lent_minor) VALUES ($1, $2, $3)
         ON CONFLICT (lender_code, day) DO UPDATE SET lent_minor = daily_exposure.lent_minor + $3`,
        [code, lendingDay(), amount.toString()],
      );
    await recordEvent(m, lenderEvents.disbursed(done, amount.toString()));
    log.info({ applicationId: d.applicationId, lender: code }, 'loan funded');
  });
}

function fail(db: DataSource, d: DisbursementRow, reason: string) {
  return end(db, d, { status: 'FAILED', failureReason: reason.slice(0, 2000) }, async (m, done) => {
    await recordEvent(m, lenderEvents.failed(done));
    log.warn({ applicationId: d.applicationId }, 'no lender funded the loan');
  });
}

/** The next waterfall due (new, or abandoned by a worker whose lease ran out). */
export async function nextDue(db: DataSource) {
  const [row] = (await db.query(
    `SELECT application_id FROM disbursements WHERE status IN ('PENDING', 'RUNNING')
        AND (leased_until IS NULL OR leased_until < now()) ORDER BY created_at LIMIT 1`,
  )) as { application_id: string }[];
  return row?.application_id;
}

export const attemptsOf = (db: DataSource, applicationId: string) =>
  db.getRepository(LenderAttemptRow).find({ where: { applicationId }, order: { startedAt: 'ASC' } });

// ---- reads -------------------------------------------------------------------------------------------

let pool: LenderPool | undefined;

/** The connectors this process uses (the platform sets them; alone, the bundled descriptors). */
export function useLenderPool(p: LenderPool | undefined) {
  pool = p;
}
export function lenderPool(): LenderPool {
  pool ??= new LenderPool(bundledDescriptors());
  return pool;
}

export async function currentRuleRow(db: DataSource) {
  const row = (await db.getRepository(RuleVersionRow).find({ order: { version: 'DESC' }, take: 1 }))[0];
  if (!row) throw new Error('no lender rules');
  return row;
}

/** The lenders in the rules, in priority order, then those with a connector but no rules yet. */
export async function lenderList(db: DataSource) {
  const { rules } = await currentRules(db);
  const p = lenderPool();
  const ruled = new Set(rules.map((r) => r.lenderCode));
  const connectorOnly = p
    .codes()
    .filter((c) => !ruled.has(c))
    .sort();
  return [
    ...[...rules]
      .sort((a, b) => a.priority - b.priority)
      .map((r) => ({ code: r.lenderCode, active: r.active, priority: r.priority as number | null })),
    ...connectorOnly.map((code) => ({ code, active: false, priority: null })),
  ].map((l) => ({ ...l, connected: p.has(l.code), circuitOpen: p.has(l.code) && p.isOpen(l.code) }));
}

export async function disbursementOf(db: DataSource, applicationId: string) {
  if (!isUuid(applicationId)) return null;
  const row = await db.getRepository(DisbursementRow).findOneBy({ applicationId });
  const facts = row ? await db.getRepository(ApplicationFactsRow).findOneBy({ applicationId }) : null;
  return row && facts ? { row, customerId: facts.customerId } : null;
}
