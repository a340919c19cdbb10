import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireRole } from '../../../platform/auth';
import type { Frequency, Method } from '../../../platform/finance';
import { loadMany } from '../../../platform/graphql/loaders';
import { money } from '../../../platform/graphql/money';
import { coolingOffDaysOf, roundingOf } from '../../../platform/products';
import { Role } from '../../../platform/roles';
import type { SubgraphContext } from '../../../platform/subgraph';
import { recordRef } from '../../../platform/validation';
import { keyFacts } from '../domain/kfs';
import type { OfferRow } from '../model/offer';
import * as offers from '../service';
import {
  ApplicationOffers,
  CounterOfferInput,
  KeyFactStatement,
  Offer,
  OfferInstalment,
  OfferTermsInput,
} from './types';

export function toOffer(o: OfferRow): Offer {
  const c = o.currency;
  return {
    id: o.id,
    applicationId: o.applicationId,
    version: o.round,
    status: o.status,
    amount: money(o.amountMinor, c),
    annualRateBps: o.annualRateBps,
    tenureMonths: o.tenureMonths,
    processingFee: money(o.processingFeeMinor, c),
    frequency: o.frequency,
    method: o.method,
    moratoriumPeriods: o.moratoriumPeriods,
    validUntil: o.validUntil,
    productCode: o.productCode,
    productVersion: o.productVersion,
    keyFacts: {
      emi: money(o.kfs.emiMinor, c),
      instalments: o.kfs.instalments,
      totalInterest: money(o.kfs.totalInterestMinor, c),
      fees: money(o.kfs.feesMinor, c),
      recurringCharges: money(o.kfs.recurringChargesMinor ?? '0', c),
      totalPayable: money(o.kfs.totalPayableMinor, c),
      netDisbursed: money(o.kfs.netDisbursedMinor, c),
      aprBps: o.kfs.aprBps,
      charges: (o.kfs.charges ?? []).map((ch) => ({
        code: ch.code,
        name: ch.name,
        trigger: ch.trigger,
        description: ch.description,
        amount: ch.amountMinor === null ? null : money(ch.amountMinor, c),
      })),
      coolingOffDays: o.kfs.coolingOffDays ?? coolingOffDaysOf({}),
      terms: {
        amountMinor: BigInt(o.amountMinor),
        annualRateBps: o.annualRateBps,
        tenureMonths: o.tenureMonths,
        processingFeeMinor: BigInt(o.processingFeeMinor),
        repayment: {
          frequency: o.frequency,
          method: o.method,
          moratoriumPeriods: o.moratoriumPeriods,
          rounding: o.kfs.rounding ? roundingOf({ instalmentRounding: o.kfs.rounding }) : undefined,
        },
      },
    },
    counter: o.counter
      ? {
          amount: o.counter.amountMinor ? money(o.counter.amountMinor, c) : null,
          annualRateBps: o.counter.annualRateBps ?? null,
          tenureMonths: o.counter.tenureMonths ?? null,
          comment: o.counter.comment ?? null,
        }
      : null,
    responseReason: o.responseReason,
    sentBy: o.sentBy,
    sentAt: o.sentAt,
    respondedAt: o.respondedAt,
  };
}

const offersOf = (ctx: SubgraphContext) =>
  loadMany(
    ctx,
    'offers',
    (ids) => offers.offersFor(ctx.db, ctx.caller, ids),
    (o) => o.applicationId,
  );

@Resolver(() => Offer)
export class OfferResolver {
  @Query(() => Offer, { description: 'The customer it was made to, or staff.' })
  async offer(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return toOffer(await offers.getOffer(ctx.db, ctx.caller, id));
  }

