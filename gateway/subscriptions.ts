import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  type DocumentNode,
  defaultFieldResolver,
  type ExecutionResult,
  extendSchema,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  parse,
  print,
  validate,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type Caller, hasRole, isStaff, verifyAccessToken } from '../platform/auth';
import type { Subscription as BusSubscription, CloudEvent, EventBus } from '../platform/events';
import { logger } from '../platform/log';
import { Role } from '../platform/roles';

const log = logger('subscriptions');

/** The real-time part of the graph: each payload names the entity it is about, resolved through the gateway. */
const SDL = `
type ApplicationStatusChange {
  applicationId: ID!
  from: String!
  to: String!
  reason: String
  at: String!
  "The application as it is now: any field of the graph."
  application: Application
}
type LoanEvent {
  "payment.received, payment.verified, payment.overdue, loan.fully.repaid, loan.closed or loan.written.off"
  type: String!
  loanId: ID!
  at: String!
  loan: Loan
}
type KycQueueChange {
  "application.submitted (joins the queue), kyc.verification.started, kyc.approved or kyc.rejected"
  type: String!
  applicationId: ID!
  at: String!
  application: Application
}
type NotificationPushed {
  at: String!
  notification: Notification
}
type Subscription {
  "The owner or staff: every status change of one application."
  applicationStatusChanged(applicationId: ID!): ApplicationStatusChange!
  "The borrower or staff: payments, overdue notices and closure of one loan."
  loanEvents(loanId: ID!): LoanEvent!
  "KYC officers and managers: applications joining, being taken from or leaving the queue."
  kycQueueChanged: KycQueueChange!
  "The caller's new notifications, as they are stored."
  myNotifications: NotificationPushed!
}
extend schema { subscription: Subscription }`;

const LOAN_EVENTS = new Set([
  'payment.received',
  'payment.verified',
  'payment.overdue',
  'loan.fully.repaid',
  'loan.closed',
  'loan.written.off',
]);
const KYC_QUEUE_EVENTS = new Set([
  'application.submitted',
  'kyc.verification.started',
  'kyc.approved',
  'kyc.rejected',
]);

