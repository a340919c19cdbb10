import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireCaller, requireRole, requireStaff } from '../../../platform/auth';
import { MinorUnits, money } from '../../../platform/graphql/money';
import { PageInput } from '../../../platform/graphql/page';
import { signedPath } from '../../../platform/signed-url';
import type { SubgraphContext } from '../../../platform/subgraph';
import { portfolioRatios } from '../domain/delinquency';
import { noDuesPath } from '../http';
import * as loans from '../loan-service';
import type { LoanRow } from '../model/loan';
import { bringUpToDate } from '../servicing';
import {
  ApplicationAgreement,
  DatedCharge,
  ForeclosureQuote,
  Loan,
  LoanAccount,
  LoanClassChange,
  LoanConnection,
  LoanFilter,
  LoanInstalment,
  LoanStatusCount,
  LoansDashboard,
  NoDuesCertificate,
  PortfolioLine,
  PrepaymentPreview,
  TrialBalanceLine,
} from './types';

const toDated = (d: loans.DatedCharge, currency: string): DatedCharge => ({
  id: d.id,
  loanId: d.loanId,
  code: d.code,
  date: d.dueDate,
  reason: d.reason,
  levied: d.leviedMinor === null ? null : money(d.leviedMinor, currency),
  leviedOn: d.leviedOn,
});

const toLoan = (l: LoanRow): Loan => ({
  id: l.id,
  assetClass: l.assetClass,
  assetClassSince: l.classSince,
  npaSince: l.npaSince,
  lossIdentifiedOn: l.lossIdentifiedOn,
  applicationId: l.applicationId,
  accountNumber: l.accountNumber,
  status: l.status,
  closureReason: l.closureReason,
  principal: money(l.principalMinor, l.currency),
  annualRateBps: l.annualRateBps,
  instalments: l.instalments,
  frequency: l.frequency,
  method: l.method,
  disbursedOn: l.disbursedOn,
  activatedAt: l.activatedAt,
  fundedAt: l.fundedAt,
  lenderCode: l.lenderCode,
  closedAt: l.closedAt,
});

@Resolver(() => Loan)
export class LoanResolver {
  @Query(() => Loan, { description: 'The borrower or staff.' })
  async loan(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return toLoan(await loans.getLoan(ctx.db, ctx.caller, id));
  }

  @Mutation(() => Loan, {
    description:
      'CREDIT_HEAD or ADMIN: write off a non-performing loan (over 90 days past due), with the reason.',
  })
  async writeOffLoan(
    @Arg('loanId', () => ID) loanId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    const staff = requireRole(ctx, ...loans.WRITE_OFF_ROLES);
    await bringUpToDate(ctx.db, loanId);
    return toLoan(await loans.writeOffLoan(ctx.db, staff, loanId, reason));
  }

  @Mutation(() => Loan, {
    description:
      'CREDIT_HEAD or ADMIN: record that the loss on a non-performing loan has been identified (by the lender, its auditors or an RBI inspection) but not written off — a loss asset, provided for in full from the next close — with the reason.',
  })
  async identifyLoss(
    @Arg('loanId', () => ID) loanId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    const staff = requireRole(ctx, ...loans.WRITE_OFF_ROLES);
    await bringUpToDate(ctx.db, loanId);
    return toLoan(await loans.identifyLoss(ctx.db, staff, loanId, reason));
  }

  @Mutation(() => Loan, {
    description:
      'MANAGER, CREDIT_HEAD or ADMIN: waive up to the charges the loan owes (never interest or principal), with the reason; the GST on them is reversed in the same share.',
  })
  async waiveCharges(
    @Arg('loanId', () => ID) loanId: string,
    @Arg('amount', () => MinorUnits) amount: bigint,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    const staff = requireRole(ctx, ...loans.WAIVER_ROLES);
    await bringUpToDate(ctx.db, loanId);
    return toLoan(await loans.waiveCharges(ctx.db, staff, loanId, { amountMinor: amount, reason }));
  }

  @Mutation(() => DatedCharge, {
    description:
      'MANAGER, CREDIT_HEAD or ADMIN: set one of the loan product’s ON_DATE charges (a charge its KFS disclosed) for a date from the disbursement to the last instalment (today by default), with the reason; a date that has come is levied at once, a later one on that date.',
  })
  async setDatedCharge(
    @Arg('loanId', () => ID) loanId: string,
    @Arg('code', () => String) code: string,
    @Arg('reason', () => String) reason: string,
    @Arg('date', () => String, { nullable: true }) date: string | undefined,
    @Ctx() ctx: SubgraphContext,
  ): Promise<DatedCharge> {
    const staff = requireRole(ctx, ...loans.WAIVER_ROLES);
    await bringUpToDate(ctx.db, loanId);
    const r = await loans.setDatedCharge(ctx.db, staff, loanId, { code, reason, date: date ?? undefined });
    return toDated(r.charge, r.loan.currency);
  }

