import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../../platform/graphql/money';
import { PageInfo } from '../../../platform/graphql/page';
import { ASSET_CLASSES, type AssetClass } from '../domain/delinquency';
import { AgreementStatus } from '../domain/esign';

/** The asset classes as a GraphQL enum (the domain keeps them as a union). */
const AssetClassEnum = Object.fromEntries(ASSET_CLASSES.map((c) => [c, c])) as { [K in AssetClass]: K };
registerEnumType(AssetClassEnum, {
  name: 'AssetClass',
  description:
    'RBI IRACP: STANDARD; special mention by days past due — SMA_0 1–30, SMA_1 31–60, SMA_2 61–90; NPA over 90',
});

registerEnumType(AgreementStatus, {
  name: 'AgreementStatus',
  description: 'Where the loan agreement stands',
});

@ObjectType({ description: 'One stored version of the agreement file.' })
export class AgreementFile {
  @Field(() => Int) version!: number;
  @Field(() => String, { description: 'GENERATED or SIGNED' }) kind!: string;
  @Field(() => String) sha256!: string;
  @Field(() => Date) storedAt!: Date;
}

@ObjectType({ description: 'The loan agreement: generated on sanction, signed by OTP or an uploaded copy.' })
@Directive('@key(fields: "id")')
export class Agreement {
  @Field(() => ID) id!: string;
  @Field(() => ID) applicationId!: string;
  @Field(() => String) number!: string;
  @Field(() => AgreementStatus) status!: AgreementStatus;
  @Field(() => String, { nullable: true, description: 'SHA-256 of the current version.' }) sha256!:
    | string
    | null;
  @Field(() => Int, { description: '0 until generated; 2 once e-signed.' }) fileVersion!: number;
  @Field(() => String, { nullable: true, description: 'OTP or UPLOAD' }) signMethod!: string | null;
  @Field(() => Date, { nullable: true }) signedAt!: Date | null;
  @Field(() => Int, { description: 'Wrong codes left before e-sign locks.' }) otpAttemptsLeft!: number;
  @Field(() => String, {
    nullable: true,
    description:
      'A link (path on the gateway) to download the current version, without a token, for 5 minutes.',
  })
  downloadUrl!: string | null;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType({ description: 'Where the code was sent (masked).' })
export class EsignStarted {
  @Field(() => Agreement) agreement!: Agreement;
  @Field(() => String) sentTo!: string;
}

@ObjectType()
export class AgreementFileCheck {
  @Field(() => Int) version!: number;
  @Field(() => String) kind!: string;
  @Field(() => String) recordedSha256!: string;
  @Field(() => String, { nullable: true, description: 'Null when the file is missing from the store.' })
  actualSha256!: string | null;
  @Field(() => Boolean) intact!: boolean;
}

@ObjectType({ description: 'The tamper check: each stored file hashed again against its record.' })
export class AgreementIntegrity {
  @Field(() => ID) agreementId!: string;
  @Field(() => Boolean) intact!: boolean;
  @Field(() => [AgreementFileCheck]) files!: AgreementFileCheck[];
}

@ObjectType('Application')
@Directive('@key(fields: "id")')
export class ApplicationAgreement {
  @Field(() => ID) id!: string;
}

@ObjectType({ description: 'One instalment of the loan schedule.' })
export class LoanInstalment {
  @Field(() => Int) n!: number;
  @Field(() => String, { description: 'Calendar date in the loan’s time zone (YYYY-MM-DD).' })
  dueDate!: string;
  @Field(() => Money) opening!: Money;
  @Field(() => Money) principal!: Money;
  @Field(() => Money) interest!: Money;
  @Field(() => Money) total!: Money;
  @Field(() => Money) closing!: Money;
  @Field(() => String, { description: 'DUE, PARTIAL, PAID or FORECLOSED' }) status!: string;
}

@ObjectType({ description: 'The account today, read from the ledger and the schedule.' })
export class LoanAccount {
  @Field(() => Money) principalOutstanding!: Money;
  @Field(() => Money) interestDue!: Money;
  @Field(() => Money) feesDue!: Money;
  @Field(() => Money) penaltiesDue!: Money;
  @Field(() => Money, {
    description: 'Paid ahead and held for the borrower: it settles instalments as they fall due.',
  })
  creditHeld!: Money;
  @Field(() => String, { nullable: true }) nextDueDate!: string | null;
  @Field(() => Money, {
    nullable: true,
    description: 'What is still to pay for the next instalment, after the credit held.',
  })
  nextDueAmount!: Money | null;
  @Field(() => Int) daysPastDue!: number;
  @Field(() => String, { description: 'CURRENT, DPD_1_30, DPD_31_60, DPD_61_90 or NPA (over 90 days)' })
  bucket!: string;
}

@ObjectType({
  description:
    'What pays the loan off on a date: a FORECLOSURE payment of at least `total` received that day closes it.',
})
export class ForeclosureQuote {
  @Field(() => ID) loanId!: string;
  @Field(() => String, { description: 'The date the quote holds for (YYYY-MM-DD, the loan’s time zone).' })
  asOf!: string;
  @Field(() => Money) principal!: Money;
  @Field(() => Money, { description: 'Unpaid interest of instalments already due.' }) interestDue!: Money;
  @Field(() => Money, { description: 'Interest of the running period up to asOf.' })
  brokenPeriodInterest!: Money;
  @Field(() => Money) penalties!: Money;
  @Field(() => Money) fees!: Money;
  @Field(() => Money, {
    description:
      'The foreclosure charges of the loan’s product with their GST (none within the cooling-off period).',
  })
  foreclosureCharge!: Money;
  @Field(() => Money, { description: 'The GST in foreclosureCharge.' }) foreclosureChargeGst!: Money;
  @Field(() => Money) total!: Money;
}

@ObjectType({
  description:
    'A charge set on the loan for a date (one of its product’s ON_DATE charges, so one its KFS disclosed): levied once when the date comes.',
})
export class DatedCharge {
  @Field(() => ID) id!: string;
  @Field(() => ID) loanId!: string;
  @Field(() => String) code!: string;
  @Field(() => String, { description: 'The date it is owed from (YYYY-MM-DD).' }) date!: string;
  @Field(() => String) reason!: string;
  @Field(() => Money, { nullable: true, description: 'What was levied, GST included (null until its date).' })
  levied!: Money | null;
  @Field(() => String, { nullable: true, description: 'When it was levied (YYYY-MM-DD).' })
  leviedOn!: string | null;
}

@ObjectType({
  description:
    'What a part-prepayment received on a date would do. A payment of `amount` with purpose PREPAY_REDUCE_EMI or PREPAY_REDUCE_TENURE received that day is applied exactly so.',
})
export class PrepaymentPreview {
  @Field(() => ID) loanId!: string;
  @Field(() => String, { description: 'The date the preview holds for (YYYY-MM-DD).' }) asOf!: string;
  @Field(() => String, { description: 'REDUCE_EMI or REDUCE_TENURE' }) option!: string;
  @Field(() => Money, { description: 'Paid first: charges and instalments due by asOf.' })
  dueSettled!: Money;
  @Field(() => Money, { description: 'Paid next: the running instalment’s interest up to asOf.' })
  accruedInterest!: Money;
  @Field(() => Money, { description: 'What reduces principal.' }) prepaid!: Money;
  @Field(() => Money, {
    description:
      'The prepayment charges of the loan’s product on what is prepaid, with their GST, paid from the same money (none within the cooling-off period).',
  })
  prepaymentCharge!: Money;
  @Field(() => Money) principalBefore!: Money;
  @Field(() => Money) principalAfter!: Money;
  @Field(() => Money, { description: 'The level instalment (EMI, or equal principal’s principal part) now.' })
  instalmentBefore!: Money;
  @Field(() => Money, { description: 'The level instalment afterwards.' }) instalmentAfter!: Money;
  @Field(() => Int, { description: 'Instalments left, from the running one, now.' })
  instalmentsBefore!: number;
  @Field(() => Int, { description: 'Instalments left afterwards.' }) instalmentsAfter!: number;
  @Field(() => Money, { description: 'Interest still to pay from asOf on, now.' }) interestBefore!: Money;
  @Field(() => Money, { description: 'Interest still to pay from asOf on, afterwards.' })
  interestAfter!: Money;
  @Field(() => Money) interestSaved!: Money;
  @Field(() => [LoanInstalment], { description: 'The instalments from the running one on, as they will be.' })
  schedule!: LoanInstalment[];
}

@ObjectType({ description: 'Issued when the loan closes.' })
export class NoDuesCertificate {
  @Field(() => String) sha256!: string;
  @Field(() => String, { description: 'A link (path on the gateway) to download it, for 5 minutes.' })
  downloadUrl!: string;
  @Field(() => Date) issuedAt!: Date;
}

const LOAN_STATUSES = 'PENDING_DISBURSEMENT, ACTIVE, CLOSED, WRITTEN_OFF or DISBURSEMENT_FAILED';

@ObjectType({
  description: 'A loan account: opened when the agreement is signed, active once a partner lender funds it.',
})
@Directive('@key(fields: "id")')
export class Loan {
  @Field(() => ID) id!: string;
  @Field(() => AssetClassEnum, {
    description:
      'Its asset class at the last close of business (RBI IRACP; NPA is the borrower’s, on all their loans)',
  })
  assetClass!: AssetClass;
  @Field(() => String, {
    nullable: true,
    description: 'The business day-end it took its class (null: standard since it opened)',
  })
  assetClassSince!: string | null;
  @Field(() => String, { nullable: true, description: 'The day-end it became non-performing, while it is' })
  npaSince!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'The business date its loss was identified (a loss asset: provided for in full), while it is',
  })
  lossIdentifiedOn!: string | null;
  @Field(() => ID) applicationId!: string;
  @Field(() => String) accountNumber!: string;
  @Field(() => String, { description: LOAN_STATUSES }) status!: string;
  @Field(() => String, { nullable: true, description: 'REPAID, FORECLOSED or WRITTEN_OFF, once closed' })
  closureReason!: string | null;
  @Field(() => Money) principal!: Money;
  @Field(() => Int) annualRateBps!: number;
  @Field(() => Int) instalments!: number;
  @Field(() => String) frequency!: string;
  @Field(() => String, { description: 'EMI or EQUAL_PRINCIPAL' }) method!: string;
  @Field(() => String, {
    description: 'The day the money was paid out (planned, until a lender funds the loan)',
  })
  disbursedOn!: string;
  @Field(() => Date, { description: 'When the account was opened' }) activatedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When a partner lender paid the loan out' })
  fundedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'The partner lender that funded the loan' })
  lenderCode!: string | null;
  @Field(() => Date, { nullable: true }) closedAt!: Date | null;
}