/** Runs an operation through the gateway as a caller (the same plan, auth and limits as HTTP). */
export type GatewayExecutor = (
  query: string,
  variables: Record<string, unknown>,
  caller: Caller,
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

/** Fans the events this replica consumes out to its subscriptions. */
class EventHub {
  private readonly listeners = new Set<(e: CloudEvent) => void>();
  publish(e: CloudEvent) {
    for (const l of this.listeners) l(e);
  }
  /** The events passing `filter`, as an async iterator with a bounded buffer. */
  stream(filter: (e: CloudEvent) => boolean, onOverflow: () => void): AsyncIterableIterator<CloudEvent> {
    const queue: CloudEvent[] = [];
    let wake: ((r: IteratorResult<CloudEvent>) => void) | undefined;
    let done = false;
    const listener = (e: CloudEvent) => {
      if (done || !filter(e)) return;
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
      return Promise.resolve({ value: undefined, done: true } as IteratorResult<CloudEvent>);
    };
    return {
      next: () => {
        const e = queue.shift();
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

const data = (e: CloudEvent) => e.data as Record<string, unknown>;
const mayFollow = (caller: Caller, e: CloudEvent) => isStaff(caller) || data(e).customerId === caller.userId;

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
  const at = (e: CloudEvent) => e.time;
  const on = (
    name: string,
    check: (args: Record<string, string>, ctx: SubscriptionContext) => Promise<void> | void,
    filter: (e: CloudEvent, args: Record<string, string>, ctx: SubscriptionContext) => boolean,
    payload: (e: CloudEvent) => Record<string, unknown>,
  ) => {
    const f = fields[name];
    if (!f) throw new Error(`no subscription field ${name}`);
    f.subscribe = async (_root, args: Record<string, string>, ctx: SubscriptionContext) => {
      await check(args, ctx);
      return hub.stream(
        (e) => filter(e, args, ctx),
        () => ctx.close(SLOW_CONSUMER, `slow consumer: more than ${MAX_BUFFERED_EVENTS} events waiting`),
      );
    };
    f.resolve = (e: CloudEvent) => payload(e);
  };
  on(
    'applicationStatusChanged',
    (args, ctx) => mustSee(ctx, 'application', args.applicationId ?? ''),
    (e, args, ctx) =>
      e.type === 'application.status.changed' &&
      data(e).applicationId === args.applicationId &&
      mayFollow(ctx.caller, e),
    (e) => ({ ...data(e), at: at(e) }),
  );
  on(
    'loanEvents',
    (args, ctx) => mustSee(ctx, 'loan', args.loanId ?? ''),
    (e, args, ctx) => LOAN_EVENTS.has(e.type) && data(e).loanId === args.loanId && mayFollow(ctx.caller, e),
    (e) => ({ type: e.type, loanId: data(e).loanId, at: at(e) }),
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
    (e) => ({ type: e.type, applicationId: data(e).applicationId, at: at(e) }),
  );
  on(
    'myNotifications',
    () => undefined,
    (e, _args, ctx) => e.type === 'notification.created' && data(e).recipientId === ctx.caller.userId,
    (e) => ({ notificationId: data(e).notificationId, at: at(e) }),
  );
  const resolveVia = (
    type: string,
    field: string,
    // biome-ignore lint/suspicious/noExplicitAny: graphql-js field resolvers are untyped at this point.
    resolve: GraphQLFieldResolver<any, any>,
  ) => {
    const f = (schema.getType(type) as { getFields(): Record<string, { resolve?: unknown }> }).getFields()[
      field
    ];
    if (f) f.resolve = resolve;
  };
  resolveVia(
    'ApplicationStatusChange',
    'application',
    throughGateway('application', (p) => p.applicationId as string),
  );
  resolveVia(
    'KycQueueChange',
    'application',
    throughGateway('application', (p) => p.applicationId as string),
  );
  resolveVia(
    'LoanEvent',
    'loan',
    throughGateway('loan', (p) => p.loanId as string),
  );
  resolveVia(
    'NotificationPushed',
    'notification',
    throughGateway('notification', (p) => p.notificationId as string),
  );
  return schema;
}

const tokenOf = (params: Record<string, unknown> | undefined) => {
  const raw = params?.authorization ?? params?.Authorization ?? params?.token;
  return typeof raw === 'string' ? raw.replace(/^Bearer\s+/i, '') : undefined;
};

/**
 * graphql-ws on the gateway's /graphql WebSocket. The token comes in `connection_init` (`authorization`
 * or `token`); a missing, forged or expired one closes the socket with 4403 Forbidden, and the connection
 * ends when the token expires. Events come from the bus in a group of this replica's own, so every
 * replica sees every event.
 */
export async function startSubscriptions(options: {
  server: Server;
  bus: EventBus;
  apiSchema: () => GraphQLSchema;
  execute: GatewayExecutor;
}) {
  const hub = new EventHub();
  let schema: GraphQLSchema | undefined;
  let schemaOf: GraphQLSchema | undefined;
  const current = () => {
    const api = options.apiSchema();
    if (schemaOf !== api) {
      schema = subscriptionSchema(api, hub);
      schemaOf = api;
    }
    return schema as GraphQLSchema;
  };
  const group = `gateway-${randomUUID()}`;
  const consumer: BusSubscription = await options.bus.subscribe(
    group,
    async (e) => {
      hub.publish(e);
    },
    { fromBeginning: false },
  );
  const wss = new WebSocketServer({ server: options.server, path: '/graphql' });
  const expiries = new WeakMap<object, NodeJS.Timeout>();
  const disposable = useServer<Record<string, unknown>, { caller?: Caller }>(
    {
      schema: () => current(),
      onConnect: async (ctx) => {
        const token = tokenOf(ctx.connectionParams);
        if (!token) return false;
        try {
          const caller = await verifyAccessToken(token);
          ctx.extra.caller = { userId: caller.userId, roles: caller.roles };
          const socket = ctx.extra.socket;
          const timer = setTimeout(
            () => socket.close(CloseCode.Forbidden, 'token expired'),
            Math.max(0, caller.expiresAt * 1000 - Date.now()),
          );
          expiries.set(socket, timer);
          socket.once('close', () => clearTimeout(timer));
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx): SubscriptionContext => ({
        caller: ctx.extra.caller as Caller,
        execute: options.execute,
        close: (code, reason) => ctx.extra.socket.close(code, reason),
      }),
      onSubscribe: (_ctx, _id, payload) => {
        if (payload.query.length > 20_000)
          return [new GraphQLError('the subscription document is too large')];
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err as GraphQLError];
        }
        const s = current();
        const errors = validate(s, document);
        if (errors.length) return errors;
        return {
          schema: s,
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
  log.info({ group }, 'subscriptions ready');
  return {
    async stop() {
      await disposable.dispose();
      wss.close();
      await consumer.stop();
    },
  };
}