  @Mutation(() => Offer, {
    description: 'RISK_OFFICER or RISK_MANAGER: a new round (first offer, answer to a counter, or revision).',
  })
  async sendOffer(
    @Arg('applicationId', () => ID) applicationId: string,
    @Arg('terms', () => OfferTermsInput) terms: OfferTermsInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    const officer = requireRole(ctx, ...offers.OFFER_STAFF);
    return toOffer(
      await offers.sendOffer(ctx.db, officer, applicationId, {
        amountMinor: terms.amount,
        annualRateBps: terms.annualRateBps,
        tenureMonths: terms.tenureMonths,
        processingFeeMinor: terms.processingFee,
        validUntil: terms.validUntil,
        productCode: terms.productCode ?? undefined,
        frequency: (terms.frequency ?? undefined) as Frequency | undefined,
        method: (terms.method ?? undefined) as Method | undefined,
        moratoriumPeriods: terms.moratoriumPeriods ?? undefined,
      }),
    );
  }

  @Mutation(() => Offer, { description: 'The customer accepts the open offer, before it expires.' })
  async acceptOffer(
    @Arg('offerId', () => ID, { nullable: true }) offerId: string | null,
    @Arg('applicationId', () => ID, {
      nullable: true,
      description: 'Instead of offerId: the latest offer of this application.',
    })
    applicationId: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    const ref = recordRef('offerId', offerId, applicationId);
    return toOffer(await offers.acceptOffer(ctx.db, requireRole(ctx, Role.CUSTOMER), ref));
  }

  @Mutation(() => Offer, { description: 'The customer declines; this closes the application.' })
  async declineOffer(
    @Arg('offerId', () => ID, { nullable: true }) offerId: string | null,
    @Arg('applicationId', () => ID, {
      nullable: true,
      description: 'Instead of offerId: the latest offer of this application.',
    })
    applicationId: string | null,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    const ref = recordRef('offerId', offerId, applicationId);
    return toOffer(await offers.declineOffer(ctx.db, requireRole(ctx, Role.CUSTOMER), ref, reason));
  }

  @Mutation(() => Offer, { description: 'The customer asks for a different amount, rate or tenure.' })
  async counterOffer(
    @Arg('offerId', () => ID) offerId: string,
    @Arg('counter', () => CounterOfferInput) counter: CounterOfferInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return toOffer(
      await offers.counterOffer(ctx.db, requireRole(ctx, Role.CUSTOMER), offerId, {
        amountMinor: counter.amount ?? undefined,
        annualRateBps: counter.annualRateBps ?? undefined,
        tenureMonths: counter.tenureMonths ?? undefined,
        comment: counter.comment ?? undefined,
      }),
    );
  }

  @FieldResolver(() => ApplicationOffers)
  application(@Root() offer: Offer): ApplicationOffers {
    return { id: offer.applicationId };
  }
}

@Resolver(() => KeyFactStatement)
export class KeyFactStatementResolver {
  @FieldResolver(() => [OfferInstalment], { description: 'The repayment schedule these terms imply.' })
  schedule(@Root() kfs: KeyFactStatement): OfferInstalment[] {
    return keyFacts(kfs.terms).schedule.map((i) => ({
      n: i.n,
      opening: money(i.openingMinor),
      interest: money(i.interestMinor),
      principal: money(i.principalMinor),
      total: money(i.totalMinor),
      closing: money(i.closingMinor),
    }));
  }
}

@Resolver(() => ApplicationOffers)
export class ApplicationOffersResolver {
  @FieldResolver(() => [Offer], { description: 'Every round, newest first.' })
  async offers(@Root() app: ApplicationOffers, @Ctx() ctx: SubgraphContext) {
    return (await offersOf(ctx).load(app.id)).map(toOffer);
  }

  @FieldResolver(() => Offer, { nullable: true, description: 'The latest round, whatever its status.' })
  async currentOffer(@Root() app: ApplicationOffers, @Ctx() ctx: SubgraphContext) {
    const [latest] = await offersOf(ctx).load(app.id);
    return latest ? toOffer(latest) : null;
  }
}

export const references = {
  Offer: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) =>
      toOffer(await offers.getOffer(ctx.db, ctx.caller, ref.id)),
  },
  Application: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
};
