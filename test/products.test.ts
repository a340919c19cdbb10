// Loan products as data, end to end (issue 15): an offer is checked against the latest version of its
// product, its KFS lists every charge, and a loan keeps the version it was offered under for life.
import './helpers/env';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { emiMinor } from '../platform/finance';
import type { LoanProduct } from '../platform/products';
import { closeOfBusiness } from '../subgraphs/loans/close-of-business';
import { staffUser } from './helpers/flows';
import {
  activeLoan,
  applicationInOffer,
  booksOf,
  type Desk,
  journalled,
  offerTerms,
  payVerified,
  SEND_OFFER,
  staffDesk,
  type User,
} from './helpers/lifecycle';
import { firstError, startTestPlatform } from './helpers/platform';

let platform: Awaited<ReturnType<typeof startTestPlatform>>;
let desk: Desk;
let approvers: { internal: User; manager: User };
let creditHead: User;
before(async () => {
  platform = await startTestPlatform();
  desk = await staffDesk(platform.gql);
  approvers = {
    internal: await staffUser(platform.gql, 'INTERNAL_APPROVER'),
    manager: await staffUser(platform.gql, 'MANAGER'),
  };
  creditHead = await staffUser(platform.gql, 'CREDIT_HEAD');
});
after(async () => {
  await platform?.stop();
});

/** The GST inside a fee taken under a product whose one disbursement charge bears 18 % GST, half-up. */
const gstInFeeTaken = (fee: bigint) => (fee * 1_800n * 2n + 11_800n) / (2n * 11_800n);

const PUBLISH = `mutation($d: String!) { publishLoanProduct(document: $d) { code version } }`;
const OFFER = `query($id: ID!) { offer(id: $id) { productCode productVersion processingFee { minor }
  keyFacts { charges { code trigger description amount { minor } } } } }`;

