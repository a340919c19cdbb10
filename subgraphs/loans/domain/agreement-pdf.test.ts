import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { DEFAULT_REPAYMENT } from '../../../platform/finance';
import { pdfText } from '../../../test/helpers/pdf';
import { keyFacts } from '../../offers/domain/kfs';
import { type AgreementTerms, renderAgreement, stampSignature } from './agreement-pdf';

const k = keyFacts({
  amountMinor: 50_000_000n,
  annualRateBps: 1400,
  tenureMonths: 60,
  processingFeeMinor: 500_000n,
});
const terms: AgreementTerms = {
  agreementNumber: 'LA-0001',
  applicationId: '6f1c1b8e-8a4c-4f7e-9d55-000000000001',
  borrower: { name: 'Asha Rao', customerId: '6f1c1b8e-8a4c-4f7e-9d55-000000000002' },
  lender: 'LoanFlow Finance Ltd.',
  amountMinor: 50_000_000n,
  currency: 'INR',
  annualRateBps: 1400,
  tenureMonths: 60,
  repayment: DEFAULT_REPAYMENT,
  processingFeeMinor: 500_000n,
  emiMinor: k.emiMinor,
  totalInterestMinor: k.totalInterestMinor,
  totalPayableMinor: k.totalPayableMinor,
  aprBps: k.aprBps,
  sanctionedOn: '2026-11-25',
  charges: [{ name: 'Late payment', description: '₹500.00 + 18% GST per missed instalment' }],
  coolingOffDays: 3,
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('the agreement parses back with parties, terms, KFS, every instalment and page numbers', async () => {
  const pages = await pdfText(await renderAgreement(terms));
  assert.equal(pages.length, 2, '60 instalments at 40 a page');
  const all = pages.join('\n');
  for (const s of [
    'LOAN AGREEMENT',
    'Borrower: Asha Rao',
    'Lender: LoanFlow Finance Ltd.',
    'Annual percentage rate (APR)',
    'Late payment: INR 500.00 + 18% GST per missed instalment',
    'Cooling-off period: 3 days from disbursement',
  ])
    assert.ok(all.includes(s), s);
  assert.ok(
    all.includes(
      `EMI): INR ${(Number(k.emiMinor) / 100).toLocaleString('en-IN', { minimumFractionDigits: 2 })}`,
    ),
  );
  const last = k.schedule.at(-1);
  assert.ok(all.includes('60') && last && all.includes('0.00'), 'the last instalment closes the loan');
  assert.ok(pages[0]?.includes('page 1 of 2') && pages[1]?.includes('page 2 of 2'));
});

test('the agreement states the repayment terms of the offer: frequency, method, moratorium', async () => {
  const repayment = { frequency: 'FORTNIGHTLY', method: 'EQUAL_PRINCIPAL', moratoriumPeriods: 2 } as const;
  const f = keyFacts({
    amountMinor: 2_600_000n,
    annualRateBps: 1300,
    tenureMonths: 12,
    processingFeeMinor: 0n,
    repayment,
  });
  const all = (
    await pdfText(
      await renderAgreement({
        ...terms,
        tenureMonths: 12,
        amountMinor: 2_600_000n,
        repayment,
        emiMinor: f.emiMinor,
      }),
    )
  ).join('\n');
  assert.ok(all.includes('Tenure: 26 fortnightly instalments, the first 2 of interest only'), all);
  assert.ok(all.includes('reducing balance, fortnightly rests'));
  assert.ok(all.includes('First fortnightly instalment of equal principal'));
  assert.equal(f.instalments, 26);
});

test('the same terms give the same bytes; other terms do not', async () => {
  const a = await renderAgreement(terms);
  const b = await renderAgreement(terms);
  assert.equal(sha(a), sha(b));
  assert.notEqual(sha(await renderAgreement({ ...terms, annualRateBps: 1401 })), sha(a));
});

test('the signed version appends the signature record with the hash of what was signed', async () => {
  const unsigned = await renderAgreement(terms);
  const signed = await stampSignature(unsigned, {
    signer: 'Asha Rao',
    customerId: terms.borrower.customerId,
    signedAt: '2026-11-25T10:00:00.000Z',
    ip: '203.0.113.7',
    method: 'OTP to the registered mobile',
    unsignedSha256: sha(unsigned),
  });
  const pages = await pdfText(signed);
  assert.equal(pages.length, 3);
  assert.ok(pages[2]?.includes(sha(unsigned)));
  assert.ok(pages[2]?.includes('203.0.113.7'));
});
