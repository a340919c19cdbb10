import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { join } from 'node:path';
import {
  ApolloGateway,
  type GraphQLDataSourceProcessOptions,
  RemoteGraphQLDataSource,
} from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { type Caller, IDENTITY_HEADERS, isStaff, signGatewayAssertion } from '../platform/auth';
import { config, signsWithDevKey } from '../platform/config';
import { AppError, formatError, notFound } from '../platform/errors';
import { createBus, type EventBus } from '../platform/events';
import {
  close,
  handleGraphQL,
  httpServer,
  listen,
  type Route,
  requestId,
  sendJson,
  sendPage,
} from '../platform/http';
import { logger } from '../platform/log';
import { registry } from '../platform/metrics';
import { SCHEMA_DIR } from '../platform/schema-files';
import { API_KEY_HEADER, ApiKeyCallers } from './api-keys';
import { budgetKey, callerBudget } from './budget';
import { GRAPHIQL_DOCUMENTS, graphiqlAsset, graphiqlPage } from './graphiql';
import {
  checkOperation,
  checkSource,
  type DocumentLimits,
  limitRules,
  limitsFrom,
  withoutSuggestions,
} from './limits';
import { postToSubgraph, proxyToSubgraph } from './proxy';
import { BASE as REST_BASE, restApi } from './rest';
import { RestStore } from './rest/store';
import { Sessions } from './sessions';
import { type GatewayExecutor, Realtime } from './subscriptions';
import { TrustedDocuments } from './trusted';

