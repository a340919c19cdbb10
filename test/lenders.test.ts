import './helpers/env';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { type EventMap, type EventType, MemoryBus, newEvent } from '../platform/events';
import { type LendingProfile, sealLendingProfile } from '../platform/pii';
import { lenders } from '../subgraphs/lenders';
import { bundledDescriptors } from '../subgraphs/lenders/descriptors';
import { parseDescriptor } from '../subgraphs/lenders/domain/descriptor';
import { DisbursementRow, RuleVersionRow } from '../subgraphs/lenders/model/lenders';
import { LenderPool } from '../subgraphs/lenders/pool';
import {
  attemptsOf,
  currentRules,
  onApplicationTerms,
  onLendingProfile,
  publishRules,
  runWaterfall,
  startWaterfall,
} from '../subgraphs/lenders/service';
import { type Mode, SIMULATOR_SECRETS, startLenderSimulator } from '../subgraphs/lenders/simulator';
import { knownApplication, openLendersDb } from './helpers/lenders';
import { createDatabase, dropDatabase, eventually } from './helpers/platform';

const SECRETS = { ...SIMULATOR_SECRETS, LENDER_KAPPA_API_KEY: 'kappa-key-000' };
// A lender that is nothing but a descriptor: no code of its own anywhere.
const KAPPA = parseDescriptor({
  code: 'KAPPA',
  name: 'Kappa Microfinance',
  baseUrl: 'https://kappa.example',
  timeoutMs: 800,
  auth: { scheme: 'apiKey', header: 'Authorization-Key', secret: { env: 'LENDER_KAPPA_API_KEY' } },
  apply: { method: 'POST', path: '/disburse' },
  status: { method: 'GET', path: '/disburse/{{idempotencyToken}}' },
  request: { txn: '{{idempotencyToken}}', principal: '{{amountMinor}}' },
  response: { decision: '/ok', approved: ['true'], declined: ['false'], loanReference: '/ref' },
});

let db: DataSource;
let sim: Awaited<ReturnType<typeof startLenderSimulator>>;
let pool: LenderPool;

before(async () => {
  await createDatabase();
  db = await openLendersDb();
  sim = await startLenderSimulator([...bundledDescriptors(), KAPPA], SECRETS);
  pool = new LenderPool(bundledDescriptors(), { ...SECRETS, ...sim.env });
});
after(async () => {
  await sim?.stop();
  await db?.destroy();
  await dropDatabase();
});

const application = (amountMinor = '40000000') => knownApplication(db, { amountMinor });

const behave = (modes: Record<string, Mode>) => {
  for (const [code, mode] of Object.entries(modes)) sim.behave(code, mode);
};
const trail = async (applicationId: string) =>
  (await attemptsOf(db, applicationId)).map((a) => `${a.lenderCode}:${a.outcome}`);

test('first declines, second approves but answers too late: the double check finds the loan, the third is never called', async () => {
  behave({ ALPHA: 'decline', BETA: 'timeout-after-approve', GAMMA: 'approve' });
  const gammaBefore = sim.stats('GAMMA').applyCalls;
  const id = await application();
  const done = await runWaterfall(db, pool, id, 'worker-1');
  assert.equal(done?.status, 'DISBURSED');
  assert.equal(done?.lenderCode, 'BETA');
  assert.match(done?.lenderLoanRef ?? '', /^BETA-/);
  assert.deepEqual(await trail(id), ['ALPHA:DECLINED', 'BETA:TIMEOUT', 'BETA:STATUS_APPROVED']);
  assert.equal(sim.stats('GAMMA').applyCalls, gammaBefore, 'GAMMA never called');
  const outbox = await db.query(`SELECT type FROM outbox WHERE payload->'data'->>'applicationId' = $1`, [id]);
  assert.deepEqual(
    outbox.map((r: { type: string }) => r.type),
    ['lender.disbursed'],
  );
});

test('a lender whose circuit is open is skipped', async () => {
  behave({ ALPHA: 'approve', BETA: 'approve' });
  const close = pool.isolate('ALPHA');
  try {
    const id = await application();
    const done = await runWaterfall(db, pool, id, 'worker-1');
    assert.equal(done?.lenderCode, 'BETA');
    assert.deepEqual(await trail(id), ['ALPHA:CIRCUIT_OPEN', 'BETA:APPROVED']);
  } finally {
    close();
  }
});

