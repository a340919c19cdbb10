import { Arg, Ctx, Directive, Int, Mutation, Query, Resolver } from 'type-graphql';
import { requireRole, requireStaff } from '../../../platform/auth';
import { Role } from '../../../platform/roles';
import type { SubgraphContext } from '../../../platform/subgraph';
import * as products from '../products';
import { LoanProductVersion } from './types';

/** Who publishes a product version: the credit head (the lender's credit policy), or an administrator. */
export const PRODUCT_PUBLISHERS = [Role.CREDIT_HEAD, Role.ADMIN];

const toVersion = (v: products.ProductVersion): LoanProductVersion => ({
  code: v.product.code,
  version: v.version,
  name: v.product.name,
  document: JSON.stringify(v.product),
  publishedAt: v.publishedAt,
});

@Resolver(() => LoanProductVersion)
export class ProductResolver {
  @Query(() => [LoanProductVersion], {
    description: 'Staff: every loan product as in force now (its latest version).',
  })
  // The same for every caller allowed to read it; a new version shows within a minute. Private: it is
  // for signed-in staff, so no shared cache may keep it.
  @Directive('@cacheControl(maxAge: 60, scope: PRIVATE)')
  async loanProducts(@Ctx() ctx: SubgraphContext) {
    requireStaff(ctx);
    return (await products.currentProducts(ctx.db)).map(toVersion);
  }

  @Query(() => LoanProductVersion, {
    description: 'Staff: one version of a product (every version is kept).',
  })
  // A published version never changes.
  @Directive('@cacheControl(maxAge: 86400, scope: PRIVATE)')
  async loanProduct(
    @Arg('code', () => String) code: string,
    @Arg('version', () => Int) version: number,
    @Ctx() ctx: SubgraphContext,
  ) {
    requireStaff(ctx);
    return toVersion(await products.productVersion(ctx.db, code, version));
  }

  @Mutation(() => LoanProductVersion, {
    description:
      'CREDIT_HEAD or ADMIN: publishes a product document (schema/loan-product.json) as the next version of its code. The next offer uses it; offers and loans already made keep theirs.',
  })
  async publishLoanProduct(@Arg('document', () => String) document: string, @Ctx() ctx: SubgraphContext) {
    const staff = requireRole(ctx, ...PRODUCT_PUBLISHERS);
    return toVersion(await products.publishProduct(ctx.db, staff, document));
  }
}
