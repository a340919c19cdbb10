import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { config } from './config';
import { forbidden, unauthenticated } from './errors';
import { parseRoles, Role, STAFF_ROLES } from './roles';

/** Who is calling: set by the gateway from a verified token, read by subgraphs from its headers. */
export interface Caller {
  userId: string;
  roles: Role[];
  /** Set when a partner API key (not a signed-in user) made the call; limits are counted per key. */
  apiKeyId?: string;
}

/** The platform acting on its own behalf, e.g. the gateway asking identity who an API key stands for. */
export const SYSTEM_CALLER: Caller = { userId: '00000000-0000-0000-0000-000000000000', roles: [Role.SYSTEM] };

export interface RequestContext {
  caller: Caller | null;
  requestId: string;
  ip?: string;
}

export const IDENTITY_HEADERS = {
  secret: 'x-loanflow-gateway-secret',
  userId: 'x-loanflow-user-id',
  roles: 'x-loanflow-roles',
  requestId: 'x-request-id',
  clientIp: 'x-loanflow-client-ip',
} as const;

const secretKey = () => new TextEncoder().encode(config().JWT_SECRET);

export async function signAccessToken(caller: Caller, ttlSeconds = config().ACCESS_TOKEN_TTL_SECONDS) {
  return new SignJWT({ roles: caller.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(caller.userId)
    .setIssuer(config().JWT_ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(secretKey());
}

export async function verifyAccessToken(token: string): Promise<Caller & { expiresAt: number }> {
  try {
    const { payload } = await jwtVerify(token, secretKey(), {
      issuer: config().JWT_ISSUER,
      algorithms: ['HS256'],
    });
    if (!payload.sub || !Array.isArray(payload.roles) || !payload.exp) throw unauthenticated('invalid token');
    return { userId: payload.sub, roles: parseRoles(payload.roles.join(',')), expiresAt: payload.exp };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw unauthenticated('token expired');
    throw unauthenticated('invalid token');
  }
}

/** The verified caller of a request with a Bearer token, null without one; a bad token is refused. */
export async function callerOf(headers: IncomingHttpHeaders) {
  const token = bearerToken(headers);
  return token ? await verifyAccessToken(token) : null;
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const h = headers.authorization;
  if (!h) return undefined;
  const [scheme, token] = h.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthenticated('malformed Authorization header');
  return token;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A subgraph trusts identity headers only when they come with the gateway's secret. */
export function callerFromGatewayHeaders(headers: IncomingHttpHeaders): Caller | null {
  const secret = headers[IDENTITY_HEADERS.secret];
  if (!sameSecret(Array.isArray(secret) ? secret[0] : secret, config().GATEWAY_SECRET)) {
    throw unauthenticated('requests must come through the gateway');
  }
  const userId = headers[IDENTITY_HEADERS.userId];
  if (typeof userId !== 'string' || userId === '') return null;
  return { userId, roles: parseRoles(headers[IDENTITY_HEADERS.roles] as string | undefined) };
}

export function requireCaller(ctx: RequestContext): Caller {
  if (!ctx.caller) throw unauthenticated();
  return ctx.caller;
}

export function hasRole(caller: Caller | null, ...roles: Role[]): boolean {
  return !!caller && caller.roles.some((r) => roles.includes(r));
}

export function isStaff(caller: Caller | null): boolean {
  return hasRole(caller, ...STAFF_ROLES);
}

export function requireRole(ctx: RequestContext, ...roles: Role[]): Caller {
  const caller = requireCaller(ctx);
  if (!hasRole(caller, ...roles)) throw forbidden(`requires one of: ${roles.join(', ')}`);
  return caller;
}

export function requireStaff(ctx: RequestContext): Caller {
  return requireRole(ctx, ...STAFF_ROLES);
}

/** Owners see their own records, staff see all; anyone else is told the record does not exist. */
export function canSee(caller: Caller | null, ownerId: string): boolean {
  return !!caller && (caller.userId === ownerId || isStaff(caller));
}
