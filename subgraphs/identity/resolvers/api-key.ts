import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { requireRole } from '../../../platform/auth';
import { isUuid, notFound } from '../../../platform/errors';
import { PageInfo, PageInput } from '../../../platform/graphql/page';
import { Role } from '../../../platform/roles';
import type { SubgraphContext } from '../../../platform/subgraph';
import * as keys from '../api-keys';
import type { ApiKeyRow } from '../model/api-key';

@ObjectType({
  description: 'A partner API key (sent as X-API-Key to /api/v1). The key itself is never shown again.',
})
export class ApiKey {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: 'The account the key acts as.' }) userId!: string;
  @Field(() => String) name!: string;
  @Field(() => [Role], { description: 'What the key may do: some or all of the account’s roles.' })
  roles!: Role[];
  @Field(() => String, { description: 'The first characters of the key, to tell keys apart.' })
  prefix!: string;
  @Field(() => ID) createdBy!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'Updated at most every few seconds.' })
  lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType()
export class IssuedApiKey {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field(() => String, { description: 'The key: shown this once, kept only as a SHA-256 hash.' })
  key!: string;
}

@ObjectType()
export class ApiKeyConnection {
  @Field(() => [ApiKey]) nodes!: ApiKey[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@InputType()
export class ApiKeyInput {
  @Field(() => ID, { description: 'The partner or staff account the key acts as.' }) userId!: string;
  @Field(() => String) name!: string;
  @Field(() => [Role]) roles!: Role[];
  @Field(() => Date, { nullable: true, description: 'Never expires when not given.' }) expiresAt?: Date;
}

@ObjectType({ description: 'Internal: the caller a key stands for, read by the gateway.' })
export class ApiKeyCaller {
  @Field(() => ID) apiKeyId!: string;
  @Field(() => ID) userId!: string;
  @Field(() => [Role]) roles!: Role[];
  @Field(() => Date, {
    nullable: true,
    description: 'When the key stops working (a gateway caches no longer).',
  })
  expiresAt!: Date | null;
}

const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  userId: r.userId,
  name: r.name,
  roles: r.roles,
  prefix: r.prefix,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
  lastUsedAt: r.lastUsedAt,
  revokedAt: r.revokedAt,
});

@Resolver()
export class ApiKeyResolver {
  @Mutation(() => IssuedApiKey, { description: 'ADMIN: issues a partner API key for an account.' })
  async createApiKey(@Arg('input', () => ApiKeyInput) input: ApiKeyInput, @Ctx() ctx: SubgraphContext) {
    const admin = requireRole(ctx, Role.ADMIN);
    const issued = await keys.createApiKey(ctx.db, admin.userId, input);
    return { apiKey: toApiKey(issued.row), key: issued.key };
  }

  @Mutation(() => ApiKey, {
    description: 'ADMIN: the key stops working at once (revoking twice is harmless).',
  })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    const admin = requireRole(ctx, Role.ADMIN);
    if (!isUuid(id)) throw notFound('API key');
    return toApiKey(await keys.revokeApiKey(ctx.db, admin.userId, id));
  }

  @Query(() => ApiKeyConnection, { description: 'ADMIN: keys, newest first.' })
  async apiKeys(
    @Arg('userId', () => ID, { nullable: true }) userId: string | undefined,
    @Arg('includeRevoked', () => Boolean, { nullable: true }) includeRevoked: boolean | undefined,
    @Arg('page', () => PageInput, { nullable: true }) page: PageInput | undefined,
    @Ctx() ctx: SubgraphContext,
  ) {
    requireRole(ctx, Role.ADMIN);
    if (userId && !isUuid(userId))
      return { nodes: [], pageInfo: { endCursor: null, hasNextPage: false }, totalCount: 0 };
    const p = await keys.listApiKeys(ctx.db, { userId, includeRevoked }, page ?? { first: 20 });
    return { ...p, nodes: p.nodes.map(toApiKey) };
  }

  @Query(() => ApiKeyCaller, { nullable: true, description: 'SYSTEM (the gateway): who a key acts as.' })
  apiKeyCaller(@Arg('key', () => String) key: string, @Ctx() ctx: SubgraphContext) {
    requireRole(ctx, Role.SYSTEM);
    return keys.callerForApiKey(ctx.db, key);
  }
}
