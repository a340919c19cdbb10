import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { logger } from './log';
import { isTransient } from './transient';

/** Every error a caller may see has one of these codes; REST maps them to statuses and problem types. */
export const ErrorCodes = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ILLEGAL_TRANSITION: 409,
  FAILED_PRECONDITION: 422,
  QUERY_TOO_COMPLEX: 400,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** The one error type of the platform: domain code throws it, the GraphQL layer shows its code. */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message, { extensions: { code, ...(details ? { details } : {}) } });
    this.code = code;
    this.name = 'AppError';
  }
}

export const badInput = (message: string, field?: string) =>
  new AppError('BAD_USER_INPUT', message, field ? { field } : undefined);
/**
 * An AppError that refuses a whole request before it runs (a server plugin): Apollo then answers with the
 * code's HTTP status instead of 500, and leaves the status out of the body.
 */
export function refuseRequest(code: ErrorCode, message: string): AppError {
  const e = new AppError(code, message);
  (e.extensions as Record<string, unknown>).http = { status: ErrorCodes[code] };
  return e;
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'not allowed') => new AppError('FORBIDDEN', message);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

export const unauthenticated = (message = 'authentication required') =>
  new AppError('UNAUTHENTICATED', message);

const log = logger('errors');
const PASS_THROUGH = new Set([
  ...Object.keys(ErrorCodes).filter((c) => c !== 'INTERNAL_SERVER_ERROR'),
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Apollo refuses some requests with an HTTP 4xx but no code (a persisted query's hash that does not match
 * its text, an unknown persisted-query version): the request's fault, so its message is the client's to
 * read — never masked as an internal error.
 */
function isRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError)) return false;
  const status = (error.extensions?.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * @apollo/gateway checks request variables itself and returns graphql-js's coercion errors (an unknown enum
 * value, a string for an Int) without a code, so they would pass for internal errors.
 */
function isVariableCoercionError(error: unknown) {
  return (
    error instanceof GraphQLError &&
    !error.path &&
    /^Variable "\$\w+" (got invalid value|of required type|of non-null type)/.test(error.message)
  );
}

/**
 * Apollo `formatError`: typed errors pass with their code; anything else is an internal error whose
 * message (which may hold SQL, paths or PII) is logged, not returned.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (isVariableCoercionError(error)) {
    return {
      message: formatted.message,
      locations: formatted.locations,
      extensions: { code: 'BAD_USER_INPUT' },
    };
  }
  if (isRequestError(error)) {
    return {
      message: formatted.message,
      locations: formatted.locations,
      extensions: { code: typeof code === 'string' && PASS_THROUGH.has(code) ? code : 'BAD_REQUEST' },
    };
  }
  if (typeof code === 'string' && PASS_THROUGH.has(code)) {
    const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  // A database restarting, a broker or a subgraph away: the caller may try again shortly.
  if (isTransient(error) || isTransient((error as GraphQLError | undefined)?.originalError)) {
    log.warn({ err: error, path: formatted.path }, 'a dependency is unavailable');
    return {
      message: 'a service is briefly unavailable; try again shortly',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'UNAVAILABLE' },
    };
  }
  log.error({ err: error, path: formatted.path }, 'unexpected error');
  return {
    message: 'internal error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