  @Query(() => [DatedCharge], { description: 'The borrower or staff: the charges set on a loan for a date.' })
  async datedCharges(
    @Arg('loanId', () => ID) loanId: string,
    @Ctx() ctx: SubgraphContext,
  ): Promise<DatedCharge[]> {
    const { loan, charges } = await loans.datedCharges(ctx.db, ctx.caller, loanId);
    return charges.map((d) => toDated(d, loan.currency));
  }

  @Query(() => ForeclosureQuote, {
    description: `The borrower or staff: the payoff amount for a date up to ${loans.QUOTE_HORIZON_DAYS} days ahead (today by default).`,
  })
  async foreclosureQuote(
    @Arg('loanId', () => ID) loanId: string,
    @Arg('date', () => String, { nullable: true }) date: string | undefined,
    @Ctx() ctx: SubgraphContext,
  ): Promise<ForeclosureQuote> {
    const { loan, quote: q } = await loans.foreclosureQuote(ctx.db, ctx.caller, loanId, date ?? undefined);
    const m = (v: bigint) => money(v, loan.currency);
    return {
      loanId: loan.id,
      asOf: q.asOf,
      principal: m(q.principalMinor),
      interestDue: m(q.interestDueMinor),
      brokenPeriodInterest: m(q.brokenPeriodInterestMinor),
      penalties: m(q.penaltyMinor),
      fees: m(q.feesMinor),
      foreclosureCharge: m(q.chargeMinor),
      foreclosureChargeGst: m(q.chargeGstMinor),
      total: m(q.totalMinor),
    };
  }

  @Query(() => PrepaymentPreview, {
    description: `The borrower or staff: what a part-prepayment of \`amount\` received on a date up to ${loans.QUOTE_HORIZON_DAYS} days ahead (today by default) would do — a lower EMI (REDUCE_EMI) or a shorter tenure (REDUCE_TENURE) — before the borrower pays.`,
  })
  async prepaymentPreview(
    @Arg('loanId', () => ID) loanId: string,
    @Arg('amount', () => MinorUnits) amount: bigint,
    @Arg('option', () => String, { description: 'REDUCE_EMI or REDUCE_TENURE' }) option: string,
    @Arg('date', () => String, { nullable: true }) date: string | undefined,
    @Ctx() ctx: SubgraphContext,
  ): Promise<PrepaymentPreview> {
    const { loan, plan: p } = await loans.prepaymentPreview(ctx.db, ctx.caller, loanId, {
      amountMinor: amount,
      option,
      date: date ?? undefined,
    });
    const m = (v: bigint) => money(v, loan.currency);
    return {
      loanId: loan.id,
      asOf: p.asOf,
      option: p.option,
      dueSettled: m(p.dueSettledMinor),
      accruedInterest: m(p.accruedInterestMinor),
      prepaid: m(p.prepaidMinor),
      prepaymentCharge: m(p.chargeMinor),
      principalBefore: m(p.principalBeforeMinor),
      principalAfter: m(p.principalAfterMinor),
      instalmentBefore: m(p.levelBeforeMinor),
      instalmentAfter: m(p.levelAfterMinor),
      instalmentsBefore: p.instalmentsBefore,
      instalmentsAfter: p.instalmentsAfter,
      interestBefore: m(p.interestBeforeMinor),
      interestAfter: m(p.interestAfterMinor),
      interestSaved: m(p.interestSavedMinor),
      schedule: p.schedule.map((r) => ({
        n: r.n,
        dueDate: r.dueDate,
        opening: m(r.openingMinor),
        principal: m(r.principalMinor),
        interest: m(r.interestMinor),
        total: m(r.totalMinor),
        closing: m(r.closingMinor),
        status: 'DUE',
      })),
    };
  }

  @Query(() => LoanConnection, { description: 'Staff: loans, newest first.' })
  async loans(
    @Arg('filter', () => LoanFilter, { nullable: true }) filter: LoanFilter | undefined,
    @Arg('page', () => PageInput, { nullable: true }) page: PageInput | undefined,
    @Ctx() ctx: SubgraphContext,
  ) {
    requireStaff(ctx);
    const p = await loans.listLoans(ctx.db, filter ?? {}, page ?? { first: 20 });
    return { ...p, nodes: p.nodes.map(toLoan) };
  }

  @Mutation(() => Loan, {
    description:
      'The borrower, MANAGER or ADMIN: confirm the closure of a loan with nothing owed (a closed loan is returned as it is); otherwise says what is still owed.',
  })
  async closeLoan(@Arg('loanId', () => ID) loanId: string, @Ctx() ctx: SubgraphContext) {
    return toLoan(await loans.closeLoan(ctx.db, requireCaller(ctx), loanId));
  }

  @Mutation(() => Loan, {
    description:
      'SYSTEM or ADMIN: open the loan account of a signed agreement and send it to the lender waterfall (idempotent); it is ACTIVE once a lender funds it.',
  })
  async activateLoan(@Arg('applicationId', () => ID) applicationId: string, @Ctx() ctx: SubgraphContext) {
    const caller = requireRole(ctx, ...loans.LOAN_ACTIVATORS);
    return toLoan(await loans.activateLoan(ctx.db, caller, applicationId));
  }

