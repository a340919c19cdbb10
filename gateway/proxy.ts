import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { type Caller, IDENTITY_HEADERS } from '../platform/auth';
import { config } from '../platform/config';

const PASS_REQUEST = ['content-type', 'content-length', 'accept'];
const PASS_RESPONSE = [
  'content-type',
  'content-length',
  'content-disposition',
  'cache-control',
  'x-content-type-options',
];

/** The caller's identity and the secret that proves a request comes from the gateway. */
function identityHeaders(caller: Caller | null, requestId: string) {
  const headers = new Headers();
  headers.set(IDENTITY_HEADERS.secret, config().GATEWAY_SECRET);
  headers.set(IDENTITY_HEADERS.requestId, requestId);
  if (caller) {
    headers.set(IDENTITY_HEADERS.userId, caller.userId);
    headers.set(IDENTITY_HEADERS.roles, caller.roles.join(','));
  }
  return headers;
}

/** Posts a buffered body (a REST upload) to a subgraph's file route as the caller; its status and JSON. */
export async function postToSubgraph(
  url: string,
  body: { bytes: Buffer; contentType: string },
  caller: Caller | null,
  requestId: string,
): Promise<{ status: number; json: unknown }> {
  const headers = identityHeaders(caller, requestId);
  headers.set('content-type', body.contentType);
  const res = await fetch(url, { method: 'POST', headers, body: new Uint8Array(body.bytes) });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/**
 * Forwards a non-GraphQL request (file upload or download) to a subgraph, streaming both ways, with the
 * same identity headers and secret as GraphQL calls.
 */
export async function proxyToSubgraph(
  req: IncomingMessage,
  res: ServerResponse,
  baseUrl: string,
  caller: Caller | null,
  requestId: string,
) {
  const headers = identityHeaders(caller, requestId);
  for (const h of PASS_REQUEST) {
    const v = req.headers[h];
    if (typeof v === 'string') headers.set(h, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const upstream = await fetch(new URL(req.url ?? '/', baseUrl), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as unknown as BodyInit) : undefined,
    duplex: 'half',
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