test('5xx is retried with back-off at the same lender, with the same idempotency token', async () => {
  behave({ ALPHA: 'error', BETA: 'approve' });
  const id = await application();
  const done = await runWaterfall(db, pool, id, 'worker-1');
  assert.equal(done?.lenderCode, 'BETA');
  const attempts = await attemptsOf(db, id);
  assert.deepEqual(
    attempts.map((a) => `${a.lenderCode}:${a.outcome}:${a.tryNo}`),
    ['ALPHA:UNAVAILABLE:1', 'ALPHA:UNAVAILABLE:2', 'ALPHA:UNAVAILABLE:3', 'BETA:APPROVED:1'],
  );
  assert.equal(
    new Set(attempts.filter((a) => a.lenderCode === 'ALPHA').map((a) => a.idempotencyToken)).size,
    1,
  );
  behave({ ALPHA: 'approve' });
});

test('all decline: a clear final state, holds released, the failure published', async () => {
  behave({ ALPHA: 'decline', BETA: 'decline', GAMMA: 'decline' });
  const id = await application('12345600');
  const done = await runWaterfall(db, pool, id, 'worker-1');
  assert.equal(done?.status, 'FAILED');
  assert.match(done?.failureReason ?? '', /ALPHA: declined.*BETA: declined.*GAMMA: declined/);
  const [held] = await db.query(`SELECT coalesce(sum(held_minor), 0)::text AS held FROM daily_exposure`);
  assert.equal(held.held, '0', 'nothing stays held');
  const outbox = await db.query(`SELECT type FROM outbox WHERE payload->'data'->>'applicationId' = $1`, [id]);
  assert.deepEqual(
    outbox.map((r: { type: string }) => r.type),
    ['lender.waterfall.failed'],
  );
  assert.equal(
    await runWaterfall(db, pool, id, 'worker-2'),
    undefined,
    'an ended waterfall is not run again',
  );
  behave({ ALPHA: 'approve', BETA: 'approve', GAMMA: 'approve' });
});

test('a lender still deciding is followed up: its approval, given in time, funds the loan', async () => {
  sim.behave('ALPHA', 'pending-then-approve', 400);
  const betaBefore = sim.stats('BETA').applyCalls;
  const id = await application();
  const done = await runWaterfall(db, pool, id, 'worker-1');
  assert.equal(done?.lenderCode, 'ALPHA');
  assert.equal(sim.stats('BETA').applyCalls, betaBefore, 'the next lender is never called');
  const t = await trail(id);
  assert.equal(t[0], 'ALPHA:PENDING');
  assert.ok(t.includes('ALPHA:STATUS_PENDING'), t.join());
  assert.equal(t.at(-1), 'ALPHA:STATUS_APPROVED');
  behave({ ALPHA: 'approve' });
});

test('a lender that does not decide within its wait: the request is withdrawn and the next lender funds the loan', async () => {
  sim.behave('ALPHA', 'pending');
  const before = sim.stats('ALPHA');
  const id = await application();
  const done = await runWaterfall(db, pool, id, 'worker-1');
  assert.equal(done?.lenderCode, 'BETA');
  const t = await trail(id);
  assert.deepEqual([t[0], t.at(-2), t.at(-1)], ['ALPHA:PENDING', 'ALPHA:CANCEL_DECLINED', 'BETA:APPROVED']);
  const after = sim.stats('ALPHA');
  assert.equal(after.cancelCalls, before.cancelCalls + 1);
  assert.equal(after.approvedLoans, before.approvedLoans, 'no loan was left behind at the first lender');
  behave({ ALPHA: 'approve' });
});

test('two workers on the same application: exactly one loan', async () => {
  behave({ ALPHA: 'slow' });
  sim.behave('ALPHA', 'slow', 200);
  const before = sim.stats('ALPHA').approvedLoans;
  const id = await application();
  const [a, b] = await Promise.all([
    runWaterfall(db, pool, id, 'worker-a'),
    runWaterfall(db, new LenderPool(bundledDescriptors(), { ...SECRETS, ...sim.env }), id, 'worker-b'),
  ]);
  assert.equal([a, b].filter((x) => x?.status === 'DISBURSED').length, 1);
  assert.equal([a, b].filter((x) => x === undefined).length, 1, 'the other found it leased');
  assert.equal(sim.stats('ALPHA').approvedLoans, before + 1);
  behave({ ALPHA: 'approve' });
});