/** A product of its own for this test file (other files use the bundled ones), from PERSONAL. */
const personal = JSON.parse(
  readFileSync(join(__dirname, '..', 'schema', 'products', 'personal.json'), 'utf8'),
) as LoanProduct;
const code = `TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
/** Publishes `doc` (a product of the test's own) and opens a ₹4 lakh loan under it. */
async function loanUnder(doc: LoanProduct, processingFee?: string) {
  const published = await platform.gql(PUBLISH, { d: JSON.stringify(doc) }, creditHead.token);
  assert.ok(published.data?.publishLoanProduct, JSON.stringify(published.errors));
  return activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '', '40000000', {
    productCode: doc.code,
    ...(processingFee ? { processingFee } : {}),
  });
}

const withPenalBps = (bps: number): LoanProduct => ({
  ...personal,
  code,
  charges: personal.charges.map((c) =>
    c.code === 'PENAL'
      ? {
          ...c,
          calculation: { kind: 'PERCENT_OF_OVERDUE_INSTALMENT', bps },
          minMinor: '0',
          maxMinor: undefined,
        }
      : c,
  ),
});

test('only the credit head publishes a product; a bad document is a typed error and stores nothing', async () => {
  const doc = JSON.stringify(withPenalBps(200));
  assert.equal(firstError(await platform.gql(PUBLISH, { d: doc }, desk.riskOfficer.token)), 'FORBIDDEN');
  const bad = await platform.gql(
    PUBLISH,
    { d: JSON.stringify({ ...withPenalBps(200), tenureMonths: { min: 60, max: 6 } }) },
    creditHead.token,
  );
  assert.equal(firstError(bad), 'BAD_USER_INPUT');
  const none = await platform
    .db('offers')
    .query('SELECT count(*)::int n FROM product_versions WHERE code = $1', [code]);
  assert.equal(none[0].n, 0);
  const first = await platform.gql(PUBLISH, { d: doc }, creditHead.token);
  assert.deepEqual(first.data?.publishLoanProduct, { code, version: 1 }, JSON.stringify(first.errors));
});

test('an offer outside its product is refused, naming the field; inside it the KFS lists every charge', async () => {
  const c = await applicationInOffer(platform.gql, desk);
  for (const [terms, field] of [
    [{ tenureMonths: 72 }, 'tenureMonths'],
    [{ frequency: 'WEEKLY' }, 'frequency'],
    [{ amount: '1000000' }, 'amountMinor'],
    // PERSONAL takes 2 % (at most ₹10,000) plus GST: ₹4,00,000 → ₹8,000 + ₹1,440.
    [{ processingFee: '944001' }, 'processingFeeMinor'],
    [{ productCode: 'NO_SUCH_PRODUCT' }, 'productCode'],
  ] as const) {
    const r = await platform.gql(
      SEND_OFFER,
      { a: c.applicationId, t: offerTerms({ productCode: code, ...terms }) },
      desk.riskOfficer.token,
    );
    assert.equal(firstError(r), 'BAD_USER_INPUT', JSON.stringify(terms));
    const details = r.errors?.[0]?.extensions?.details as { field?: string } | undefined;
    assert.equal(details?.field, field, JSON.stringify(r.errors));
  }
  const none = await platform
    .db('offers')
    .query('SELECT count(*)::int n FROM offers WHERE application_id = $1', [c.applicationId]);
  assert.equal(none[0].n, 0, 'nothing stored');

  const sent = await platform.gql(
    SEND_OFFER,
    { a: c.applicationId, t: offerTerms({ productCode: code, processingFee: '944000' }) },
    desk.riskOfficer.token,
  );
  const offerId = sent.data?.sendOffer.id;
  assert.ok(offerId, JSON.stringify(sent.errors));
  const offer = (await platform.gql(OFFER, { id: offerId }, c.token)).data?.offer;
  assert.equal(offer.productCode, code);
  assert.deepEqual(
    offer.keyFacts.charges.map((x: { code: string; trigger: string; amount: { minor: string } | null }) => [
      x.code,
      x.trigger,
      x.amount?.minor ?? null,
    ]),
    [
      ['PROCESSING', 'DISBURSEMENT', '944000'],
      ['PENAL', 'OVERDUE', null],
    ],
  );
  assert.match(offer.keyFacts.charges[1].description, /2 % of the overdue instalment, plus 18 % GST/);
});

test('a loan keeps its product version for life: a new version changes the next offer, not the loan', async () => {
  const c = await activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '', '40000000', {
    productCode: code,
  });
  const v2 = await platform.gql(PUBLISH, { d: JSON.stringify(withPenalBps(500)) }, creditHead.token);
  assert.equal(v2.data?.publishLoanProduct.version, 2, JSON.stringify(v2.errors));

  // The next offer is made under version 2.
  const next = await applicationInOffer(platform.gql, desk, 'Ravi Kumar');
  const sent = await platform.gql(
    SEND_OFFER,
    { a: next.applicationId, t: offerTerms({ productCode: code }) },
    desk.riskOfficer.token,
  );
  const nextOffer = (await platform.gql(OFFER, { id: sent.data?.sendOffer.id }, next.token)).data?.offer;
  assert.equal(nextOffer.productVersion, 2);
  assert.match(nextOffer.keyFacts.charges[1].description, /^5 % of the overdue instalment/);

  // The first loan misses its first instalment: charged at version 1's 2 %, plus GST, as its KFS said.
  const schedule = (
    await platform.gql(
      `query($id: ID!) { loan(id: $id) { schedule { dueDate total { minor } } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.loan.schedule;
  const emi = BigInt(schedule[0].total.minor);
  const asOf = new Date(Date.parse(schedule[0].dueDate) + 86_400_000).toISOString().slice(0, 10);
  await closeOfBusiness(platform.db('loans'), asOf);
  const half = (n: bigint, d: bigint) => (n * 2n + d) / (2n * d);
  const charge = half(emi * 200n, 10_000n);
  const gst = half(charge * 1800n, 10_000n);
  const books = await booksOf(platform.db('loans'), c.loanId);
  assert.equal(books.PENALTY_RECEIVABLE, charge + gst, String(Object.entries(books)));
  assert.equal(
    books.GST_PAYABLE,
    -(gst + gstInFeeTaken(400_000n)),
    'the penal GST beside the processing fee GST',
  );
});

