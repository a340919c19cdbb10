import { Directive, Field, ID, InputType, ObjectType } from 'type-graphql';
import { MinorUnits, Money } from '../../../platform/graphql/money';

@ObjectType({ description: 'A payment towards a loan.' })
@Directive('@key(fields: "id")')
export class Payment {
  @Field(() => ID) id!: string;
  @Field(() => ID) loanId!: string;
  @Field(() => Money) amount!: Money;
  @Field(() => String) method!: string;
  @Field(() => String, { description: 'INSTALMENT or FORECLOSURE' }) purpose!: string;
  @Field(() => String, { nullable: true }) reference!: string | null;
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
    description: 'INSTALMENT (default) or FORECLOSURE: pays the loan off at the quote for the day received.',
  })
  purpose?: string;
}

@ObjectType('Loan')
@Directive('@key(fields: "id")')
export class LoanPayments {
  @Field(() => ID) id!: string;
}
