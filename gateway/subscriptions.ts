import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  type DocumentNode,
  defaultFieldResolver,
  type ExecutionResult,
  execute,
  extendSchema,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  specifiedRules,
  type ValidationRule,
  validate,
} from 'graphql';
import { CloseCode, GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Caller, hasRole, isStaff } from '../platform/auth';
import { config } from '../platform/config';
import { AppError } from '../platform/errors';
import {
  type AnyEvent,
  type Subscription as BusSubscription,
  type CloudEvent,
  type EventBus,
  type EventType,
  startListener,
} from '../platform/events';
import { logger } from '../platform/log';
import { Role } from '../platform/roles';
import {
  checkOperation,
  checkSource,
  type DocumentLimits,
  limitRules,
  operationOf,
  withoutSuggestions,
} from './limits';
import { OWN_ROOT_FIELDS, operationsSchema } from './operations';
import type { Sessions } from './sessions';
import type { TrustedDocuments } from './trusted';

const log = logger('subscriptions');

/** The real-time part of the graph: each payload names the entity it is about, resolved through the gateway. */
const SDL = `
"""
Pass the cursor of the last event you received as \`since\` when you reconnect: the events you missed
come first (up to SUBSCRIPTION_REPLAY_SECONDS back, else CURSOR_EXPIRED), then live ones. Events of the
few seconds before the cursor may come again; skip the cursors you have seen.
"""
type ApplicationStatusChange {
  cursor: String!
  applicationId: ID!
  from: String!
  to: String!
  reason: String
  at: String!
  "The application as it is now: any field of the graph."
  application: Application
}
type LoanEvent {
  cursor: String!
  "payment.received, payment.verified, payment.overdue, loan.fully.repaid, loan.closed or loan.written.off"
  type: String!
  loanId: ID!
  at: String!
  loan: Loan
}
type KycQueueChange {
  cursor: String!
  "application.submitted (joins the queue), kyc.verification.started, kyc.approved or kyc.rejected"
  type: String!
  applicationId: ID!
  at: String!
  application: Application
}
type NotificationPushed {
  cursor: String!
  at: String!
  notification: Notification
}
type Subscription {
  "The owner or staff: every status change of one application."
  applicationStatusChanged(applicationId: ID!, since: String): ApplicationStatusChange!
  "The borrower or staff: payments, overdue notices and closure of one loan."
  loanEvents(loanId: ID!, since: String): LoanEvent!
  "KYC officers and managers: applications joining, being taken from or leaving the queue."
  kycQueueChanged(since: String): KycQueueChange!
  "The caller's new notifications, as they are stored."
  myNotifications(since: String): NotificationPushed!
}
extend schema { subscription: Subscription }`;

const LOAN_EVENTS = new Set<EventType>([
  'payment.received',
  'payment.verified',
  'payment.overdue',
  'loan.fully.repaid',
  'loan.closed',
  'loan.written.off',
]);
const KYC_QUEUE_EVENTS = new Set<EventType>([
  'application.submitted',
  'kyc.verification.started',
  'kyc.approved',
  'kyc.rejected',
]);

/** Runs an operation through the gateway as a caller (the same plan, auth and limits as HTTP). */
export type GatewayExecutor = (
  query: string,
  variables: Record<string, unknown>,
  caller: Caller | null,
  meta?: { ip?: string },
) => Promise<{ data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] }>;

interface SubscriptionContext {
  caller: Caller;
  execute: GatewayExecutor;
  /** Ends the connection (a subscriber that cannot keep up). */
  close(code: number, reason: string): void;
}

/** Events buffered per subscription before the client is judged too slow and disconnected. */
export const MAX_BUFFERED_EVENTS = 256;
/** Bytes waiting in the socket before the client is judged too slow. */
export const MAX_SOCKET_BUFFER = 1 << 20;
const SLOW_CONSUMER = 4429;

/** Clock skew tolerated between the subgraphs' outboxes: a replay starts this long before the cursor. */
export const CURSOR_SKEW_MS = 5_000;

