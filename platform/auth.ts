import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { type JWTHeaderParameters, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { config } from './config';
import { forbidden, unauthenticated } from './errors';
import { parseRoles, Role, STAFF_ROLES } from './roles';

/** Who is calling: set by the gateway from a verified token, read by subgraphs from its headers. */
export interface Caller {
  userId: string;
  roles: Role[];
  /** Set when a partner API key (not a signed-in user) made the call; limits are counted per key. */
  apiKeyId?: string;
  /** The account's session generation when the access token was issued (see identity's token_version). */
  tokenVersion?: number;
}

/** The platform acting on its own behalf, e.g. the gateway asking identity who an API key stands for. */
export const SYSTEM_CALLER: Caller = { userId: '00000000-0000-0000-0000-000000000000', roles: [Role.SYSTEM] };

export interface RequestContext {
  caller: Caller | null;
  requestId: string;
  ip?: string;
}

export const IDENTITY_HEADERS = {
  /** The gateway's signed, short-lived statement of who calls (see signGatewayAssertion). */
  assertion: 'x-loanflow-gateway-assertion',
  requestId: 'x-request-id',
} as const;

const secretKey = () => new TextEncoder().encode(config().JWT_SECRET);

export async function signAccessToken(caller: Caller, ttlSeconds = config().ACCESS_TOKEN_TTL_SECONDS) {
  return new SignJWT({ roles: caller.roles, tv: caller.tokenVersion ?? 0 })
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
    return {
      userId: payload.sub,
      roles: parseRoles(payload.roles.join(',')),
      tokenVersion: typeof payload.tv === 'number' ? payload.tv : 0,
      expiresAt: payload.exp,
    };
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

const ASSERTION_ISSUER = 'loanflow-gateway';

/** An Ed25519 key pair from a 32-byte seed (the form the configuration holds it in). */
function ed25519FromSeed(seed: Buffer): { privateKey: KeyObject; publicKey: KeyObject } {
  if (seed.length !== 32) throw new Error('an Ed25519 key seed is 32 bytes');
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): a fixed 16-byte prefix, then the seed.
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

const idAndValue = (entry: string): [string, string] => {
  const at = entry.indexOf(':');
  return [entry.slice(0, at).trim(), entry.slice(at + 1).trim()];
};

let keys: { kid: string; signing: KeyObject; trusted: Map<string, KeyObject> } | undefined;

/**
 * The gateway signs with GATEWAY_SIGNING_KEY (`kid:base64 seed`); subgraphs trust the public keys in
 * GATEWAY_TRUSTED_KEYS (`kid:base64 SPKI`, comma-separated, so a new key can be trusted before the gateway
 * switches to it), or, unset, the public half of the signing key (one process, or one shared setting).
 */
function assertionKeys() {
  if (keys) return keys;
  const c = config();
  const [kid, seed] = idAndValue(c.GATEWAY_SIGNING_KEY);
  const pair = ed25519FromSeed(Buffer.from(seed, 'base64'));
  const trusted = new Map<string, KeyObject>();
  if (c.GATEWAY_TRUSTED_KEYS) {
    for (const entry of c.GATEWAY_TRUSTED_KEYS.split(',')) {
      const [id, spki] = idAndValue(entry);
      trusted.set(id, createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' }));
    }
  } else trusted.set(kid, pair.publicKey);
  keys = { kid, signing: pair.privateKey, trusted };
  return keys;
}

/** What the gateway states about a request it forwards: the caller (or none), the request and its client. */
export interface GatewayAssertion {
  caller: Caller | null;
  requestId: string;
  ip?: string;
}

/**
 * Signs the gateway's statement about one request for one subgraph (`audience`): EdDSA, valid for
 * GATEWAY_ASSERTION_TTL_SECONDS. A captured value names one caller, works at one subgraph and expires
 * within a minute; subgraphs hold only the public key, so none of them can speak for the gateway.
 */
export async function signGatewayAssertion(a: GatewayAssertion, audience: string): Promise<string> {
  const k = assertionKeys();
  const jwt = new SignJWT({
    roles: a.caller?.roles ?? [],
    rid: a.requestId,
    ...(a.ip ? { ip: a.ip } : {}),
    ...(a.caller?.apiKeyId ? { key: a.caller.apiKeyId } : {}),
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: k.kid })
    .setIssuer(ASSERTION_ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${config().GATEWAY_ASSERTION_TTL_SECONDS}s`);
  if (a.caller) jwt.setSubject(a.caller.userId);
  return jwt.sign(k.signing);
}

/** A subgraph trusts who calls only from a valid assertion signed by the gateway for it (`audience`). */
export async function assertionFromGateway(
  headers: IncomingHttpHeaders,
  audience: string,
): Promise<GatewayAssertion> {
  const raw = headers[IDENTITY_HEADERS.assertion];
  const token = Array.isArray(raw) ? raw[0] : raw;
  if (!token) throw unauthenticated('requests must come through the gateway');
  const k = assertionKeys();
  try {
    const { payload } = await jwtVerify(
      token,
      (header: JWTHeaderParameters) => {
        const key = header.kid ? k.trusted.get(header.kid) : undefined;
        if (!key) throw new Error('unknown key id');
        return key;
      },
      { issuer: ASSERTION_ISSUER, audience, algorithms: ['EdDSA'], clockTolerance: 5 },
    );
    const roles = Array.isArray(payload.roles) ? parseRoles(payload.roles.join(',')) : [];
    const apiKeyId = typeof payload.key === 'string' ? payload.key : undefined;
    return {
      caller: payload.sub ? { userId: payload.sub, roles, ...(apiKeyId ? { apiKeyId } : {}) } : null,
      requestId: typeof payload.rid === 'string' ? payload.rid : '',
      ip: typeof payload.ip === 'string' ? payload.ip : undefined,
    };
  } catch {
    throw unauthenticated('requests must come through the gateway');
  }
}

/** The caller a subgraph's own HTTP route (file upload or download) may trust. */
export async function callerFromGateway(headers: IncomingHttpHeaders, audience: string) {
  return (await assertionFromGateway(headers, audience)).caller;
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
