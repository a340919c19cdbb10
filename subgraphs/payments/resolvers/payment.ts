import { Arg, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireCaller, requireRole } from '../../../platform/auth';
import { money } from '../../../platform/graphql/money';
import type { SubgraphContext } from '../../../platform/subgraph';
import type { PaymentRow } from '../model/payment';
import * as payments from '../service';
import { LoanOutstanding, LoanPayments, Payment, PaymentInput } from './types';

const toPayment = (p: PaymentRow): Payment => ({
  id: p.id,
  loanId: p.loanId,
  amount: money(p.amountMinor, p.currency),
  method: p.method,
  purpose: p.purpose,
  reference: p.reference,
  proof: p.proofDocumentId ? { id: p.proofDocumentId } : null,
  status: p.status,
  decisionReason: p.decisionReason,
  receivedAt: p.receivedAt,
  verifiedAt: p.verifiedAt,
});

@Resolver(() => Payment)
export class PaymentResolver {
  @Query(() => Payment, { description: 'The borrower or staff.' })
  async payment(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return toPayment(await payments.getPayment(ctx.db, ctx.caller, id));
  }

  @Mutation(() => Payment, {
    description:
      'The borrower or collections staff record a payment; the same idempotencyKey (the REST Idempotency-Key) records it once.',
  })
  async recordPayment(
    @Arg('input', () => PaymentInput) input: PaymentInput,
    @Arg('idempotencyKey', () => String) idempotencyKey: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    const p = await payments.recordPayment(ctx.db, requireCaller(ctx), {
      loanId: input.loanId,
      amountMinor: input.amount,
      method: input.method as (typeof payments.METHODS)[number],
      reference: input.reference ?? undefined,
      purpose: (input.purpose ?? undefined) as (typeof payments.PURPOSES)[number] | undefined,
      idempotencyKey,
    });
    return toPayment(p);
  }

  @Mutation(() => Payment, {
    description:
      'The borrower or staff: attach an uploaded PAYMENT_PROOF document to a payment awaiting verification.',
  })
  async attachPaymentProof(
    @Arg('paymentId', () => ID) paymentId: string,
    @Arg('documentId', () => ID) documentId: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    return toPayment(await payments.attachProof(ctx.db, requireCaller(ctx), paymentId, documentId));
  }

  @Mutation(() => Payment, { description: 'MANAGER or ADMIN: the money arrived (it is applied) or not.' })
  async verifyPayment(
    @Arg('paymentId', () => ID) paymentId: string,
    @Arg('accept', () => Boolean) accept: boolean,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    const staff = requireRole(ctx, ...payments.PAYMENT_STAFF);
    return toPayment(await payments.verifyPayment(ctx.db, staff, paymentId, accept, reason));
  }
}

@Resolver(() => LoanPayments)
export class LoanPaymentsResolver {
  @FieldResolver(() => LoanOutstanding)
  @Directive(
    '@requires(fields: "account { principalOutstanding { minor currency } interestDue { minor } feesDue { minor } penaltiesDue { minor } nextDueDate nextDueAmount { minor currency } }")',
  )
  async outstanding(@Root() loan: LoanPayments, @Ctx() ctx: SubgraphContext): Promise<LoanOutstanding> {
    const a = loan.account;
    if (!a) throw new Error('the gateway did not provide the loan account');
    const o = await payments.outstandingOf(ctx.db, ctx.caller, loan.id, {
      principalMinor: BigInt(a.principalOutstanding.minor),
      interestMinor: BigInt(a.interestDue.minor),
      feesMinor: BigInt(a.feesDue.minor),
      penaltyMinor: BigInt(a.penaltiesDue.minor),
    });
    const c = a.principalOutstanding.currency;
    return {
      total: money(o.totalMinor, c),
      pendingVerification: money(o.pendingMinor, c),
      afterPending: money(o.afterPendingMinor, c),
      nextDueDate: a.nextDueDate ?? null,
      nextDueAmount: a.nextDueAmount ? money(BigInt(a.nextDueAmount.minor), a.nextDueAmount.currency) : null,
    };
  }

  @FieldResolver(() => [Payment], { description: 'Newest first.' })
  async payments(@Root() loan: LoanPayments, @Ctx() ctx: SubgraphContext) {
    return (await payments.paymentsOf(ctx.db, ctx.caller, loan.id)).map(toPayment);
  }
}

export const references = {
  Payment: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) =>
      toPayment(await payments.getPayment(ctx.db, ctx.caller, ref.id)),
  },
  Loan: { __resolveReference: (ref: LoanPayments) => ref },
};
