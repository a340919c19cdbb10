import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openDatabase } from '../platform/db';
import { offers } from '../subgraphs/offers';
import { expireDue } from '../subgraphs/offers/service';
import { registerCustomer, submittedApplication } from './helpers/flows';
import { applicationInOffer, type Desk, reaches, staffDesk, timelineOf } from './helpers/lifecycle';
import { eventually, firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let desk: Desk;

before(async () => {
  platform = await startTestPlatform();
  desk = await staffDesk(platform.gql);
});
after(async () => {
  await platform?.stop();
});

const OFFER_FIELDS = `id version status amount { minor } annualRateBps tenureMonths processingFee { minor } validUntil
  keyFacts { emi { minor } totalInterest { minor } totalPayable { minor } netDisbursed { minor } aprBps instalments }
  counter { amount { minor } tenureMonths annualRateBps comment } responseReason`;
const SEND = `mutation($a: ID!, $t: OfferTermsInput!) { sendOffer(applicationId: $a, terms: $t) { ${OFFER_FIELDS} } }`;
const ACCEPT = `mutation($o: ID!) { acceptOffer(offerId: $o) { id status } }`;
const DECLINE = `mutation($o: ID!, $r: String!) { declineOffer(offerId: $o, reason: $r) { id status } }`;
const COUNTER = `mutation($o: ID!, $c: CounterOfferInput!) { counterOffer(offerId: $o, counter: $c) { id status counter { amount { minor } tenureMonths comment } } }`;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const terms = (overrides: Record<string, unknown> = {}) => ({
  amount: '40000000',
  annualRateBps: 1350,
  tenureMonths: 36,
  processingFee: '400000',
  validUntil: inDays(7),
  ...overrides,
});

test('negotiation: offer, counter-offer, a new round, acceptance → APPROVAL; every round is kept', async () => {
  const c = await applicationInOffer(platform.gql, desk);
  const officer = desk.riskOfficer.token;

  assert.equal(
    firstError(await platform.gql(SEND, { a: c.applicationId, t: terms() }, c.token)),
    'FORBIDDEN',
  );
  const first = await platform.gql(SEND, { a: c.applicationId, t: terms() }, officer);
  const v1 = first.data?.sendOffer;
  assert.ok(v1, JSON.stringify(first.errors));
  assert.equal(v1.version, 1);
  assert.equal(v1.status, 'OPEN');
  // 4,00,000.00 at 13.5% for 36 months with a 1% fee (figures as in test/fixtures/kfs_expected.py).
  assert.equal(v1.keyFacts.netDisbursed.minor, '39600000');
  assert.equal(v1.keyFacts.instalments, 36);
  assert.ok(v1.keyFacts.aprBps > 1350, 'the fee makes the APR higher than the nominal rate');

  const countered = await platform.gql(
    COUNTER,
    { o: v1.id, c: { tenureMonths: 48, comment: 'a lower EMI please' } },
    c.token,
  );
  assert.deepEqual(countered.data?.counterOffer, {
    id: v1.id,
    status: 'COUNTERED',
    counter: { amount: null, tenureMonths: 48, comment: 'a lower EMI please' },
  });
  assert.equal(firstError(await platform.gql(ACCEPT, { o: v1.id }, c.token)), 'ILLEGAL_TRANSITION');

  const v2 = (await platform.gql(SEND, { a: c.applicationId, t: terms({ tenureMonths: 48 }) }, officer)).data
    ?.sendOffer;
  assert.equal(v2.version, 2);
  assert.ok(BigInt(v2.keyFacts.emi.minor) < BigInt(v1.keyFacts.emi.minor));

  const other = await registerCustomer(platform.gql, 'Someone Else');
  assert.equal(firstError(await platform.gql(ACCEPT, { o: v2.id }, other.token)), 'NOT_FOUND');
  assert.equal(
    firstError(await platform.gql(`query($id: ID!) { offer(id: $id) { id } }`, { id: v2.id }, other.token)),
    'NOT_FOUND',
  );

  assert.equal((await platform.gql(ACCEPT, { o: v2.id }, c.token)).data?.acceptOffer.status, 'ACCEPTED');
  // An accepted offer never changes, and nothing follows it.
  assert.equal(
    firstError(await platform.gql(DECLINE, { o: v2.id, r: 'changed my mind' }, c.token)),
    'ILLEGAL_TRANSITION',
  );
  assert.equal(
    firstError(await platform.gql(SEND, { a: c.applicationId, t: terms() }, officer)),
    'FAILED_PRECONDITION',
  );

  await reaches(platform.gql, c.applicationId, c.token, 'APPROVAL');
  const app = (
    await platform.gql(
      `query($id: ID!) { application(id: $id) { status offers { version status } currentOffer { version status keyFacts { schedule { n total { minor } closing { minor } } } } timeline { action reason } } }`,
      { id: c.applicationId },
      c.token,
    )
  ).data?.application;
  assert.deepEqual(app.offers, [
    { version: 2, status: 'ACCEPTED' },
    { version: 1, status: 'COUNTERED' },
  ]);
  assert.equal(app.currentOffer.version, 2);
  assert.equal(app.currentOffer.keyFacts.schedule.length, 48);
  assert.equal(app.currentOffer.keyFacts.schedule.at(-1).closing.minor, '0');
  const actions = app.timeline.map((t: { action: string }) => t.action);
  for (const a of ['OFFER_SENT', 'OFFER_COUNTERED', 'OFFER_ACCEPTED']) assert.ok(actions.includes(a), a);
  assert.match(app.timeline.find((t: { action: string }) => t.action === 'OFFER_SENT').reason, /APR/);
});

test('a declined offer closes the application as DECLINED, with the reason on the timeline', async () => {
  const c = await applicationInOffer(platform.gql, desk);
  const v1 = (await platform.gql(SEND, { a: c.applicationId, t: terms() }, desk.riskManager.token)).data
    ?.sendOffer;
  assert.equal(firstError(await platform.gql(DECLINE, { o: v1.id, r: '' }, c.token)), 'BAD_USER_INPUT');
  assert.equal(
    (await platform.gql(DECLINE, { o: v1.id, r: 'found a cheaper loan' }, c.token)).data?.declineOffer.status,
    'DECLINED',
  );
  await reaches(platform.gql, c.applicationId, c.token, 'DECLINED');
  const t = await timelineOf(platform.gql, c.applicationId, c.token);
  assert.ok(t.some((e) => e.action === 'OFFER_DECLINED' && e.reason === 'found a cheaper loan'));
});

test('an unanswered offer expires at its validity end: EXPIRED, and it can no longer be accepted', async () => {
  const c = await applicationInOffer(platform.gql, desk);
  const validUntil = new Date(Date.now() + 1500).toISOString();
  const v1 = (
    await platform.gql(SEND, { a: c.applicationId, t: terms({ validUntil }) }, desk.riskOfficer.token)
  ).data?.sendOffer;
  assert.equal(v1.status, 'OPEN');
  await reaches(platform.gql, c.applicationId, c.token, 'EXPIRED');
  const late = await platform.gql(ACCEPT, { o: v1.id }, c.token);
  assert.equal(firstError(late), 'ILLEGAL_TRANSITION');
  const t = await timelineOf(platform.gql, c.applicationId, c.token);
  assert.ok(t.some((e) => e.action === 'OFFER_EXPIRED'));
});

test('the expiry job is safe on several replicas at once: each offer expires once, with one event', async () => {
  const apps = await Promise.all([1, 2, 3].map(() => applicationInOffer(platform.gql, desk)));
  const soon = new Date(Date.now() + 1200).toISOString();
  const sent: string[] = [];
  for (const c of apps) {
    sent.push(
      (
        await platform.gql(
          SEND,
          { a: c.applicationId, t: terms({ validUntil: soon }) },
          desk.riskOfficer.token,
        )
      ).data?.sendOffer.id,
    );
  }
  // Two more "replicas" (their own connection pools) race the platform's own expiry worker.
  const replicas = await Promise.all(
    [1, 2].map(() => openDatabase({ schema: offers.dbSchema, entities: offers.entities, migrations: [] })),
  );
  try {
    await new Promise((r) => setTimeout(r, 1300));
    await Promise.all(replicas.flatMap((ds) => [expireDue(ds, 1), expireDue(ds, 1), expireDue(ds)]));
  } finally {
    await Promise.all(replicas.map((ds) => ds.destroy()));
  }
  const db = platform.db('offers');
  await eventually(async () => {
    const [row] = await db.query(
      `SELECT count(*)::int n FROM offers WHERE id = ANY($1) AND status = 'EXPIRED'`,
      [sent],
    );
    return row.n === 3;
  });
  const events = await db.query(
    `SELECT payload->'data'->>'offerId' AS offer, count(*)::int n FROM outbox WHERE type = 'discussion.offer.expired' AND payload->'data'->>'offerId' = ANY($1) GROUP BY 1`,
    [sent],
  );
  assert.deepEqual(
    events.map((e: { n: number }) => e.n),
    [1, 1, 1],
  );
  for (const c of apps) await reaches(platform.gql, c.applicationId, c.token, 'EXPIRED');
});

test('bad offer terms are refused with the field named, and store nothing', async () => {
  const c = await applicationInOffer(platform.gql, desk);
  const officer = desk.riskOfficer.token;
  const cases: [Record<string, unknown>, string][] = [
    [{ processingFee: '5000000' }, 'processingFeeMinor'],
    [{ validUntil: new Date(Date.now() - 1000).toISOString() }, 'validUntil'],
    [{ validUntil: inDays(120) }, 'validUntil'],
    [{ annualRateBps: 9000 }, 'annualRateBps'],
    [{ tenureMonths: 1 }, 'tenureMonths'],
    [{ amount: '0' }, 'amountMinor'],
    [{ frequency: 'QUARTERLY', tenureMonths: 13 }, 'tenureMonths'],
    [{ frequency: 'DAILY' }, 'frequency'],
    [{ method: 'BALLOON' }, 'method'],
    [{ tenureMonths: 3, moratoriumPeriods: 3 }, 'moratoriumPeriods'],
  ];
  for (const [bad, field] of cases) {
    const r = await platform.gql(SEND, { a: c.applicationId, t: terms(bad) }, officer);
    assert.equal(firstError(r), 'BAD_USER_INPUT', JSON.stringify(bad));
    assert.match(r.errors?.[0]?.message ?? '', new RegExp(field));
  }
  const v1 = (await platform.gql(SEND, { a: c.applicationId, t: terms() }, officer)).data?.sendOffer;
  assert.equal(v1.version, 1, 'the refused attempts left no round behind');
  assert.equal(
    firstError(await platform.gql(COUNTER, { o: v1.id, c: { comment: 'cheaper?' } }, c.token)),
    'BAD_USER_INPUT',
  );

  // Before risk approved it there is nothing to negotiate; an unknown application does not exist.
  const early = await submittedApplication(platform.gql);
  const waiting = await eventually(async () => {
    const r = await platform.gql(SEND, { a: early.applicationId, t: terms() }, officer);
    return firstError(r) === 'NOT_FOUND' ? undefined : r;
  });
  assert.equal(firstError(waiting), 'FAILED_PRECONDITION');
  assert.equal(
    firstError(await platform.gql(SEND, { a: '00000000-0000-4000-8000-000000000000', t: terms() }, officer)),
    'NOT_FOUND',
  );
});