@ObjectType({ description: 'A change of asset class at a business day’s close.' })
export class LoanClassChange {
  @Field(() => String, { description: 'The business date whose day-end status it is' }) date!: string;
  @Field(() => AssetClassEnum) previous!: AssetClass;
  @Field(() => AssetClassEnum) assetClass!: AssetClass;
  @Field(() => Int) daysPastDue!: number;
}

@ObjectType()
export class LoanConnection {
  @Field(() => [Loan]) nodes!: Loan[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@InputType()
export class LoanFilter {
  @Field(() => String, { nullable: true, description: LOAN_STATUSES }) status?: string;
  @Field(() => ID, { nullable: true }) customerId?: string;
}

@ObjectType()
export class LoanStatusCount {
  @Field(() => String) status!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'Active loans in one delinquency bucket.' })
export class PortfolioBucket {
  @Field(() => String, { description: 'CURRENT, DPD_1_30, DPD_31_60, DPD_61_90 or NPA' }) bucket!: string;
  @Field(() => Int) loans!: number;
  @Field(() => Money) principalOutstanding!: Money;
}

@ObjectType({ description: 'Active loans in one currency.' })
export class PortfolioLine {
  @Field(() => String) currency!: string;
  @Field(() => Int) loans!: number;
  @Field(() => Money) principalOutstanding!: Money;
  @Field(() => [PortfolioBucket]) buckets!: PortfolioBucket[];
  @Field(() => Money, { description: 'Principal outstanding of loans more than 30 days past due' })
  par30!: Money;
  @Field(() => Money, { description: 'Principal outstanding of loans more than 90 days past due' })
  par90!: Money;
  @Field(() => Money, { description: 'Principal outstanding of loans classified NPA (gross NPA)' })
  npaOutstanding!: Money;
  @Field(() => Money, { description: 'Provisions held against the active loans' }) provisions!: Money;
  @Field(() => Int, { nullable: true, description: 'PAR30 in basis points of the principal outstanding' })
  par30Bps!: number | null;
  @Field(() => Int, { nullable: true, description: 'PAR90 in basis points of the principal outstanding' })
  par90Bps!: number | null;
  @Field(() => Int, { nullable: true, description: 'Gross NPA ratio in basis points' }) npaBps!:
    | number
    | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'Provision coverage: provisions held on NPAs over gross NPAs, in basis points (null: no NPA)',
  })
  provisionCoverageBps!: number | null;
}

@ObjectType({
  description: 'One account of the trial balance, for a lender (or the own book), product and currency.',
})
export class TrialBalanceLine {
  @Field(() => String, { description: 'The funding lender, or OWN BOOK' }) lender!: string;
  @Field(() => String) product!: string;
  @Field(() => String, { description: 'The loan ledger’s account' }) account!: string;
  @Field(() => String, {
    description: 'The general-ledger code it is reported in (the chart of accounts as the product maps it)',
  })
  glCode!: string;
  @Field(() => String) glName!: string;
  @Field(() => String, { description: 'ASSET, LIABILITY, INCOME or EXPENSE' }) glType!: string;
  @Field(() => Money) debit!: Money;
  @Field(() => Money) credit!: Money;
}

@ObjectType('Dashboard')
@Directive('@key(fields: "id")')
export class LoansDashboard {
  @Field(() => ID) id!: string;
}
