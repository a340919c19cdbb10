import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireCaller, requireRole } from '../../../platform/auth';
import { Role } from '../../../platform/roles';
import { signedPath } from '../../../platform/signed-url';
import type { SubgraphContext } from '../../../platform/subgraph';
import { recordRef } from '../../../platform/validation';
import { OTP_MAX_ATTEMPTS } from '../domain/esign';
import { agreementPath } from '../http';
import type { AgreementRow } from '../model/agreement';
import * as agreements from '../service';
import { Agreement, AgreementFile, AgreementIntegrity, ApplicationAgreement, EsignStarted } from './types';

export const toAgreement = (a: AgreementRow): Agreement => ({
  id: a.id,
  applicationId: a.applicationId,
  number: a.number,
  status: a.status,
  sha256: a.sha256,
  fileVersion: a.fileVersion,
  signMethod: a.signMethod,
  signedAt: a.signedAt,
  otpAttemptsLeft: Math.max(0, OTP_MAX_ATTEMPTS - a.otpAttempts),
  createdAt: a.createdAt,
  downloadUrl: a.fileVersion > 0 ? signedPath(agreementPath(a.id, a.fileVersion)) : null,
});

const agreementRef = (agreementId: string | null, applicationId: string | null) =>
  recordRef('agreementId', agreementId, applicationId);

@Resolver(() => Agreement)
export class AgreementResolver {
  @Query(() => Agreement, { description: 'The borrower or staff.' })
  async agreement(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return toAgreement(await agreements.getAgreement(ctx.db, ctx.caller, id));
  }

  @Query(() => AgreementIntegrity, { description: 'The borrower or staff: re-hash every stored file.' })
  async verifyAgreement(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    const r = await agreements.verifyAgreement(ctx.db, requireCaller(ctx), id);
    return {
      agreementId: id,
      intact: r.intact,
      files: r.files.map((f) => ({
        version: f.fileVersion,
        kind: f.kind,
        recordedSha256: f.recorded,
        actualSha256: f.actual,
        intact: f.intact,
      })),
    };
  }

  @Mutation(() => Agreement, {
    description:
      'CREDIT_HEAD, ADMIN or the borrower: the sanctioned application’s agreement, generated now if still waiting (idempotent).',
  })
  async generateAgreement(
    @Arg('applicationId', () => ID) applicationId: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    return toAgreement(await agreements.generateAgreement(ctx.db, requireCaller(ctx), applicationId));
  }

  @Mutation(() => EsignStarted, {
    description: 'The borrower: send a 6-digit code to the registered mobile.',
  })
  async startEsign(
    @Arg('agreementId', () => ID, { nullable: true }) agreementId: string | null,
    @Arg('applicationId', () => ID, {
      nullable: true,
      description: 'Instead of agreementId: the agreement of this application.',
    })
    applicationId: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    const ref = agreementRef(agreementId, applicationId);
    const r = await agreements.startEsign(ctx.db, requireRole(ctx, Role.CUSTOMER), ref);
    return { agreement: toAgreement(r.agreement), sentTo: r.sentTo };
  }

  @Mutation(() => Agreement, { description: 'The borrower signs with the code (5 minutes, 5 tries in all).' })
  async confirmEsign(
    @Arg('agreementId', () => ID, { nullable: true }) agreementId: string | null,
    @Arg('applicationId', () => ID, {
      nullable: true,
      description: 'Instead of agreementId: the agreement of this application.',
    })
    applicationId: string | null,
    @Arg('otp', () => String) otp: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    const customer = requireRole(ctx, Role.CUSTOMER);
    return toAgreement(
      await agreements.confirmEsign(ctx.db, customer, agreementRef(agreementId, applicationId), otp, ctx.ip),
    );
  }

  @Mutation(() => Agreement, {
    description: 'The borrower offers a signed copy uploaded as a SIGNED_AGREEMENT document.',
  })
  async uploadSignedAgreement(
    @Arg('agreementId', () => ID, { nullable: true }) agreementId: string | null,
    @Arg('applicationId', () => ID, {
      nullable: true,
      description: 'Instead of agreementId: the agreement of this application.',
    })
    applicationId: string | null,
    @Arg('documentId', () => ID) documentId: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    const customer = requireRole(ctx, Role.CUSTOMER);
    return toAgreement(
      await agreements.uploadSignedAgreement(
        ctx.db,
        customer,
        agreementRef(agreementId, applicationId),
        documentId,
      ),
    );
  }

  @Mutation(() => Agreement, { description: 'Loan operations accept or send back an uploaded signed copy.' })
  async verifySignedAgreement(
    @Arg('agreementId', () => ID, { nullable: true }) agreementId: string | null,
    @Arg('applicationId', () => ID, {
      nullable: true,
      description: 'Instead of agreementId: the agreement of this application.',
    })
    applicationId: string | null,
    @Arg('accept', () => Boolean) accept: boolean,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    const staff = requireRole(ctx, ...agreements.SIGNATURE_VERIFIERS);
    return toAgreement(
      await agreements.verifySignedUpload(
        ctx.db,
        staff,
        agreementRef(agreementId, applicationId),
        accept,
        reason,
      ),
    );
  }

  @FieldResolver(() => [AgreementFile], { description: 'Every stored version, oldest first.' })
  async files(@Root() a: Agreement, @Ctx() ctx: SubgraphContext): Promise<AgreementFile[]> {
    const rows = await agreements.filesOf(ctx.db, a.id);
    return rows.map((r) => ({
      version: r.fileVersion,
      kind: r.kind,
      sha256: r.sha256,
      storedAt: r.storedAt,
    }));
  }

  @FieldResolver(() => ApplicationAgreement)
  application(@Root() a: Agreement): ApplicationAgreement {
    return { id: a.applicationId };
  }
}

@Resolver(() => ApplicationAgreement)
export class ApplicationAgreementResolver {
  @FieldResolver(() => Agreement, { nullable: true, description: 'Generated once the loan is sanctioned.' })
  async agreement(@Root() app: ApplicationAgreement, @Ctx() ctx: SubgraphContext) {
    const a = await agreements.agreementFor(ctx.db, ctx.caller, app.id);
    return a ? toAgreement(a) : null;
  }
}

export const references = {
  Agreement: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) =>
      toAgreement(await agreements.getAgreement(ctx.db, ctx.caller, ref.id)),
  },
  Application: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
};
