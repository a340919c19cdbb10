import {
  Directive,
  Field,
  ID,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
  UseMiddleware,
} from 'type-graphql';
import { MinorUnits, Money } from '../../../platform/graphql/money';
import { StaffOnly } from '../../../platform/graphql/visibility';
import type { OfferTerms } from '../domain/kfs';
import { OfferStatus } from '../domain/offer';

registerEnumType(OfferStatus, { name: 'OfferStatus', description: 'Where one round of an offer stands' });

@ObjectType({ description: 'One instalment of the repayment schedule the offer implies.' })
export class OfferInstalment {
  @Field(() => Int) n!: number;
  @Field(() => Money) opening!: Money;
  @Field(() => Money) interest!: Money;
  @Field(() => Money) principal!: Money;
  @Field(() => Money) total!: Money;
  @Field(() => Money) closing!: Money;
}

@ObjectType({ description: 'One charge as the Key Fact Statement discloses it.' })
export class KfsCharge {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, {
    description: 'DISBURSEMENT, INSTALMENT, ON_DATE, OVERDUE, FORECLOSURE or PREPAYMENT',
  })
  trigger!: string;
  @Field(() => String, { description: 'How it is worked out.' }) description!: string;
  @Field(() => Money, { nullable: true, description: 'For a charge at disbursement: the amount taken.' })
  amount!: Money | null;
}

@ObjectType({
  description: 'A version of a loan product: its rules and charges as a document (schema/loan-product.json).',
})
export class LoanProductVersion {
  @Field(() => String) code!: string;
  @Field(() => Int) version!: number;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'The whole document, as JSON.' }) document!: string;
  @Field(() => Date) publishedAt!: Date;
}

@ObjectType({ description: 'The Key Fact Statement: what the loan costs, computed from the terms.' })
export class KeyFactStatement {
  @Field(() => Money, {
    description: 'The equal instalment at the offer’s frequency (the last absorbs rounding).',
  })
  emi!: Money;
  @Field(() => Int) instalments!: number;
  @Field(() => Money) totalInterest!: Money;
  @Field(() => Money, { description: 'Processing fee, deducted from the amount paid out.' }) fees!: Money;
  @Field(() => Money, {
    description: 'The charges on each instalment over the loan’s life, GST included (none on most products).',
  })
  recurringCharges!: Money;
  @Field(() => Money, { description: 'Principal, interest and the instalment charges.' })
  totalPayable!: Money;
  @Field(() => Money, { description: 'What the borrower receives: amount less fees.' }) netDisbursed!: Money;
  @Field(() => Int, {
    description:
      'Annual percentage rate in basis points: the instalments a year × the IRR per instalment period of the real cash flows (the fee and instalment charges included).',
  })
  aprBps!: number;
  @Field(() => [KfsCharge], {
    description:
      'Every charge the loan may carry (nothing else is ever levied), as the product version states it.',
  })
  charges!: KfsCharge[];
  @Field(() => Int, {
    description:
      'The cooling-off (look-up) period: for this many days after disbursement the borrower may exit by repaying the principal and the interest for the days held, with no foreclosure charge; the processing fee is kept.',
  })
  coolingOffDays!: number;
  /** Not a field: what the schedule is computed from, on demand. */
  terms!: OfferTerms;
}

@ObjectType({ description: 'What the customer asked for instead.' })
export class CounterProposalView {
  @Field(() => Money, { nullable: true }) amount!: Money | null;
  @Field(() => Int, { nullable: true }) annualRateBps!: number | null;
  @Field(() => Int, { nullable: true }) tenureMonths!: number | null;
  @Field(() => String, { nullable: true }) comment!: string | null;
}

@ObjectType({ description: 'A round of the loan offer; every round is kept.' })
@Directive('@key(fields: "id")')
export class Offer {
  @Field(() => ID) id!: string;
  @Field(() => ID) applicationId!: string;
  @Field(() => Int, { description: '1 for the first offer, then one more per round.' }) version!: number;
  @Field(() => OfferStatus) status!: OfferStatus;
  @Field(() => Money) amount!: Money;
  @Field(() => Int) annualRateBps!: number;
  @Field(() => Int) tenureMonths!: number;
  @Field(() => Money) processingFee!: Money;
  @Field(() => String, { description: 'WEEKLY, FORTNIGHTLY, MONTHLY or QUARTERLY instalments' })
  frequency!: string;
  @Field(() => String, { description: 'EMI (equal instalments) or EQUAL_PRINCIPAL' }) method!: string;
  @Field(() => Int, { description: 'Interest-only instalments at the start, within the tenure' })
  moratoriumPeriods!: number;
  @Field(() => Date) validUntil!: Date;
  @Field(() => String, { description: 'The loan product it was made under.' }) productCode!: string;
  @Field(() => Int, { description: 'The product version: the loan keeps its rules and charges for life.' })
  productVersion!: number;
  @Field(() => KeyFactStatement) keyFacts!: KeyFactStatement;
  @Field(() => CounterProposalView, { nullable: true }) counter!: CounterProposalView | null;
  @Field(() => String, { nullable: true, description: 'Why the customer declined.' }) responseReason!:
    | string
    | null;
  @Field(() => ID, { nullable: true, description: 'Staff only: who in the bank sent it.' })
  @UseMiddleware(StaffOnly)
  sentBy!: string | null;
  @Field(() => Date) sentAt!: Date;
  @Field(() => Date, { nullable: true }) respondedAt!: Date | null;
}

@ObjectType('Application')
@Directive('@key(fields: "id")')
export class ApplicationOffers {
  @Field(() => ID) id!: string;
}

@InputType({ description: 'The terms of an offer round.' })
export class OfferTermsInput {
  @Field(() => MinorUnits) amount!: bigint;
  @Field(() => Int) annualRateBps!: number;
  @Field(() => Int) tenureMonths!: number;
  @Field(() => MinorUnits, {
    description:
      'Taken at disbursement, GST included: at most the product’s disbursement charges (less is a waiver).',
  })
  processingFee!: bigint;
  @Field(() => String, {
    nullable: true,
    description:
      'The loan product (loanProducts) whose latest version the offer is made under; STANDARD by default.',
  })
  productCode?: string;
  @Field(() => Date, { description: 'In the future, at most 90 days ahead.' }) validUntil!: Date;
  @Field(() => String, { nullable: true, description: 'WEEKLY, FORTNIGHTLY, MONTHLY (default) or QUARTERLY' })
  frequency?: string;
  @Field(() => String, { nullable: true, description: 'EMI (default) or EQUAL_PRINCIPAL' }) method?: string;
  @Field(() => Int, { nullable: true, description: 'Interest-only instalments at the start (default 0)' })
  moratoriumPeriods?: number;
}

@InputType({ description: 'At least one of amount, rate or tenure.' })
export class CounterOfferInput {
  @Field(() => MinorUnits, { nullable: true }) amount?: bigint;
  @Field(() => Int, { nullable: true }) annualRateBps?: number;
  @Field(() => Int, { nullable: true }) tenureMonths?: number;
  @Field(() => String, { nullable: true }) comment?: string;
}