test('a new lender added by descriptor and a rule version alone is used by the next application', async () => {
  pool.add(KAPPA, { ...SECRETS, ...sim.env });
  const current = (await db.getRepository(RuleVersionRow).find({ order: { version: 'DESC' }, take: 1 }))[0];
  await publishRules(db, randomUUID(), [
    { lenderCode: 'KAPPA', priority: 1 },
    ...((current?.rules ?? []) as { lenderCode: string }[]),
  ]);
  const id = await application();
  const done = await runWaterfall(db, pool, id, 'worker-1');
  assert.equal(done?.lenderCode, 'KAPPA');
  assert.equal(sim.stats('KAPPA').approvedLoans, 1);
});

test('a rule version published on another replica is in force here once its event arrives (not before)', async () => {
  const bus = new MemoryBus();
  const worker = lenders.worker?.(db, bus);
  worker?.start();
  try {
    const before = await currentRules(db);
    // Another replica publishes: its row is committed, this replica still holds the old compiled rules.
    const [row] = await db.query(`INSERT INTO rule_versions (rules) VALUES ($1) RETURNING version`, [
      JSON.stringify(pausedAlpha()),
    ]);
    assert.equal((await currentRules(db)).version, before.version, 'kept until told');
    await bus.publish([
      newEvent({
        type: 'lender.rules.published',
        source: '/test',
        subject: String(row.version),
        data: { version: row.version, lenders: ['ALPHA'] },
      }),
    ]);
    const now = await eventually(async () => {
      const c = await currentRules(db);
      return c.version === row.version ? c : undefined;
    });
    assert.equal(now.rules.find((r) => r.lenderCode === 'ALPHA')?.active, false);
  } finally {
    await worker?.stop();
    await bus.close();
  }
});

test('age, state and merchant category reach the rules from identity and applications events', async () => {
  const current = (await db.getRepository(RuleVersionRow).find({ order: { version: 'DESC' }, take: 1 }))[0];
  await publishRules(db, randomUUID(), [
    { lenderCode: 'ALPHA', priority: 10, ageYears: { min: 21, max: 60 } },
    { lenderCode: 'BETA', priority: 20, states: ['Maharashtra', 'Gujarat'] },
    { lenderCode: 'GAMMA', priority: 30, merchantCategories: ['5732'] },
  ]);
  const event = <K extends EventType>(type: K, data: EventMap[K]) =>
    newEvent({ type, source: '/test', subject: randomUUID(), data });
  const planFor = async (profile: LendingProfile | null, merchantCategory?: string) => {
    const customerId = randomUUID();
    const applicationId = randomUUID();
    await db.transaction(async (m) => {
      if (profile) {
        await onLendingProfile(
          m,
          event('customer.kyc.submitted', {
            customerId,
            submittedAt: new Date().toISOString(),
            piiKeyId: 'k1',
            panIndex: 'pan-index',
            lendingProfile: sealLendingProfile(profile),
          }),
        );
      }
      await onApplicationTerms(
        m,
        event('application.created', {
          applicationId,
          customerId,
          amountMinor: '40000000',
          currency: 'INR',
          tenureMonths: 36,
          facilityType: 'TERM_LOAN',
          ...(merchantCategory ? { merchantCategory } : {}),
        }),
      );
      await startWaterfall(m, applicationId, null);
    });
    return (await db.getRepository(DisbursementRow).findOneByOrFail({ applicationId })).plan;
  };
  try {
    assert.deepEqual(await planFor({ dateOfBirth: '1990-04-01', state: 'Maharashtra' }, '5411'), [
      'ALPHA',
      'BETA',
    ]);
    assert.deepEqual(await planFor({ dateOfBirth: '2012-06-30', state: 'Karnataka' }, '5732'), ['GAMMA']);
    assert.deepEqual(await planFor(null), [], 'nothing known of the borrower or the merchant: no lender');
  } finally {
    await publishRules(db, randomUUID(), current?.rules ?? []);
  }
});

function pausedAlpha() {
  return [
    { lenderCode: 'ALPHA', priority: 10, active: false },
    { lenderCode: 'BETA', priority: 20 },
  ];
}
