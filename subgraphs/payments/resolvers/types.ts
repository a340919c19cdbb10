import { Directive, Field, ID, InputType, ObjectType } from 'type-graphql';
import { MinorUnits, Money } from '../../../platform/graphql/money';

@ObjectType('Document')
@Directive('@key(fields: "id", resolvable: false)')
export class DocumentRef {
  @Field(() => ID) id!: string;
}

@ObjectType({ description: 'A payment towards a loan.' })
@Directive('@key(fields: "id")')
export class Payment {
  @Field(() => ID) id!: string;
  @Field(() => ID) loanId!: string;
  @Field(() => Money) amount!: Money;
  @Field(() => String) method!: string;
  @Field(() => String, {
    description: 'INSTALMENT, FORECLOSURE, PREPAY_REDUCE_EMI or PREPAY_REDUCE_TENURE',
  })
  purpose!: string;
  @Field(() => String, { nullable: true }) reference!: string | null;
  @Field(() => DocumentRef, { nullable: true, description: 'The uploaded proof (receipt, bank screenshot).' })
  proof!: DocumentRef | null;
  @Field(() => String, { description: 'RECEIVED, VERIFIED (applied to the loan) or REJECTED' })
  status!: string;
  @Field(() => String, { nullable: true }) decisionReason!: string | null;
  @Field(() => Date) receivedAt!: Date;
  @Field(() => Date, { nullable: true }) verifiedAt!: Date | null;
}

@InputType()
export class PaymentInput {
  @Field(() => ID) loanId!: string;
  @Field(() => MinorUnits) amount!: bigint;
  @Field(() => String, { description: 'UPI, NEFT, IMPS, RTGS, NACH, CHEQUE or CASH' }) method!: string;
  @Field(() => String, { nullable: true, description: 'The bank or UPI reference.' }) reference?: string;
  @Field(() => String, {
    nullable: true,
    description:
      'INSTALMENT (default); FORECLOSURE: pays the loan off at the quote for the day received; PREPAY_REDUCE_EMI or PREPAY_REDUCE_TENURE: pays what is due and reduces principal with the rest (see prepaymentPreview).',
  })
  purpose?: string;
}

/** The part of the loan account (owned by loans) that outstanding is worked out from. */
@ObjectType('LoanAccount')
export class LoanAccountDues {
  @Field(() => Money) @Directive('@external') principalOutstanding!: Money;
  @Field(() => Money) @Directive('@external') interestDue!: Money;
  @Field(() => Money) @Directive('@external') feesDue!: Money;
  @Field(() => Money) @Directive('@external') penaltiesDue!: Money;
  @Field(() => String, { nullable: true }) @Directive('@external') nextDueDate?: string | null;
  @Field(() => Money, { nullable: true }) @Directive('@external') nextDueAmount?: Money | null;
}

@ObjectType({ description: 'What is owed on the loan now, and what is already paid but not yet verified.' })
export class LoanOutstanding {
  @Field(() => Money, { description: 'Principal, interest due, fees and penalties in the loan’s books.' })
  total!: Money;
  @Field(() => Money, { description: 'Payments received and waiting for verification.' })
  pendingVerification!: Money;
  @Field(() => Money, {
    description: 'What remains once the pending payments are credited (never negative).',
  })
  afterPending!: Money;
  @Field(() => String, {
    nullable: true,
    description: 'When the next instalment falls due (none once all are paid).',
  })
  nextDueDate?: string | null;
  @Field(() => Money, {
    nullable: true,
    description: 'What is still to pay for the next instalment, after the credit held.',
  })
  nextDueAmount?: Money | null;
}

@ObjectType('Loan')
@Directive('@key(fields: "id")')
export class LoanPayments {
  @Field(() => ID) id!: string;
  @Field(() => LoanAccountDues)
  @Directive('@external')
  account?: LoanAccountDues;
}