/** The page at `/`: what this address serves, for a person who opened it in a browser. */
const HOME_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LoanFlow</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style></head>
<body><h1>LoanFlow</h1><p>The lending lifecycle as one GraphQL graph.</p><ul>
<li><a href="/graphql">GraphiQL</a> — sign in with the bar at the top; officers' operations open as tabs</li>
<li><a href="${REST_BASE}/docs">REST API reference</a> (<a href="${REST_BASE}/openapi.json">OpenAPI document</a>)</li>
<li><a href="/health">Health</a> and <a href="/ready">readiness</a> of every service</li></ul></body></html>`;

const log = logger('gateway');
const VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

export interface GatewayContext {
  caller: Caller | null;
  requestId: string;
  ip?: string;
}

/** Forwards the verified caller to a subgraph as an assertion signed for that subgraph alone. */
class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: string,
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
  ) {
    super(config);
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const headers = request.http?.headers;
    if (!headers) return;
    const requestId = context?.requestId ?? randomUUID();
    headers.set(IDENTITY_HEADERS.requestId, requestId);
    headers.set(
      IDENTITY_HEADERS.assertion,
      await signGatewayAssertion(
        { caller: context?.caller ?? null, requestId, ip: context?.ip },
        this.subgraph,
      ),
    );
  }

  /**
   * A subgraph answers a request it refuses as a whole (e.g. a variable its scalar rejects) with HTTP 400
   * and a typed error; pass that error on instead of the gateway's generic "400: Bad Request".
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]) {
    if (response.status === 400 || response.status === 401) {
      const body = (await response
        .clone()
        .json()
        .catch(() => undefined)) as
        | { errors?: { message?: string; extensions?: { code?: string } }[] }
        | undefined;
      const first = body?.errors?.[0];
      if (first?.message && first.extensions?.code) {
        return new GraphQLError(first.message, { extensions: { code: first.extensions.code } });
      }
    }
    return super.errorFromResponse(response);
  }
}

/**
 * The limits that depend on the caller and the variables (cost, introspection), checked once the operation
 * is known and before the query planner sees it. The same checks run for the WebSocket (subscriptions.ts).
 */
function operationLimits(limits: DocumentLimits): ApolloServerPlugin<GatewayContext> {
  let schema: GraphQLSchema | undefined;
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate: ({ apiSchema }) => {
          schema = apiSchema;
        },
      };
    },
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ request, document }) {
          if (!schema) return;
          checkOperation(limits, {
            schema,
            document,
            operationName: request.operationName,
            variables: request.variables,
            caller: contextValue.caller,
          });
        },
      };
    },
  };
}

/** Validation messages suggest field names ("Did you mean …?"): only to callers who may introspect. */
const suggestionsForStaff: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart({ contextValue }) {
    if (isStaff(contextValue.caller)) return {};
    return {
      async willSendResponse({ response }) {
        const r = response.body.kind === 'single' ? response.body.singleResult : undefined;
        if (!r?.errors) return;
        (r as { errors: GraphQLFormattedError[] }).errors = r.errors.map((e) => ({
          ...e,
          message: withoutSuggestions(e.message),
        }));
      },
    };
  },
};

/**
 * The gateway's own variable check fails a request before execution with status 500; the caller's bad
 * input is a 400, as for any other request refused before it ran.
 */
const badVariablesAre400: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const r = response.body.kind === 'single' ? response.body.singleResult : undefined;
        if (
          r?.data === undefined &&
          r?.errors?.length &&
          r.errors.every((e) => e.extensions?.code === 'BAD_USER_INPUT')
        ) {
          response.http.status = 400;
        }
      },
    };
  },
};

export interface GatewayOptions {
  port?: number;
  host?: string;
  /** Subgraph URL per name; otherwise SUBGRAPH_URL_<NAME>, otherwise the supergraph's routing URL. */
  subgraphUrls?: Record<string, string>;
  supergraphSdl?: string;
  /** Where subscription events come from; by default the configured bus (Kafka, or in-process). */
  bus?: EventBus;
  /** REST requests a caller may make a minute (REST_RATE_LIMIT_PER_MINUTE by default). */
  restRatePerMinute?: number;
  /** Trusted documents (TRUSTED_DOCUMENTS and TRUSTED_DOCUMENTS_FILE by default). */
  trustedDocuments?: { enabled: boolean; manifestFile?: string };
}

export interface RunningGateway {
  url: string;
  server: Server;
  apollo: ApolloServer<GatewayContext>;
  stop(): Promise<void>;
}

/** Paths the gateway hands to a subgraph's own HTTP routes (files), by subgraph: nothing outside them. */
const FILE_ROUTES = { documents: '/documents', loans: '/loan-files' } as const;

function clientIp(req: IncomingMessage) {
  return req.socket.remoteAddress ?? undefined;
}

export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const c = config();
  // @apollo/gateway otherwise probes cloud metadata addresses at start and reports usage to Apollo: the
  // platform calls no host its operator did not configure (an operator may still turn it on).
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  if (c.NODE_ENV === 'production' && signsWithDevKey(c)) {
    throw new Error('invalid configuration: GATEWAY_SIGNING_KEY must be set in production');
  }
  const supergraphSdl = options.supergraphSdl ?? readFileSync(join(SCHEMA_DIR, 'supergraph.graphql'), 'utf8');
  const urls = new Map<string, string>();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls?.[name] ?? process.env[`SUBGRAPH_URL_${name.toUpperCase()}`] ?? url;
      if (!target) throw new Error(`no URL for subgraph ${name}`);
      urls.set(name, target);
      // Node's fetch (undici) keeps pooled connections to each subgraph; the default make-fetch-happen
      // client measured slower in bench/gateway.ts.
      return new IdentityForwardingDataSource(name, { url: target, fetcher: fetch as unknown as Fetcher });
    },
  });
  /** Whether a subgraph answers its readiness check (within 2 s); undefined for an unknown name. */
  const readiness = async (name: string) => {
    const url = urls.get(name);
    if (!url) return undefined;
    const ok = await fetch(url.replace(/\/graphql$/, '/ready'), { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    return { status: ok ? 'ready' : 'unavailable', service: name };
  };
  /** A subgraph by name, as the file routes call it. */
  const upstream = (subgraph: string) => {
    const target = urls.get(subgraph);
    if (!target) throw notFound('route');
    return { name: subgraph, baseUrl: target };
  };
  /** Proxies a file route to a subgraph's HTTP extension, with the caller's identity if a token came. */
  const fileRoute =
    (subgraph: keyof typeof FILE_ROUTES): Route =>
    async (req, res) => {
      const caller = await sessions.callerOf(req.headers);
      await proxyToSubgraph(
        req,
        res,
        upstream(subgraph),
        FILE_ROUTES[subgraph],
        caller,
        requestId(req),
        clientIp(req),
      );
    };
  const ownBus = options.bus ? undefined : createBus(`${c.KAFKA_CLIENT_ID}-gateway`);
  const limits = limitsFrom(c);
  const trustedMode = options.trustedDocuments ?? {
    enabled: c.TRUSTED_DOCUMENTS === 'true',
    manifestFile: c.TRUSTED_DOCUMENTS_FILE,
  };
  const trusted = new TrustedDocuments(trustedMode.enabled, GRAPHIQL_DOCUMENTS, trustedMode.manifestFile);
  const realtime = new Realtime(options.bus ?? (ownBus as EventBus), limits, trusted);
  const apollo = new ApolloServer<GatewayContext>({
    gateway: realtime.serve(gateway),
    formatError,
    includeStacktraceInErrorResponses: false,
    // The process that runs this server decides how it stops (all parts in order), not one handler per server.
    stopOnTerminationSignals: false,
    // Introspection is decided per caller (staff only) in checkOperation, not for the whole server.
    introspection: true,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: limitRules(limits),
    plugins: [operationLimits(limits), badVariablesAre400, suggestionsForStaff],
  });
  await apollo.start();

  /** Runs an operation through the gateway as a caller: the same plan, auth and limits as /graphql. */
  const execute: GatewayExecutor = async (query, variables, caller, meta) => {
    const r = await apollo.executeOperation(
      { query, variables },
      { contextValue: { caller, requestId: randomUUID(), ip: meta?.ip } },
    );
    return r.body.kind === 'single'
      ? r.body.singleResult
      : { errors: [{ message: 'unexpected incremental result' }] };
  };
  const apiKeys = new ApiKeyCallers(execute, c.API_KEY_CACHE_SECONDS * 1000);
  const sessions = new Sessions(execute, c.SESSION_CHECK_CACHE_SECONDS * 1000);
  const restStore = await RestStore.open();
  const spend = callerBudget(restStore, options.restRatePerMinute ?? c.REST_RATE_LIMIT_PER_MINUTE);
  const rest = restApi({
    store: restStore,
    spend,
    schema: () => realtime.schema(),
    execute,
    caller: async (req) => {
      // A partner's key decides who calls, whatever else the request carries (an Authorization header
      // its HTTP client adds is not a second identity).
      const key = req.headers[API_KEY_HEADER];
      return key === undefined ? sessions.callerOf(req.headers) : apiKeys.callerOf(String(key));
    },
    version: VERSION,
    maxUploadBytes: c.DOCUMENT_MAX_BYTES,
    forward: async (subgraph, path, body, caller) => {
      if (!(subgraph in FILE_ROUTES)) throw notFound('route');
      const prefix = FILE_ROUTES[subgraph as keyof typeof FILE_ROUTES];
      return postToSubgraph(upstream(subgraph), path, prefix, body, caller, randomUUID());
    },
    serve: {
      health: async ({ service }) => {
        const status =
          service === 'gateway'
            ? { status: 'ok', service, version: VERSION }
            : await readiness(String(service));
        if (!status) throw notFound('service');
        return {
          status: status.status === 'unavailable' ? 503 : 200,
          type: 'application/json',
          body: JSON.stringify(status),
        };
      },
      metrics: async () => ({
        status: 200,
        type: 'text/plain; version=0.0.4',
        body: await registry.metrics(),
      }),
    },
  });

  const server = httpServer(
    {
      [`${REST_BASE}/*`]: (req, res) => rest.handle(req, res),
      // Where the seed's API table puts them (for a probe or a scraper); the same routes as under /api/v1.
      '/health/*': (req, res) => rest.handle(req, res),
      '/metrics': (req, res) => rest.handle(req, res),
      '/graphql': async (req, res) => {
        if (req.method === 'GET' && req.headers.accept?.includes('text/html'))
          return sendPage(res, graphiqlPage());
        // Every request spends the caller's budget (the REST one), a refused one too: a bad token is
        // refused with 401 only after it was counted (httpServer answers the error).
        let caller: Caller | null = null;
        let refusal: unknown;
        try {
          caller = await sessions.callerOf(req.headers);
        } catch (err) {
          refusal = err;
        }
        const budget = await spend(budgetKey(caller, clientIp(req)));
        for (const [h, v] of Object.entries(budget.headers)) res.setHeader(h, v);
        if (budget.over) {
          throw new AppError('RATE_LIMITED', `at most ${budget.perMinute} requests a minute`, {
            retryAfterSeconds: budget.retryAfter,
          });
        }
        if (refusal) throw refusal;
        await handleGraphQL(
          apollo,
          req,
          res,
          async () => ({ caller, requestId: requestId(req), ip: clientIp(req) }),
          (request) => {
            const query = trusted.documentFor(request, caller);
            if (query !== undefined) checkSource(limits, query, caller);
            return query;
          },
        );
      },
      '/graphiql/*': async (req, res) => graphiqlAsset(req, res),
      // Files travel outside GraphQL: uploads and signed downloads go to the subgraph that keeps them.
      [`${FILE_ROUTES.documents}/*`]: fileRoute('documents'),
      [`${FILE_ROUTES.loans}/*`]: fileRoute('loans'),
      // Someone who opens the bare address finds where to go.
      '/': (_req, res) => sendPage(res, HOME_PAGE),
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway' }),
      '/ready': async (_req, res) => {
        const checks = await Promise.all(
          [...urls.keys()].map(async (name) => [name, (await readiness(name))?.status] as const),
        );
        const ready = checks.length > 0 && checks.every(([, s]) => s === 'ready');
        sendJson(res, ready ? 200 : 503, {
          status: ready ? 'ready' : 'unavailable',
          subgraphs: Object.fromEntries(checks),
        });
      },
    },
    'gateway',
  );
  const subscriptions = await realtime.start(server, execute, sessions, (e) => {
    apiKeys.onEvent(e);
    sessions.onEvent(e);
  });
  const host = options.host ?? c.HOST;
  const port = await listen(server, options.port ?? c.GATEWAY_PORT, host);
  const url = `http://${host}:${port}/graphql`;
  log.info({ url }, 'gateway listening');
  return {
    url,
    server,
    apollo,
    async stop() {
      await subscriptions.stop();
      rest.stop();
      await close(server);
      await apollo.stop();
      await restStore.close();
      await ownBus?.close();
    },
  };
}