interface Cursor {
  time: number;
  id: string;
}
const timeOf = (e: CloudEvent) => Date.parse(e.time);
export const encodeCursor = (e: CloudEvent) => Buffer.from(`${timeOf(e)}:${e.id}`).toString('base64url');
function decodeCursor(raw: string): Cursor {
  const [t = '', ...rest] = Buffer.from(raw, 'base64url').toString('utf8').split(':');
  const time = Number(t);
  const id = rest.join(':');
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(time) || !id) {
    throw new GraphQLError('since is not a cursor this API gave out', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return { time, id };
}

/**
 * Fans the events this replica consumes out to its subscriptions, and keeps the recent ones (by
 * SUBSCRIPTION_REPLAY_SECONDS and _MAX_EVENTS) so a client that reconnects with `since` gets what it
 * missed. On Kafka a new replica reads the replay window back from the topic before going live.
 */
export class EventHub<E extends CloudEvent = AnyEvent> {
  private readonly listeners = new Set<(e: E) => void>();
  private readonly recent: E[] = [];
  private head = 0;
  /** The hub holds every event (of this replica's feed) committed at or after this instant. */
  private coversFrom: number;

  constructor(
    private readonly startedAt: number,
    private readonly replay: { windowMs: number; maxEvents: number; fromHistory: boolean },
  ) {
    this.coversFrom = replay.fromHistory ? startedAt - replay.windowMs : startedAt;
  }

  publish(e: E) {
    this.remember(e);
    for (const l of this.listeners) l(e);
  }

  private remember(e: E) {
    if (this.replay.maxEvents === 0 || this.replay.windowMs === 0) {
      this.coversFrom = Date.now();
      return;
    }
    this.recent.push(e);
    const oldest = Date.now() - this.replay.windowMs;
    while (this.head < this.recent.length) {
      const first = this.recent[this.head] as E;
      if (this.recent.length - this.head <= this.replay.maxEvents && timeOf(first) >= oldest) break;
      this.coversFrom = Math.max(this.coversFrom, timeOf(first) + 1);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.recent.length) {
      this.recent.splice(0, this.head);
      this.head = 0;
    }
  }

  /**
   * The events passing `filter` as an async iterator: with `since`, first the remembered ones after it,
   * then live ones. Live events wait in a bounded buffer; `onOverflow` is told when it is full.
   */
  stream(filter: (e: E) => boolean, onOverflow: () => void, since?: string): AsyncIterableIterator<E> {
    const cursor = since === undefined ? undefined : decodeCursor(since);
    const from = cursor ? cursor.time - CURSOR_SKEW_MS : undefined;
    if (from !== undefined && from < this.coversFrom) {
      throw new GraphQLError(
        'the cursor is older than this server remembers: query the current state and subscribe again without since',
        { extensions: { code: 'CURSOR_EXPIRED' } },
      );
    }
    // Without a cursor only what happens from now on; events read back at start-up are history.
    const wanted = (e: E) =>
      from === undefined ? timeOf(e) >= this.startedAt : timeOf(e) > from && e.id !== cursor?.id;
    const replayed =
      from === undefined ? [] : this.recent.slice(this.head).filter((e) => wanted(e) && filter(e));
    const queue: E[] = [];
    let wake: ((r: IteratorResult<E>) => void) | undefined;
    let done = false;
    const listener = (e: E) => {
      if (done || !wanted(e) || !filter(e)) return;
      if (wake) {
        const w = wake;
        wake = undefined;
        w({ value: e, done: false });
      } else if (queue.length >= MAX_BUFFERED_EVENTS) {
        onOverflow();
      } else queue.push(e);
    };
    this.listeners.add(listener);
    const finish = () => {
      done = true;
      this.listeners.delete(listener);
      wake?.({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true } as IteratorResult<E>);
    };
    let r = 0;
    return {
      next: () => {
        const e = r < replayed.length ? replayed[r++] : queue.shift();
        if (e) return Promise.resolve({ value: e, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          wake = resolve;
        });
      },
      return: finish,
      throw: (err) => {
        void finish();
        return Promise.reject(err);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

const mayFollow = (caller: Caller, e: AnyEvent) =>
  isStaff(caller) || ('customerId' in e.data && e.data.customerId === caller.userId);

/** Refuses a subscription to something the caller may not see (the gateway answers as for a query). */
async function mustSee(ctx: SubscriptionContext, field: 'application' | 'loan', id: string) {
  const r = await ctx.execute(`query($id: ID!) { ${field}(id: $id) { id } }`, { id }, ctx.caller);
  if (!r.data?.[field]) {
    const e = r.errors?.[0];
    throw new GraphQLError(e?.message ?? `${field} not found`, {
      extensions: { code: (e?.extensions?.code as string) ?? 'NOT_FOUND' },
    });
  }
}

/** Resolves the subscriber's selection under a payload field through the gateway, as one query. */
function throughGateway(
  field: 'application' | 'loan' | 'notification',
  idOf: (p: Record<string, unknown>) => string,
) {
  return async (
    payload: Record<string, unknown>,
    _args: unknown,
    ctx: SubscriptionContext,
    info: GraphQLResolveInfo,
  ) => {
    const selection = info.fieldNodes[0]?.selectionSet;
    if (!selection) return null;
    const fragments = Object.values(info.fragments).map(print).join('\n');
    const r = await ctx.execute(
      `query($id: ID!) { ${field}(id: $id) ${print(selection)} }\n${fragments}`,
      { id: idOf(payload) },
      ctx.caller,
    );
    const e = r.errors?.[0];
    if (e && !r.data?.[field]) throw new GraphQLError(e.message, { extensions: e.extensions });
    return r.data?.[field] ?? null;
  };
}

/** Fields below a payload come back from the gateway keyed by response name (aliases included). */
const byResponseKey: GraphQLFieldResolver<unknown, unknown> = (source, args, ctx, info) =>
  source && typeof source === 'object' && info.path.key in source
    ? (source as Record<string, unknown>)[info.path.key as string]
    : defaultFieldResolver(source, args, ctx, info);

/** The API schema with the Subscription type and its resolvers. */
export function subscriptionSchema(apiSchema: GraphQLSchema, hub: EventHub): GraphQLSchema {
  const schema = extendSchema(apiSchema, parse(SDL));
  const fields = schema.getSubscriptionType()?.getFields() ?? {};
  const on = (
    name: string,
    check: (args: Record<string, string>, ctx: SubscriptionContext) => Promise<void> | void,
    filter: (e: AnyEvent, args: Record<string, string>, ctx: SubscriptionContext) => boolean,
    payload: (e: AnyEvent) => Record<string, unknown>,
  ) => {
    const f = fields[name];
    if (!f) throw new Error(`no subscription field ${name}`);
    f.subscribe = async (_root, args: Record<string, string>, ctx: SubscriptionContext) => {
      await check(args, ctx);
      return hub.stream(
        (e) => filter(e, args, ctx),
        () => ctx.close(SLOW_CONSUMER, `slow consumer: more than ${MAX_BUFFERED_EVENTS} events waiting`),
        args.since ?? undefined,
      );
    };
    f.resolve = (e: AnyEvent) => ({ ...payload(e), cursor: encodeCursor(e), at: e.time });
  };
  on(
    'applicationStatusChanged',
    (args, ctx) => mustSee(ctx, 'application', args.applicationId ?? ''),
    (e, args, ctx) =>
      e.type === 'application.status.changed' &&
      e.data.applicationId === args.applicationId &&
      mayFollow(ctx.caller, e),
    (e) => ({ ...e.data }),
  );
  on(
    'loanEvents',
    (args, ctx) => mustSee(ctx, 'loan', args.loanId ?? ''),
    (e, args, ctx) =>
      LOAN_EVENTS.has(e.type) &&
      'loanId' in e.data &&
      e.data.loanId === args.loanId &&
      mayFollow(ctx.caller, e),
    (e) => ({ type: e.type, loanId: 'loanId' in e.data ? e.data.loanId : null }),
  );
  on(
    'kycQueueChanged',
    (_args, ctx) => {
      if (!hasRole(ctx.caller, Role.KYC_OFFICER, Role.KYC_MANAGER)) {
        throw new GraphQLError('the KYC queue is for KYC officers and managers', {
          extensions: { code: 'FORBIDDEN' },
        });
      }
    },
    (e) => KYC_QUEUE_EVENTS.has(e.type),
    (e) => ({ type: e.type, applicationId: 'applicationId' in e.data ? e.data.applicationId : null }),
  );
  on(
    'myNotifications',
    () => undefined,
    (e, _args, ctx) => e.type === 'notification.created' && e.data.recipientId === ctx.caller.userId,
    (e) => ({ notificationId: 'notificationId' in e.data ? e.data.notificationId : null }),
  );
  // Each payload's entity field, resolved through the gateway by the id the event carries.
  const entities = [
    ['ApplicationStatusChange', 'application', 'applicationId'],
    ['KycQueueChange', 'application', 'applicationId'],
    ['LoanEvent', 'loan', 'loanId'],
    ['NotificationPushed', 'notification', 'notificationId'],
  ] as const;
  for (const [type, field, id] of entities) {
    const f = (schema.getType(type) as GraphQLObjectType).getFields()[field];
    if (f) f.resolve = throughGateway(field, (p) => p[id] as string);
  }
  return schema;
}

const tokenOf = (params: Record<string, unknown> | undefined) => {
  const raw = params?.authorization ?? params?.Authorization ?? params?.token;
  return typeof raw === 'string' ? raw.replace(/^Bearer\s+/i, '') : undefined;
};

type ServedGateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

/**
 * Subscriptions for one gateway replica: the hub of events it consumes, the schema with the Subscription
 * type, and graphql-ws on the gateway's /graphql WebSocket. The token comes in `connection_init`
 * (`authorization` or `token`); a missing, forged or expired one closes the socket with 4403 Forbidden,
 * and the connection ends when the token expires. Events come from the bus in a group of this replica's
 * own, so every replica sees every event.
 */
export class Realtime {
  private readonly startedAt = Date.now();
  private readonly windowMs: number;
  private readonly fromHistory: boolean;
  private readonly hub: EventHub;
  private built?: { api: GraphQLSchema; full: GraphQLSchema };
  private readonly rules: ValidationRule[];

  constructor(
    private readonly bus: EventBus,
    private readonly limits: DocumentLimits,
    private readonly trusted: TrustedDocuments,
  ) {
    this.rules = limitRules(limits);
    const c = config();
    this.windowMs = c.SUBSCRIPTION_REPLAY_SECONDS * 1000;
    this.fromHistory = bus.kind === 'kafka' && this.windowMs > 0;
    this.hub = new EventHub(this.startedAt, {
      windowMs: this.windowMs,
      maxEvents: c.SUBSCRIPTION_REPLAY_MAX_EVENTS,
      fromHistory: this.fromHistory,
    });
  }

  private schemaFor(api: GraphQLSchema) {
    if (this.built?.api !== api) {
      this.built = { api, full: operationsSchema(subscriptionSchema(api, this.hub), this.bus) };
    }
    return this.built.full;
  }

  /** The API schema with the Subscription type. */
  schema() {
    if (!this.built) throw new Error('the supergraph is not loaded');
    return this.built.full;
  }

  /**
   * The gateway as Apollo Server sees it: the API schema with the Subscription type, so introspection and
   * GraphiQL know it, and a subscription sent over HTTP refused with a pointer to the WebSocket.
   */
  serve(gateway: ServedGateway): ServedGateway {
    return {
      onSchemaLoadOrUpdate: (callback) =>
        gateway.onSchemaLoadOrUpdate((s) => callback({ ...s, apiSchema: this.schemaFor(s.apiSchema) })),
      load: async (options) => {
        const { executor } = await gateway.load(options);
        if (!executor) return { executor };
        return {
          executor: async (request) => {
            let op: OperationDefinitionNode;
            try {
              // The name the client sent: Apollo's own is the operation it found (none here).
              op = request.operation ?? operationOf(request.document, request.request.operationName);
            } catch (err) {
              return { errors: [err as GraphQLError] };
            }
            if (op.operation === 'subscription') {
              return {
                errors: [
                  new AppError(
                    'BAD_USER_INPUT',
                    'subscriptions are served over the WebSocket at this URL (graphql-ws protocol)',
                  ),
                ],
              };
            }
            // The gateway answers introspection and its own operator fields from its own schema (the
            // supergraph has neither the Subscription type nor those fields).
            const roots = op.selectionSet.selections.map((f) => (f.kind === Kind.FIELD ? f.name.value : ''));
            const own = roots.filter((n) => n.startsWith('__') || OWN_ROOT_FIELDS.has(n));
            if (own.length === roots.length) {
              return execute({
                schema: request.schema,
                document: request.document,
                operationName: request.operationName,
                variableValues: request.request.variables,
                contextValue: request.context,
              });
            }
            if (own.some((n) => OWN_ROOT_FIELDS.has(n))) {
              return {
                errors: [
                  new AppError(
                    'BAD_USER_INPUT',
                    `${[...OWN_ROOT_FIELDS].join(' and ')} go in an operation of their own`,
                  ),
                ],
              };
            }
            return executor(request);
          },
        };
      },
      stop: () => gateway.stop(),
    };
  }

  /**
   * Starts consuming events and serving graphql-ws on `server`; operations go through `execute`. Every
   * event this replica consumes also goes to `onEvent` (the gateway's own caches listen there).
   */
  async start(server: Server, execute: GatewayExecutor, sessions: Sessions, onEvent?: (e: AnyEvent) => void) {
    const hub = this.hub;
    // Open sockets by account, so one whose sessions end is closed at once.
    const sockets = new Map<string, Set<WebSocket>>();
    sessions.onRevoked((userId) => {
      for (const socket of sockets.get(userId) ?? []) socket.close(CloseCode.Forbidden, 'session ended');
    });
    const group = `gateway-${randomUUID()}`;
    const consumer: BusSubscription = await startListener({
      name: group,
      bus: this.bus,
      onEvent: (e) => {
        hub.publish(e);
        onEvent?.(e);
      },
      subscribe: this.fromHistory
        ? { since: new Date(this.startedAt - this.windowMs) }
        : { fromBeginning: false },
    });
    // Upgrades are routed here by hand: a WebSocketServer attached to the HTTP server also re-emits that
    // server's errors, so a busy port at start would print as an "internal error" of the WebSocket server.
    const wss = new WebSocketServer({ noServer: true, path: '/graphql' });
    const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!wss.shouldHandle(req)) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    };
    server.on('upgrade', upgrade);
    const disposable = useServer<Record<string, unknown>, { caller?: Caller }>(
      {
        schema: () => this.schema(),
        onConnect: async (ctx) => {
          const token = tokenOf(ctx.connectionParams);
          if (!token) return false;
          try {
            const caller = await sessions.verify(token);
            ctx.extra.caller = { userId: caller.userId, roles: caller.roles };
            const socket = ctx.extra.socket;
            const timer = setTimeout(
              () => socket.close(CloseCode.Forbidden, 'token expired'),
              Math.max(0, caller.expiresAt * 1000 - Date.now()),
            );
            const mine = sockets.get(caller.userId) ?? new Set();
            mine.add(socket);
            sockets.set(caller.userId, mine);
            socket.once('close', () => {
              clearTimeout(timer);
              mine.delete(socket);
              if (!mine.size) sockets.delete(caller.userId);
            });
            return true;
          } catch {
            return false;
          }
        },
        context: (ctx): SubscriptionContext => ({
          caller: ctx.extra.caller as Caller,
          execute,
          close: (code, reason) => ctx.extra.socket.close(code, reason),
        }),
        // The same limits as HTTP, in the same order: length, shape, then caller and variables.
        onSubscribe: (ctx, _id, payload) => {
          const caller = ctx.extra.caller as Caller;
          const schema = this.schema();
          let document: DocumentNode;
          try {
            const query = this.trusted.documentFor(payload, caller) ?? '';
            checkSource(this.limits, query, caller);
            document = parse(query, { maxTokens: this.limits.maxTokens });
          } catch (err) {
            return [err as GraphQLError];
          }
          const errors = validate(schema, document, [...specifiedRules, ...this.rules]);
          if (errors.length) {
            return isStaff(caller)
              ? errors
              : errors.map((e) => new GraphQLError(withoutSuggestions(e.message), { nodes: e.nodes }));
          }
          try {
            checkOperation(this.limits, {
              schema,
              document,
              operationName: payload.operationName,
              variables: payload.variables,
              caller,
            });
            // The socket carries subscriptions; a query or mutation is answered over HTTP, not here.
            if (operationOf(document, payload.operationName).operation !== 'subscription') {
              throw new AppError(
                'BAD_USER_INPUT',
                'queries and mutations are served over HTTP at this URL; the WebSocket carries subscriptions',
              );
            }
          } catch (err) {
            return [err as GraphQLError];
          }
          return {
            schema,
            document,
            variableValues: payload.variables ?? undefined,
            operationName: payload.operationName ?? undefined,
            fieldResolver: byResponseKey,
          };
        },
        onNext: (ctx, _id, _payload, _args, result: ExecutionResult) => {
          // A client that does not read its socket would make the gateway hold every event for it.
          if (ctx.extra.socket.bufferedAmount > MAX_SOCKET_BUFFER) {
            ctx.extra.socket.close(SLOW_CONSUMER, 'slow consumer: send buffer full');
          }
          return result;
        },
      },
      wss,
    );
    // graphql-ws turns down the handshake of a client that offers only another subprotocol (the legacy
    // subscriptions-transport-ws "graphql-ws"), which the client sees as a bare 1006. The protocol says
    // 4406: so the handshake takes the subprotocol offered, and graphql-ws then closes it with 4406.
    wss.options.handleProtocols = (protocols: Set<string>) =>
      protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL)
        ? GRAPHQL_TRANSPORT_WS_PROTOCOL
        : (protocols.values().next().value ?? false);
    log.info({ group }, 'subscriptions ready');
    return {
      async stop() {
        await disposable.dispose();
        server.off('upgrade', upgrade);
        wss.close();
        await consumer.stop();
      },
    };
  }
}
