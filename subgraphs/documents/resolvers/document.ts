import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireCaller, requireRole } from '../../../platform/auth';
import { signedPath } from '../../../platform/signed-url';
import type { SubgraphContext } from '../../../platform/subgraph';
import { DocumentType } from '../domain/checklist';
import * as documents from '../service';
import { ApplicationDocuments, Document, toDocument } from './types';

type DocumentView = ReturnType<typeof toDocument>;

@Resolver(() => Document)
export class DocumentResolver {
  @Query(() => Document, { description: 'The owner or staff; anyone else gets NOT_FOUND.' })
  async document(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return toDocument(await documents.getDocument(ctx.db, ctx.caller, id));
  }

  @Mutation(() => Document, {
    description:
      'The applicant or KYC staff delete a document awaiting review (not payment proofs or signed agreements); it is kept, marked DELETED.',
  })
  async deleteDocument(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return toDocument(await documents.deleteDocument(ctx.db, requireCaller(ctx), id));
  }

  @Mutation(() => Document, { description: 'KYC staff accept a document.' })
  async validateDocument(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return toDocument(await documents.validateDocument(ctx.db, requireRole(ctx, ...documents.REVIEWERS), id));
  }

  @Mutation(() => Document, { description: 'KYC staff reject a document, saying why.' })
  async rejectDocument(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    return toDocument(
      await documents.rejectDocument(ctx.db, requireRole(ctx, ...documents.REVIEWERS), id, reason),
    );
  }

  @FieldResolver(() => ApplicationDocuments)
  application(@Root() doc: DocumentView): ApplicationDocuments {
    return { id: doc.applicationId };
  }

  @FieldResolver(() => String, {
    description:
      'A link (path on the gateway) that downloads the file without a token until it expires (5 min).',
  })
  downloadUrl(@Root() doc: DocumentView): string {
    return signedPath(`/documents/${doc.id}/content`);
  }
}

@Resolver(() => ApplicationDocuments)
export class ApplicationDocumentsResolver {
  @FieldResolver(() => [Document], {
    description:
      'Every version, newest first within a type; with latestOnly, the newest not deleted of each type.',
  })
  async documents(
    @Root() app: ApplicationDocuments,
    @Arg('latestOnly', () => Boolean, { defaultValue: false }) latestOnly: boolean,
    @Ctx() ctx: SubgraphContext,
  ) {
    const rows = await documents.documentsFor(ctx.db, ctx.caller, app.id);
    const seen = new Set<string>();
    return rows
      .filter((r) => !latestOnly || (r.status !== 'DELETED' && !seen.has(r.type) && seen.add(r.type)))
      .map(toDocument);
  }

  @FieldResolver(() => [DocumentType], {
    description: 'Required for the facility type and not yet uploaded (or rejected).',
  })
  missingDocuments(@Root() app: ApplicationDocuments, @Ctx() ctx: SubgraphContext) {
    return documents.missingFor(ctx.db, ctx.caller, app.id);
  }
}

export const references = {
  Document: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) =>
      toDocument(await documents.getDocument(ctx.db, ctx.caller, ref.id)),
  },
  Application: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
};