test('a new product — fortnightly, a 1 % fee, the EMI rounded up to the rupee, charges settled before interest — goes live with no code change', async () => {
  const fresh = `TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
  const doc: LoanProduct = {
    ...personal,
    code: fresh,
    name: 'Fortnightly salary loan',
    frequencies: ['FORTNIGHTLY'],
    instalmentRounding: { multipleMinor: '100', mode: 'UP' },
    allocationOrder: ['penalty', 'fees', 'interest', 'principal'],
    charges: personal.charges.map((c) =>
      c.code === 'PROCESSING' ? { ...c, calculation: { kind: 'PERCENT_OF_AMOUNT', bps: 100 } } : c,
    ),
  };
  const published = await platform.gql(PUBLISH, { d: JSON.stringify(doc) }, creditHead.token);
  assert.deepEqual(
    published.data?.publishLoanProduct,
    { code: fresh, version: 1 },
    JSON.stringify(published.errors),
  );

  const amount = 40_000_000n;
  const c = await activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '', amount.toString(), {
    productCode: fresh,
    frequency: 'FORTNIGHTLY',
  });
  const kfs = (
    await platform.gql(
      `query($id: ID!) { offer(id: $id) { keyFacts { emi { minor } instalments charges { code description } } } }`,
      { id: c.offerId },
      c.token,
    )
  ).data?.offer.keyFacts;
  assert.match(kfs.charges[0].description, /^1 % of the loan amount/);
  // The EMI rounded up to the rupee: a whole number of rupees, within a rupee above the paisa EMI.
  const emi = BigInt(kfs.emi.minor);
  const paisaEmi = emiMinor(amount, 1350, 78, 26);
  assert.equal(kfs.instalments, 78);
  assert.equal(emi % 100n, 0n);
  assert.ok(emi >= paisaEmi && emi - paisaEmi < 100n, `${emi} against ${paisaEmi}`);

  // The loan is scheduled as the KFS said: fortnightly, every instalment but the last at the rounded EMI.
  const schedule = (
    await platform.gql(
      `query($id: ID!) { loan(id: $id) { schedule { dueDate principal { minor } total { minor } } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.loan.schedule as { dueDate: string; principal: { minor: string }; total: { minor: string } }[];
  assert.equal(schedule.length, 78);
  for (const [i, row] of schedule.entries()) {
    if (i > 0) assert.equal(Date.parse(row.dueDate) - Date.parse(schedule[i - 1].dueDate), 14 * 86_400_000);
    if (i < schedule.length - 1) assert.equal(BigInt(row.total.minor), emi, `instalment ${i + 1}`);
  }
  const last = BigInt(schedule[77].total.minor);
  assert.ok(last > 0n && last <= emi, `last ${last}`);
  assert.equal(
    schedule.reduce((s, r) => s + BigInt(r.principal.minor), 0n),
    amount,
  );

  // The first instalment is missed: its penal charge is settled first by the next payment, as this
  // product's allocation order says (the bundled personal loan would settle interest first).
  const asOf = new Date(Date.parse(schedule[0].dueDate) + 86_400_000).toISOString().slice(0, 10);
  await closeOfBusiness(platform.db('loans'), asOf);
  const before = await booksOf(platform.db('loans'), c.loanId);
  const penalty = before.PENALTY_RECEIVABLE ?? 0n;
  assert.ok(penalty > 0n, String(Object.entries(before)));
  const id = await payVerified(platform.gql, c, penalty, 'penal-first', approvers.manager.token);
  await journalled(platform.db('loans'), id);
  const afterPaying = await booksOf(platform.db('loans'), c.loanId);
  assert.equal(afterPaying.PENALTY_RECEIVABLE ?? 0n, 0n, String(Object.entries(afterPaying)));
  assert.equal(afterPaying.INTEREST_RECEIVABLE, before.INTEREST_RECEIVABLE);
});

test('the KFS gives the product’s cooling-off period; in it the borrower exits with no foreclosure charge, after it the charge applies', async () => {
  const fresh = `TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
  const doc: LoanProduct = { ...personal, code: fresh, foreclosureChargeBps: 200, coolingOffDays: 2 };
  const c = await loanUnder(doc);
  const kfs = (
    await platform.gql(
      `query($id: ID!) { offer(id: $id) { keyFacts { coolingOffDays } } }`,
      { id: c.offerId },
      c.token,
    )
  ).data?.offer.keyFacts;
  assert.equal(kfs.coolingOffDays, 2);
  const disbursedOn: string = (
    await platform.gql(`query($id: ID!) { loan(id: $id) { disbursedOn } }`, { id: c.loanId }, c.token)
  ).data?.loan.disbursedOn;
  const charge = async (days: number) => {
    const date = new Date(Date.parse(disbursedOn) + days * 86_400_000).toISOString().slice(0, 10);
    const q = await platform.gql(
      `query($l: ID!, $d: String) { foreclosureQuote(loanId: $l, date: $d) { principal { minor } foreclosureCharge { minor } } }`,
      { l: c.loanId, d: date },
      c.token,
    );
    assert.ok(q.data?.foreclosureQuote, JSON.stringify(q.errors));
    return q.data.foreclosureQuote;
  };
  for (const day of [0, 1, 2]) assert.equal((await charge(day)).foreclosureCharge.minor, '0', `day ${day}`);
  const later = await charge(3);
  // 2 % of the principal outstanding, half-up.
  assert.equal(
    BigInt(later.foreclosureCharge.minor),
    (BigInt(later.principal.minor) * 200n + 5_000n) / 10_000n,
  );
  assert.ok(BigInt(later.foreclosureCharge.minor) > 0n);
});

test('the fee kept back at disbursement is income except the GST in it, which is owed to the tax authority', async () => {
  // PERSONAL: 2 % (₹1,000 to ₹10,000) plus 18 % GST. The whole ceiling, then less than it (GST in share).
  for (const [fee, gst] of [
    [944_000n, 144_000n],
    [400_000n, gstInFeeTaken(400_000n)],
  ] as const) {
    const c = await activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '', '40000000', {
      productCode: 'PERSONAL',
      processingFee: fee.toString(),
    });
    const books = await booksOf(platform.db('loans'), c.loanId);
    assert.equal(books.GST_PAYABLE, -gst, `fee ${fee}: ${String(Object.entries(books))}`);
    assert.equal(books.FEE_INCOME, -(fee - gst), `fee ${fee}`);
    assert.equal(books.BANK, -(40_000_000n - fee), 'the borrower is paid the amount less the whole fee');
  }
});

test('charges are waived only by a manager or the credit head, with a reason, never beyond what is owed; the GST goes with them', async () => {
  const c = await activeLoan(platform.gql, desk, approvers, platform.notifyUrl ?? '', '40000000', {
    productCode: 'PERSONAL',
  });
  const schedule: { dueDate: string }[] = (
    await platform.gql(
      `query($id: ID!) { loan(id: $id) { schedule { dueDate } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.loan.schedule;
  const first = schedule[0];
  assert.ok(first);
  await closeOfBusiness(
    platform.db('loans'),
    new Date(Date.parse(first.dueDate) + 86_400_000).toISOString().slice(0, 10),
  );
  const levied = await booksOf(platform.db('loans'), c.loanId);
  const owed = levied.PENALTY_RECEIVABLE ?? 0n;
  assert.ok(owed > 0n && (levied.GST_PAYABLE ?? 0n) < 0n, String(Object.entries(levied)));

  const WAIVE = `mutation($l: ID!, $a: MinorUnits!, $r: String!) { waiveCharges(loanId: $l, amount: $a, reason: $r) { id } }`;
  const refusals: [string, Record<string, unknown>, string][] = [
    [c.token, { a: owed.toString(), r: 'please' }, 'FORBIDDEN'],
    [desk.riskOfficer.token, { a: owed.toString(), r: 'goodwill' }, 'FORBIDDEN'],
    [approvers.manager.token, { a: (owed + 1n).toString(), r: 'goodwill' }, 'BAD_USER_INPUT'],
    [approvers.manager.token, { a: owed.toString(), r: ' ' }, 'BAD_USER_INPUT'],
  ];
  for (const [token, v, code] of refusals) {
    assert.equal(
      firstError(await platform.gql(WAIVE, { l: c.loanId, ...v }, token)),
      code,
      JSON.stringify(v),
    );
  }
  assert.deepEqual(await booksOf(platform.db('loans'), c.loanId), levied, 'a refused waiver changes nothing');

  const done = await platform.gql(
    WAIVE,
    { l: c.loanId, a: owed.toString(), r: 'first instalment missed over a bank holiday' },
    approvers.manager.token,
  );
  assert.equal(done.data?.waiveCharges.id, c.loanId, JSON.stringify(done.errors));
  const after = await booksOf(platform.db('loans'), c.loanId);
  assert.equal(after.PENALTY_RECEIVABLE ?? 0n, 0n);
  assert.equal(
    after.GST_PAYABLE ?? 0n,
    -gstInFeeTaken(400_000n),
    'the GST on a waived charge is reversed exactly; the processing fee GST stays owed',
  );
  assert.equal(after.PENALTY_INCOME ?? 0n, 0n);
  const [event] = await platform
    .db('loans')
    .query(
      `SELECT payload->'data' AS d FROM outbox WHERE type = 'loan.charges.waived' AND payload->'data'->>'loanId' = $1`,
      [c.loanId],
    );
  assert.equal(event?.d.amountMinor, owed.toString());
  assert.equal(event?.d.reason, 'first instalment missed over a bank holiday');
});

test('a few rupees short is within the product’s tolerance: no penal charge, no overdue notice; a missed instalment still is overdue', async () => {
  const fresh = `TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
  const doc: LoanProduct = { ...personal, code: fresh, arrearsToleranceMinor: '10000' };
  const c = await loanUnder(doc);
  const schedule = (
    await platform.gql(
      `query($id: ID!) { loan(id: $id) { schedule { dueDate total { minor } } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.loan.schedule as { dueDate: string; total: { minor: string } }[];
  const dayAfter = (d: string) => new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10);
  const loansDb = platform.db('loans');
  const overdueNotices = async () =>
    (
      await loansDb.query(
        `SELECT (payload->'data'->>'instalment')::int AS n FROM outbox
          WHERE type = 'payment.overdue' AND payload->'data'->>'loanId' = $1 ORDER BY 1`,
        [c.loanId],
      )
    ).map((r: { n: number }) => r.n);

  // ₹50 short of the first instalment (paid ahead, held as credit, applied on the due date).
  const id = await payVerified(
    platform.gql,
    c,
    BigInt(schedule[0].total.minor) - 5_000n,
    'short-by-50',
    approvers.manager.token,
  );
  await journalled(loansDb, id);
  await closeOfBusiness(loansDb, dayAfter(schedule[0].dueDate));
  const [first] = await loansDb.query(
    `SELECT status, (total_minor - principal_paid_minor - interest_paid_minor)::text AS left
       FROM instalments WHERE loan_id = $1 AND n = 1`,
    [c.loanId],
  );
  assert.deepEqual(first, { status: 'PARTIAL', left: '5000' }, 'the ₹50 stays owed');
  assert.equal((await booksOf(loansDb, c.loanId)).PENALTY_RECEIVABLE ?? 0n, 0n, 'no penal charge');
  assert.deepEqual(await overdueNotices(), []);

  // The second instalment is not paid at all: that is arrears.
  await closeOfBusiness(loansDb, dayAfter(schedule[1].dueDate));
  assert.ok(((await booksOf(loansDb, c.loanId)).PENALTY_RECEIVABLE ?? 0n) > 0n);
  assert.deepEqual(await overdueNotices(), [2]);
});

test('foreclosure and prepayment charges come from the product, with their GST owed to the tax authority: the preview, the quote and the books agree and the quote closes the loan', async () => {
  const fresh = `TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
  const doc: LoanProduct = {
    ...personal,
    code: fresh,
    coolingOffDays: 1,
    foreclosureChargeBps: 0,
    charges: [
      ...personal.charges,
      {
        code: 'FORECLOSURE',
        name: 'Foreclosure charge',
        trigger: 'FORECLOSURE',
        calculation: { kind: 'PERCENT_OF_OUTSTANDING_PRINCIPAL', bps: 300 },
        minMinor: '50000',
        gst: true,
      },
      {
        code: 'PREPAYMENT',
        name: 'Part-prepayment charge',
        trigger: 'PREPAYMENT',
        calculation: { kind: 'PERCENT_OF_PREPAID_PRINCIPAL', bps: 200 },
        gst: true,
      },
    ],
  };
  const c = await loanUnder(doc, '400000');
  const kfs = (await platform.gql(OFFER, { id: c.offerId }, c.token)).data?.offer.keyFacts.charges as {
    code: string;
    trigger: string;
    description: string;
  }[];
  assert.deepEqual(
    kfs.filter((k) => k.trigger === 'FORECLOSURE' || k.trigger === 'PREPAYMENT').map((k) => k.description),
    [
      '3 % of the principal outstanding (at least ₹500.00), plus 18 % GST, when the loan is paid off early',
      '2 % of the principal prepaid, plus 18 % GST, on each part-prepayment',
    ],
    'the KFS discloses both',
  );
  // Ten days on (past the one-day cooling-off period): the loan was paid out ten days ago.
  const loansDb = platform.db('loans');
  await loansDb.query(`UPDATE loans SET disbursed_on = disbursed_on - 10 WHERE id = $1`, [c.loanId]);
  const gstAt18 = (x: bigint) => (x * 1_800n * 2n + 10_000n) / 20_000n;
  const withGst = (x: bigint) => x + gstAt18(x);

  const PREVIEW_CHARGE = `query($l: ID!, $a: MinorUnits!) { prepaymentPreview(loanId: $l, amount: $a, option: "REDUCE_EMI") {
    dueSettled { minor } accruedInterest { minor } prepaid { minor } prepaymentCharge { minor } principalAfter { minor } } }`;
  const amount = 10_000_000n;
  const preview = await platform.gql(PREVIEW_CHARGE, { l: c.loanId, a: amount.toString() }, c.token);
  const p = preview.data?.prepaymentPreview;
  assert.ok(p, JSON.stringify(preview.errors));
  const prepaid = BigInt(p.prepaid.minor);
  assert.equal(BigInt(p.prepaymentCharge.minor), withGst((prepaid * 200n + 5_000n) / 10_000n));
  const spent = BigInt(p.dueSettled.minor) + BigInt(p.accruedInterest.minor) + prepaid;
  const leftover = amount - spent - BigInt(p.prepaymentCharge.minor);
  assert.ok(leftover >= 0n && leftover < 10n, `at most a few paisa of rounding is left (${leftover})`);

  const before = await booksOf(loansDb, c.loanId);
  const paid = await payVerified(
    platform.gql,
    c,
    amount,
    `prepay-${fresh}`,
    approvers.manager.token,
    'PREPAY_REDUCE_EMI',
  );
  await journalled(loansDb, paid);
  const afterPrepay = await booksOf(loansDb, c.loanId);
  assert.equal(afterPrepay.LOAN_PRINCIPAL, BigInt(p.principalAfter.minor), 'principal fell as previewed');
  assert.equal(
    afterPrepay.GST_PAYABLE - before.GST_PAYABLE,
    -gstAt18((prepaid * 200n + 5_000n) / 10_000n),
    'the GST on the prepayment charge is owed to the tax authority',
  );
  assert.equal(afterPrepay.FEES_RECEIVABLE ?? 0n, 0n, 'the charge was paid from the same money');

  const q = await platform.gql(
    `query($l: ID!) { foreclosureQuote(loanId: $l) { principal { minor } foreclosureCharge { minor } foreclosureChargeGst { minor } total { minor } } }`,
    { l: c.loanId },
    c.token,
  );
  const quote = q.data?.foreclosureQuote;
  assert.ok(quote, JSON.stringify(q.errors));
  const base = (BigInt(quote.principal.minor) * 300n + 5_000n) / 10_000n;
  const charge = base < 50_000n ? 50_000n : base;
  assert.equal(BigInt(quote.foreclosureCharge.minor), withGst(charge));
  assert.equal(BigInt(quote.foreclosureChargeGst.minor), gstAt18(charge));
  const closing = await payVerified(
    platform.gql,
    c,
    BigInt(quote.total.minor),
    `close-${fresh}`,
    approvers.manager.token,
    'FORECLOSURE',
  );
  await journalled(loansDb, closing);
  const [loan] = await loansDb.query(`SELECT status FROM loans WHERE id = $1`, [c.loanId]);
  assert.equal(loan.status, 'CLOSED', 'paying the quote closes the loan');
  const closed = await booksOf(loansDb, c.loanId, true);
  assert.equal(closed.GST_PAYABLE - afterPrepay.GST_PAYABLE, -gstAt18(charge));
  assert.equal(closed.CUSTOMER_ADVANCE ?? 0n, 0n, 'the rounding held as credit went towards the payoff');
});

test('a charge on each instalment is in the KFS (amount, total payable, APR) and is levied once per instalment as it falls due, paid in the allocation order', async () => {
  const fresh = `TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
  const doc: LoanProduct = {
    ...personal,
    code: fresh,
    charges: [
      ...personal.charges,
      {
        code: 'NACH',
        name: 'Mandate handling charge',
        trigger: 'INSTALMENT',
        calculation: { kind: 'FLAT', amountMinor: '2000' },
        gst: true,
      },
    ],
  };
  const c = await loanUnder(doc, '400000');
  const offer = (
    await platform.gql(
      `query($id: ID!) { offer(id: $id) { keyFacts { instalments aprBps totalInterest { minor } totalPayable { minor }
        recurringCharges { minor } charges { code trigger description amount { minor } } } } }`,
      { id: c.offerId },
      c.token,
    )
  ).data?.offer.keyFacts;
  const perInstalment = 2_000n + 360n; // ₹20 plus 18 % GST
  const nach = offer.charges.find((k: { code: string }) => k.code === 'NACH');
  assert.deepEqual(
    { description: nach.description, amount: nach.amount.minor },
    { description: '₹20.00, plus 18 % GST, on each instalment', amount: perInstalment.toString() },
  );
  assert.equal(BigInt(offer.recurringCharges.minor), perInstalment * BigInt(offer.instalments));
  assert.equal(
    BigInt(offer.totalPayable.minor),
    40_000_000n + BigInt(offer.totalInterest.minor) + BigInt(offer.recurringCharges.minor),
  );

  const schedule = (
    await platform.gql(
      `query($id: ID!) { loan(id: $id) { schedule { dueDate total { minor } } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.loan.schedule as { dueDate: string; total: { minor: string } }[];
  const loansDb = platform.db('loans');
  const dayAfter = (d: string) => new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10);
  const first = schedule[0] as { dueDate: string; total: { minor: string } };
  const levies = async () =>
    (
      await loansDb.query(
        `SELECT count(*)::int AS n FROM journal WHERE loan_id = $1 AND reference LIKE 'charge NACH%'`,
        [c.loanId],
      )
    )[0].n as number;
  assert.equal(await levies(), 0, 'nothing is levied before an instalment falls due');
  // Paid on the due date: the payment covers the instalment and its charge, in the allocation order.
  await closeOfBusiness(loansDb, first.dueDate);
  await closeOfBusiness(loansDb, first.dueDate);
  assert.equal(await levies(), 1, 'once, however often the run repeats');
  const owedNow = await booksOf(loansDb, c.loanId);
  assert.equal(owedNow.FEES_RECEIVABLE, perInstalment);
  assert.equal(
    owedNow.GST_PAYABLE,
    -(gstInFeeTaken(400_000n) + 360n),
    'the GST on it is the tax authority’s',
  );
  const id = await payVerified(
    platform.gql,
    c,
    BigInt(first.total.minor) + perInstalment,
    `nach-${fresh}`,
    approvers.manager.token,
  );
  await journalled(loansDb, id);
  await closeOfBusiness(loansDb, dayAfter(first.dueDate));
  const [row] = await loansDb.query(`SELECT status FROM instalments WHERE loan_id = $1 AND n = 1`, [
    c.loanId,
  ]);
  assert.equal(row.status, 'PAID');
  const after = await booksOf(loansDb, c.loanId);
  assert.equal(after.FEES_RECEIVABLE ?? 0n, 0n);
  assert.equal(after.PENALTY_RECEIVABLE ?? 0n, 0n, 'nothing overdue, nothing penal');
  assert.equal(await levies(), 1);
});

test('a charge set for a date is one the KFS disclosed, set only by loan operations, levied once when its date comes, and owed by a payoff from then', async () => {
  const fresh = `TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
  const doc: LoanProduct = {
    ...personal,
    code: fresh,
    charges: [
      ...personal.charges,
      {
        code: 'BOUNCE',
        name: 'Mandate bounce charge',
        trigger: 'ON_DATE',
        calculation: { kind: 'FLAT', amountMinor: '50000' },
        gst: true,
      },
      {
        code: 'RENEWAL',
        name: 'Renewal fee',
        trigger: 'ON_DATE',
        calculation: { kind: 'PERCENT_OF_OUTSTANDING_PRINCIPAL', bps: 50 },
        gst: false,
      },
    ],
  };
  const c = await loanUnder(doc, '400000');
  const SET = `mutation($l: ID!, $c: String!, $r: String!, $d: String) { setDatedCharge(loanId: $l, code: $c, reason: $r, date: $d) {
    id code date levied { minor } leviedOn } }`;
  const LIST = `query($l: ID!) { datedCharges(loanId: $l) { code date levied { minor } } }`;
  const loansDb = platform.db('loans');
  const disbursedOn: string = (
    await platform.gql(`query($id: ID!) { loan(id: $id) { disbursedOn } }`, { id: c.loanId }, c.token)
  ).data?.loan.disbursedOn;
  const plus = (days: number) =>
    new Date(Date.parse(disbursedOn) + days * 86_400_000).toISOString().slice(0, 10);
  const before = await booksOf(loansDb, c.loanId);
  const refusals: [string, Record<string, unknown>, string][] = [
    [c.token, { c: 'BOUNCE', r: 'mandate returned' }, 'FORBIDDEN'],
    [approvers.manager.token, { c: 'LEGAL', r: 'notice sent' }, 'FAILED_PRECONDITION'],
    [approvers.manager.token, { c: 'PENAL', r: 'late' }, 'FAILED_PRECONDITION'],
    [approvers.manager.token, { c: 'BOUNCE', r: 'mandate returned', d: plus(-1) }, 'BAD_USER_INPUT'],
    [approvers.manager.token, { c: 'BOUNCE', r: 'mandate returned', d: '2026-02-30' }, 'BAD_USER_INPUT'],
    [approvers.manager.token, { c: 'BOUNCE', r: ' ' }, 'BAD_USER_INPUT'],
  ];
  for (const [token, v, code] of refusals) {
    assert.equal(firstError(await platform.gql(SET, { l: c.loanId, ...v }, token)), code, JSON.stringify(v));
  }
  assert.deepEqual((await platform.gql(LIST, { l: c.loanId }, c.token)).data?.datedCharges, []);
  assert.deepEqual(await booksOf(loansDb, c.loanId), before, 'a refused charge changes nothing');

  // Today: levied at once, with its GST owed to the tax authority.
  const bounce = await platform.gql(
    SET,
    { l: c.loanId, c: 'BOUNCE', r: 'mandate returned' },
    approvers.manager.token,
  );
  assert.equal(bounce.data?.setDatedCharge.levied?.minor, '59000', JSON.stringify(bounce.errors));
  const afterBounce = await booksOf(loansDb, c.loanId);
  assert.equal(afterBounce.FEES_RECEIVABLE, 59_000n);
  assert.equal(afterBounce.GST_PAYABLE - before.GST_PAYABLE, -9_000n);

  // Five days on: kept until then. A payoff quoted for that day owes it; one for today does not.
  const renewal = await platform.gql(
    SET,
    { l: c.loanId, c: 'RENEWAL', r: 'annual renewal', d: plus(5) },
    approvers.manager.token,
  );
  assert.equal(renewal.data?.setDatedCharge.levied, null, JSON.stringify(renewal.errors));
  const quoteFees = async (date: string) =>
    BigInt(
      (
        await platform.gql(
          `query($l: ID!, $d: String) { foreclosureQuote(loanId: $l, date: $d) { fees { minor } } }`,
          { l: c.loanId, d: date },
          c.token,
        )
      ).data?.foreclosureQuote.fees.minor,
    );
  const renewalFee = (40_000_000n * 50n) / 10_000n; // 0.5 % of the principal outstanding: ₹2,000
  assert.equal(await quoteFees(plus(0)), 59_000n);
  assert.equal(await quoteFees(plus(5)), 59_000n + renewalFee);
  await closeOfBusiness(loansDb, plus(4));
  assert.equal((await booksOf(loansDb, c.loanId)).FEES_RECEIVABLE, 59_000n, 'not before its date');
  await closeOfBusiness(loansDb, plus(5));
  await closeOfBusiness(loansDb, plus(6));
  assert.equal((await booksOf(loansDb, c.loanId)).FEES_RECEIVABLE, 59_000n + renewalFee, 'once');
  assert.deepEqual((await platform.gql(LIST, { l: c.loanId }, c.token)).data?.datedCharges, [
    { code: 'BOUNCE', date: plus(0), levied: { minor: '59000' } },
    { code: 'RENEWAL', date: plus(5), levied: { minor: renewalFee.toString() } },
  ]);
});

test('a product’s grace days hold back the penal charge and the overdue notice, and the KFS says so', async () => {
  const fresh = `TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
  const doc: LoanProduct = { ...personal, code: fresh, penalGraceDays: 3 };
  const c = await loanUnder(doc);
  const kfs = (await platform.gql(OFFER, { id: c.offerId }, c.token)).data?.offer.keyFacts.charges as {
    code: string;
    description: string;
  }[];
  assert.match(
    kfs.find((k) => k.code === 'PENAL')?.description ?? '',
    /per instalment still unpaid 3 days after its due date$/,
  );
  const [first] = ((
    await platform.gql(
      `query($id: ID!) { loan(id: $id) { schedule { dueDate } } }`,
      { id: c.loanId },
      c.token,
    )
  ).data?.loan.schedule ?? []) as { dueDate: string }[];
  assert.ok(first);
  const loansDb = platform.db('loans');
  const on = (days: number) =>
    new Date(Date.parse(first.dueDate) + days * 86_400_000).toISOString().slice(0, 10);
  const penal = async () => (await booksOf(loansDb, c.loanId)).PENALTY_RECEIVABLE ?? 0n;
  const notices = async () =>
    (
      await loansDb.query(
        `SELECT count(*)::int AS n FROM outbox WHERE type = 'payment.overdue' AND payload->'data'->>'loanId' = $1`,
        [c.loanId],
      )
    )[0].n as number;
  for (const day of [1, 2, 3]) await closeOfBusiness(loansDb, on(day));
  assert.equal(await penal(), 0n, 'no penal charge within the grace days');
  assert.equal(await notices(), 0);
  await closeOfBusiness(loansDb, on(4));
  await closeOfBusiness(loansDb, on(5));
  assert.ok((await penal()) > 0n, 'charged once the grace has run out');
  assert.equal(await notices(), 1, 'and told once');
});
