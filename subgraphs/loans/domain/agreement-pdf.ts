import { PDFDocument, type PDFFont, type PDFPage, StandardFonts } from 'pdf-lib';
import { amortizeTerms, instalmentsFor, type RepaymentTerms } from '../../../platform/finance';
import { money } from '../../../platform/graphql/money';

export interface AgreementTerms {
  agreementNumber: string;
  applicationId: string;
  borrower: { name: string; customerId: string };
  lender: string;
  amountMinor: bigint;
  currency: string;
  annualRateBps: number;
  tenureMonths: number;
  repayment: RepaymentTerms;
  processingFeeMinor: bigint;
  emiMinor: bigint;
  totalInterestMinor: bigint;
  totalPayableMinor: bigint;
  aprBps: number;
  /** Every charge the loan may carry (its product version's), as the KFS disclosed them. */
  charges: { name: string; description: string }[];
  /** The look-up period its product gives, in days after disbursement. */
  coolingOffDays: number;
  /** The sanction date: the only date in the document, so the same terms always give the same bytes. */
  sanctionedOn: string;
}

export interface SignatureRecord {
  signer: string;
  customerId: string;
  signedAt: string;
  ip: string;
  method: string;
  unsignedSha256: string;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const ROWS_PER_PAGE = 40;

// The standard PDF fonts speak WinAnsi, which has no rupee sign.
const amount = (minor: bigint, currency: string) =>
  money(minor, currency).formatted.replace('₹', `${currency} `);
const pct = (bps: number) => `${(bps / 100).toFixed(2)}% a year`;

class Writer {
  page!: PDFPage;
  y = 0;
  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {}
  newPage() {
    this.page = this.doc.addPage(A4);
    this.y = A4[1] - MARGIN;
  }
  line(text: string, options: { size?: number; bold?: boolean; x?: number } = {}) {
    const size = options.size ?? 10;
    this.page.drawText(text, {
      x: options.x ?? MARGIN,
      y: this.y,
      size,
      font: options.bold ? this.bold : this.font,
    });
    this.y -= size + 6;
  }
  row(cells: string[], widths: number[], bold = false) {
    let x = MARGIN;
    for (const [i, cell] of cells.entries()) {
      this.page.drawText(cell, { x, y: this.y, size: 8, font: bold ? this.bold : this.font });
      x += widths[i] ?? 80;
    }
    this.y -= 13;
  }
  gap(points = 8) {
    this.y -= points;
  }
}

async function open() {
  // No producer or dates written by the library: the bytes depend on the terms alone.
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  return { doc, font, bold, w: new Writer(doc, font, bold) };
}

function numberPages(doc: PDFDocument, font: PDFFont, label: string) {
  const pages = doc.getPages();
  for (const [i, page] of pages.entries()) {
    page.drawText(`${label} - page ${i + 1} of ${pages.length}`, { x: MARGIN, y: 25, size: 8, font });
  }
}

/** The loan agreement: parties, terms, Key Fact Statement, the full repayment schedule, page numbers. */
export async function renderAgreement(t: AgreementTerms): Promise<Uint8Array> {
  const { doc, font, w } = await open();
  const c = t.currency;
  w.newPage();
  w.line('LOAN AGREEMENT', { size: 18, bold: true });
  w.line(`Agreement ${t.agreementNumber}, sanctioned on ${t.sanctionedOn}`);
  w.line(`Application ${t.applicationId}`);
  w.gap();
  w.line('1. Parties', { bold: true, size: 12 });
  w.line(`Lender: ${t.lender}`);
  w.line(`Borrower: ${t.borrower.name} (customer ${t.borrower.customerId})`);
  w.gap();
  w.line('2. Terms', { bold: true, size: 12 });
  w.line(`Loan amount: ${amount(t.amountMinor, c)}`);
  const r = t.repayment;
  const every = r.frequency.toLowerCase();
  w.line(`Interest: ${pct(t.annualRateBps)}, reducing balance, ${every} rests`);
  w.line(
    `Tenure: ${instalmentsFor(t.tenureMonths, r.frequency)} ${every} instalments` +
      (r.moratoriumPeriods ? `, the first ${r.moratoriumPeriods} of interest only` : ''),
  );
  w.line(`Processing fee: ${amount(t.processingFeeMinor, c)}, deducted from the amount disbursed`);
  w.gap();
  w.line('3. Key Fact Statement', { bold: true, size: 12 });
  w.line(
    r.method === 'EMI'
      ? `Equated ${every} instalment (EMI): ${amount(t.emiMinor, c)}`
      : `First ${every} instalment of equal principal (later ones fall with the balance): ${amount(t.emiMinor, c)}`,
  );
  w.line(`Total interest: ${amount(t.totalInterestMinor, c)}`);
  w.line(`Total amount payable: ${amount(t.totalPayableMinor, c)}`);
  w.line(`Net amount disbursed: ${amount(t.amountMinor - t.processingFeeMinor, c)}`);
  w.line(`Annual percentage rate (APR): ${pct(t.aprBps)}`);
  if (t.charges.length) {
    w.line('Charges (no other charge may be levied on this loan):');
    // The standard fonts have no rupee sign.
    for (const ch of t.charges) w.line(`  ${ch.name}: ${ch.description.replace(/₹/g, 'INR ')}`);
  }
  w.line(
    `Cooling-off period: ${t.coolingOffDays} day${t.coolingOffDays === 1 ? '' : 's'} from disbursement, in which you may exit`,
  );
  w.line('by repaying the principal and the interest for the days held, with no foreclosure charge');
  w.line('or penalty (the processing fee is kept).');
  w.gap();
  w.line('4. Repayment schedule', { bold: true, size: 12 });
  const widths = [40, 95, 90, 90, 90, 95];
  const header = ['No.', 'Opening balance', 'Interest', 'Principal', 'Instalment', 'Closing balance'];
  w.row(header, widths, true);
  const schedule = amortizeTerms(t.amountMinor, t.annualRateBps, t.tenureMonths, r);
  for (const [i, r] of schedule.entries()) {
    if (i > 0 && i % ROWS_PER_PAGE === 0) {
      w.newPage();
      w.row(header, widths, true);
    }
    w.row(
      [
        String(r.n),
        amount(r.openingMinor, c),
        amount(r.interestMinor, c),
        amount(r.principalMinor, c),
        amount(r.totalMinor, c),
        amount(r.closingMinor, c),
      ],
      widths,
    );
  }
  w.gap(16);
  w.line('5. Signature', { bold: true, size: 12 });
  w.line('The borrower signs electronically with a one-time password sent to the registered mobile,');
  w.line('or by uploading a signed copy verified by the lender. The signature record is appended.');
  numberPages(doc, font, `Agreement ${t.agreementNumber}`);
  return doc.save();
}

/** The signed version: the agreement as generated, plus a page recording who signed, when, from where. */
export async function stampSignature(unsigned: Uint8Array, s: SignatureRecord): Promise<Uint8Array> {
  const doc = await PDFDocument.load(unsigned, { updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const w = new Writer(doc, font, bold);
  w.newPage();
  w.line('SIGNATURE RECORD', { size: 16, bold: true });
  w.line(`Signed by: ${s.signer} (customer ${s.customerId})`);
  w.line(`Signed at: ${s.signedAt}`);
  w.line(`From IP address: ${s.ip}`);
  w.line(`Method: ${s.method}`);
  w.line(`SHA-256 of the agreement signed: ${s.unsignedSha256}`);
  return doc.save();
}

export interface NoDuesTerms {
  accountNumber: string;
  borrower: string;
  customerId: string;
  lender: string;
  principalMinor: bigint;
  currency: string;
  disbursedOn: string;
  closedOn: string;
}

/** The no-dues certificate issued when a loan closes: nothing is owed, the lender releases its claims. */
export async function renderNoDues(t: NoDuesTerms): Promise<Uint8Array> {
  const { doc, font, w } = await open();
  w.newPage();
  w.line('NO DUES CERTIFICATE', { size: 18, bold: true });
  w.gap();
  w.line(`Loan account ${t.accountNumber}`);
  w.line(`Borrower: ${t.borrower} (customer ${t.customerId})`);
  w.line(`Lender: ${t.lender}`);
  w.line(`Loan of ${amount(t.principalMinor, t.currency)} disbursed on ${t.disbursedOn}`);
  w.gap();
  w.line(`This certifies that the loan was repaid in full and closed on ${t.closedOn}.`);
  w.line('Nothing is due from the borrower under this loan, and the lender has no further claim on it.');
  numberPages(doc, font, `No dues ${t.accountNumber}`);
  return doc.save();
}