  @FieldResolver(() => [LoanInstalment])
  async schedule(@Root() loan: Loan, @Ctx() ctx: SubgraphContext): Promise<LoanInstalment[]> {
    const c = loan.principal.currency;
    return (await loans.scheduleOf(ctx.db, loan.id)).map((r) => ({
      n: r.n,
      dueDate: r.dueDate,
      opening: money(r.openingMinor, c),
      principal: money(r.principalMinor, c),
      interest: money(r.interestMinor, c),
      total: money(r.totalMinor, c),
      closing: money(r.closingMinor, c),
      status: r.status,
    }));
  }

  @FieldResolver(() => [LoanClassChange], { description: 'Every change of asset class, oldest first.' })
  classHistory(@Root() loan: Loan, @Ctx() ctx: SubgraphContext): Promise<LoanClassChange[]> {
    return loans.classHistoryOf(ctx.db, loan.id);
  }

  @FieldResolver(() => NoDuesCertificate, { nullable: true })
  async noDuesCertificate(
    @Root() loan: Loan,
    @Ctx() ctx: SubgraphContext,
  ): Promise<NoDuesCertificate | null> {
    const c = await loans.noDuesOf(ctx.db, loan.id);
    return c
      ? { sha256: c.sha256, issuedAt: c.issuedAt, downloadUrl: signedPath(noDuesPath(loan.id)) }
      : null;
  }

  @FieldResolver(() => LoanAccount)
  async account(@Root() loan: Loan, @Ctx() ctx: SubgraphContext): Promise<LoanAccount> {
    // The loan was already checked against the caller when it was resolved.
    const a = await loans.accountOf(ctx.db, loan.id);
    const c = loan.principal.currency;
    return {
      principalOutstanding: money(a.principalMinor, c),
      interestDue: money(a.interestMinor, c),
      feesDue: money(a.feesMinor, c),
      penaltiesDue: money(a.penaltyMinor, c),
      creditHeld: money(a.creditMinor, c),
      nextDueDate: a.nextDueDate,
      nextDueAmount: a.nextDueMinor !== null ? money(a.nextDueMinor, c) : null,
      daysPastDue: a.daysPastDue,
      bucket: a.bucket,
    };
  }
}

@Resolver(() => ApplicationAgreement)
export class ApplicationLoanResolver {
  @FieldResolver(() => Loan, { nullable: true, description: 'Opened once the agreement is signed.' })
  async loan(@Root() app: ApplicationAgreement, @Ctx() ctx: SubgraphContext) {
    const l = await loans.loanFor(ctx.db, ctx.caller, app.id);
    return l ? toLoan(l) : null;
  }
}

@Resolver(() => LoansDashboard)
export class LoansDashboardResolver {
  @FieldResolver(() => [LoanStatusCount], { description: 'Every loan, counted by status.' })
  async loansByStatus(@Ctx() ctx: SubgraphContext) {
    requireStaff(ctx);
    return (await loans.portfolio(ctx.db)).byStatus;
  }

  @FieldResolver(() => [TrialBalanceLine], {
    description:
      'The loan book’s trial balance: debits and credits per account for each lender, product and currency (each group’s debits equal its credits).',
  })
  async trialBalance(@Ctx() ctx: SubgraphContext): Promise<TrialBalanceLine[]> {
    requireStaff(ctx);
    return (await loans.trialBalance(ctx.db)).map((l) => ({
      lender: l.lender,
      product: l.product,
      account: l.account,
      glCode: l.gl.code,
      glName: l.gl.name,
      glType: l.gl.type,
      debit: money(l.debitMinor, l.currency),
      credit: money(l.creditMinor, l.currency),
    }));
  }

  @FieldResolver(() => [PortfolioLine], {
    description:
      'Active loans per currency: principal outstanding in all and by delinquency bucket, PAR30/PAR90, gross NPA and the provision coverage.',
  })
  async portfolio(@Ctx() ctx: SubgraphContext): Promise<PortfolioLine[]> {
    requireStaff(ctx);
    return (await loans.portfolio(ctx.db)).lines.map((l) => ({
      ...portfolioRatios(l),
      par30: money(l.par30Minor, l.currency),
      par90: money(l.par90Minor, l.currency),
      npaOutstanding: money(l.npaMinor, l.currency),
      provisions: money(l.provisionsMinor, l.currency),
      currency: l.currency,
      loans: l.loans,
      principalOutstanding: money(l.outstandingMinor, l.currency),
      buckets: l.buckets.map((b) => ({
        bucket: b.bucket,
        loans: b.loans,
        principalOutstanding: money(b.outstandingMinor, l.currency),
      })),
    }));
  }
}

export const loanReferences = {
  Dashboard: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
  Loan: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) =>
      toLoan(await loans.getLoan(ctx.db, ctx.caller, ref.id)),
  },
};
