import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { type GraphQLSchema, parse } from 'graphql';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';
import type { DataSource, MigrationInterface } from 'typeorm';
import { assertionFromGateway, type RequestContext } from './auth';
import { config } from './config';
import { openDatabase } from './db';
import { formatError } from './errors';
import { type EventBus, type EventHandlers, OutboxRelay, type Subscription, startConsumer } from './events';
import { close, handleGraphQL, httpServer, listen, type Route, requestId, sendJson } from './http';
import { logger } from './log';
import type { Worker } from './worker';

/** Federation 2 link; type-graphql prints directives but not the schema extension that imports them. */
/**
 * Apollo's cache hints (its cache-control plugin reads them from the schema): a caller-independent read
 * says how long its answer may be kept, and the answer's Cache-Control says so; anything without a hint
 * stays `no-store`. The gateway takes the strictest policy of the subgraphs an operation touched.
 */
const CACHE_CONTROL_SDL = `
enum CacheControlScope { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
`;

export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides"])';

/** What every resolver of a subgraph gets: the caller and the subgraph's own database. */
export interface SubgraphContext extends RequestContext {
  db: DataSource;
}

export interface FederatedSchemaOptions {
  // biome-ignore lint/complexity/noBannedTypes: type-graphql takes resolver classes as Function.
  resolvers: NonEmptyArray<Function>;
  // biome-ignore lint/complexity/noBannedTypes: as above.
  orphanedTypes?: Function[];
  /** `__resolveReference` per entity type this subgraph can resolve from a key. */
  references?: GraphQLResolverMap<SubgraphContext>;
}

export async function buildFederatedSchema(options: FederatedSchemaOptions): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    validate: false,
  });
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<SubgraphContext>;
  for (const [type, extra] of Object.entries(options.references ?? {})) {
    resolvers[type] = { ...(resolvers[type] as object), ...(extra as object) };
  }
  const sdl = printSchemaWithDirectives(schema);
  // Only where a hint is given: the scope enum is otherwise an unused type in the supergraph.
  const hints = sdl.includes('@cacheControl') ? CACHE_CONTROL_SDL : '';
  const typeDefs = parse(`${FEDERATION_LINK}\n${hints}\n${sdl}`);
  return buildSubgraphSchema([{ typeDefs, resolvers }]);
}

export interface SubgraphDefinition {
  name: string;
  /** PostgreSQL schema owned by this subgraph. */
  dbSchema: string;
  // biome-ignore lint/complexity/noBannedTypes: TypeORM entity classes.
  entities: Function[];
  migrations: (new () => MigrationInterface)[];
  schema: () => Promise<GraphQLSchema>;
  /** Events this subgraph consumes, by type. */
  consumes?: (ds: DataSource) => EventHandlers;
  /** Background work started and stopped with the subgraph (e.g. a job runner). */
  worker?: (ds: DataSource, bus: EventBus) => Pick<Worker, 'start' | 'stop'>;
  /** HTTP endpoints besides GraphQL, under one path prefix (e.g. file uploads): `prefix` and below. */
  http?: (ds: DataSource) => Promise<HttpExtension>;
}

export interface HttpExtension {
  prefix: string;
  handle: Route;
  close?: () => Promise<void>;
}

export interface RunningSubgraph {
  name: string;
  url: string;
  ds: DataSource;
  relay: OutboxRelay;
  /** Stops or restarts parts independently, as a crash would (used by recovery tests). */
  startConsumer(): Promise<void>;
  stopConsumer(): Promise<void>;
  stop(): Promise<void>;
}

export interface RunOptions {
  bus: EventBus;
  port?: number;
  host?: string;
  databaseUrl?: string;
  relay?: boolean;
  consumer?: boolean;
}

/** Starts one subgraph: database (migrated), outbox relay, event consumer and its HTTP endpoint. */
export async function runSubgraph(def: SubgraphDefinition, options: RunOptions): Promise<RunningSubgraph> {
  const log = logger(def.name);
  const c = config();
  const ds = await openDatabase({
    schema: def.dbSchema,
    entities: def.entities,
    migrations: def.migrations,
    url: options.databaseUrl,
  });
  const relay = new OutboxRelay(ds, options.bus, c.OUTBOX_POLL_MS);
  if (options.relay !== false) relay.start();
  const worker = def.worker?.(ds, options.bus);
  worker?.start();

  let subscription: Subscription | undefined;
  const startConsuming = async () => {
    if (!def.consumes || subscription) return;
    subscription = await startConsumer({
      name: def.name,
      ds,
      bus: options.bus,
      handlers: def.consumes(ds),
      maxAttempts: c.CONSUMER_MAX_ATTEMPTS,
      backoffMs: c.CONSUMER_BACKOFF_MS,
    });
  };
  const stopConsuming = async () => {
    await subscription?.stop();
    subscription = undefined;
  };
  if (options.consumer !== false) await startConsuming();

  const apollo = new ApolloServer<SubgraphContext>({
    schema: await def.schema(),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    formatError,
    includeStacktraceInErrorResponses: false,
    // The process that runs this server decides how it stops (all parts in order), not one handler per server.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const extension = def.http ? await def.http(ds) : undefined;
  const server: Server = httpServer(
    {
      ...(extension ? { [`${extension.prefix}/*`]: extension.handle } : {}),
      '/graphql': async (req, res) => {
        const { caller, ip, requestId: rid } = await assertionFromGateway(req.headers, def.name);
        await handleGraphQL(apollo, req, res, async () => ({
          caller,
          db: ds,
          requestId: rid || requestId(req),
          ip,
        }));
      },
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: def.name }),
      '/ready': async (_req, res) => {
        const ok = await ds.query('SELECT 1').then(
          () => true,
          () => false,
        );
        sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable', service: def.name });
      },
    },
    def.name,
  );
  const host = options.host ?? c.HOST;
  const port = await listen(server, options.port ?? 0, host);
  const url = `http://${host}:${port}/graphql`;
  log.info({ url }, 'subgraph listening');

  return {
    name: def.name,
    url,
    ds,
    relay,
    startConsumer: startConsuming,
    stopConsumer: stopConsuming,
    async stop() {
      await close(server);
      await apollo.stop();
      await extension?.close?.();
      await stopConsuming();
      await worker?.stop();
      await relay.stop();
      await ds.destroy();
    },
  };
}
