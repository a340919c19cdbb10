// The gateway's own operator fields: dead letters, listed and replayed. They live here, not in a
// subgraph, because dead letters belong to the bus every subgraph shares.
import { extendSchema, type GraphQLSchema, parse } from 'graphql';
import { type Caller, hasRole } from '../platform/auth';
import { AppError, forbidden, unauthenticated } from '../platform/errors';
import { type DeadLetterFilter, type EventBus, listDeadLetters, replayDeadLetters } from '../platform/events';
import { Role } from '../platform/roles';

/** Root fields the gateway answers itself (an operation may not mix them with the graph's). */
export const OWN_ROOT_FIELDS = new Set(['deadLetters', 'replayDeadLetters']);

const SDL = `
"An event a consumer could not handle, parked with its reason (ADMIN)."
type DeadLetter {
  "Where it is parked: partition:offset on Kafka."
  offset: String!
  "Null when the message was not an event at all (poison)."
  eventId: ID
  type: String
  source: String
  "The consumer group that failed it; a replay goes back to it alone."
  group: String!
  errorClass: String!
  error: String!
  attempts: Int!
  failedAt: String!
  "The message as it was on the wire."
  payload: String!
}
extend type Query {
  "ADMIN: what the consumers could not handle, oldest first."
  deadLetters(type: String, group: String, eventIds: [ID!]): [DeadLetter!]!
}
extend type Mutation {
  """
  ADMIN: hands the dead letters that match back to the consumer groups that failed them. Idempotent: an
  event already applied is not applied again. Name what to replay, or pass all: true.
  """
  replayDeadLetters(eventIds: [ID!], type: String, group: String, all: Boolean): [DeadLetter!]!
}`;

function requireAdmin(ctx: { caller?: Caller | null }) {
  if (!ctx.caller) throw unauthenticated();
  if (!hasRole(ctx.caller, Role.ADMIN)) throw forbidden('requires one of: ADMIN');
}

/** The schema with the operator fields, resolved against `bus`. */
export function operationsSchema(schema: GraphQLSchema, bus: EventBus): GraphQLSchema {
  const extended = extendSchema(schema, parse(SDL));
  const query = extended.getQueryType()?.getFields().deadLetters;
  const mutation = extended.getMutationType()?.getFields().replayDeadLetters;
  if (!query || !mutation) throw new Error('operator fields missing');
  query.resolve = async (_root, args: DeadLetterFilter, ctx) => {
    requireAdmin(ctx);
    return listDeadLetters(bus, args);
  };
  mutation.resolve = async (_root, args: DeadLetterFilter & { all?: boolean | null }, ctx) => {
    requireAdmin(ctx);
    if (!args.all && !args.eventIds?.length && !args.type && !args.group) {
      throw new AppError(
        'BAD_USER_INPUT',
        'name the dead letters to replay (eventIds, type, group) or pass all: true',
      );
    }
    return replayDeadLetters(bus, args);
  };
  return extended;
}
