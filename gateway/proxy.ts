import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { type Caller, IDENTITY_HEADERS, signGatewayAssertion } from '../platform/auth';
import { AppError } from '../platform/errors';

const PASS_REQUEST = ['content-type', 'content-length', 'accept'];
const PASS_RESPONSE = [
  'content-type',
  'content-length',
  'content-disposition',
  'cache-control',
  'x-content-type-options',
];

/** A subgraph the gateway may call: its name (the audience of what the gateway signs) and base URL. */
export interface Upstream {
  name: string;
  baseUrl: string;
}

/** The caller's identity as the gateway's signed assertion, for one subgraph only. */
async function identityHeaders(to: Upstream, caller: Caller | null, requestId: string, ip?: string) {
  const headers = new Headers();
  headers.set(IDENTITY_HEADERS.assertion, await signGatewayAssertion({ caller, requestId, ip }, to.name));
  headers.set(IDENTITY_HEADERS.requestId, requestId);
  return headers;
}

const PLACEHOLDER = 'http://gateway.invalid';

/**
 * The subgraph URL for a request path: the subgraph's own origin plus the path, only when the path is an
 * origin-form path under `prefix`. Anything that would name another host (`//host/…`, an absolute URL, a
 * backslash) or climb out of the prefix (`..`, encoded or not, which URL parsing resolves first) is refused,
 * so nothing the gateway signs can be sent to an origin it was not configured with.
 */
export function upstreamUrl(to: Upstream, rawPath: string, prefix: string): URL {
  const refuse = () => new AppError('BAD_USER_INPUT', 'not a path this route serves');
  if (!rawPath.startsWith('/') || rawPath.startsWith('//') || rawPath.includes('\\')) throw refuse();
  const relative = new URL(rawPath, PLACEHOLDER);
  if (relative.origin !== PLACEHOLDER) throw refuse();
  if (relative.pathname !== prefix && !relative.pathname.startsWith(`${prefix}/`)) throw refuse();
  const base = new URL(to.baseUrl);
  const target = new URL(`${relative.pathname}${relative.search}`, base.origin);
  if (target.origin !== base.origin) throw refuse();
  return target;
}

/** Posts a buffered body (a REST upload) to a path under a subgraph's file route as the caller. */
export async function postToSubgraph(
  to: Upstream,
  path: string,
  prefix: string,
  body: { bytes: Buffer; contentType: string },
  caller: Caller | null,
  requestId: string,
): Promise<{ status: number; json: unknown }> {
  const headers = await identityHeaders(to, caller, requestId);
  headers.set('content-type', body.contentType);
  const res = await fetch(upstreamUrl(to, path, prefix), {
    method: 'POST',
    headers,
    body: new Uint8Array(body.bytes),
    redirect: 'manual',
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/**
 * Forwards a file request (upload or download) under `prefix` to a subgraph, streaming both ways, with the
 * same signed identity as GraphQL calls. Redirects are not followed: the answer goes back as it came.
 */
export async function proxyToSubgraph(
  req: IncomingMessage,
  res: ServerResponse,
  to: Upstream,
  prefix: string,
  caller: Caller | null,
  requestId: string,
  ip?: string,
) {
  const target = upstreamUrl(to, req.url ?? '/', prefix);
  const headers = await identityHeaders(to, caller, requestId, ip);
  for (const h of PASS_REQUEST) {
    const v = req.headers[h];
    if (typeof v === 'string') headers.set(h, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const upstream = await fetch(target, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as unknown as RequestInit['body']) : undefined,
    duplex: 'half',
    redirect: 'manual',
  } as RequestInit);
  const out: Record<string, string> = {};
  for (const h of PASS_RESPONSE) {
    const v = upstream.headers.get(h);
    if (v) out[h] = v;
  }
  res.writeHead(upstream.status, out);
  if (!upstream.body) return void res.end();
  Readable.fromWeb(upstream.body as ReadableStream).pipe(res);
}
