import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import { AppError, ErrorCodes, notFound } from './errors';
import { logger } from './log';
import { measure } from './metrics';
import { isTransient } from './transient';

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

const MAX_BODY = 1024 * 1024;
const log = logger('http');

export async function readBytes(req: IncomingMessage, limit = MAX_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError('BAD_USER_INPUT', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<string> {
  return (await readBytes(req, limit)).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Sends a stored file as a download that browsers neither cache nor sniff. */
export function sendFile(
  res: ServerResponse,
  file: { content: Buffer; contentType: string; fileName: string },
) {
  res.writeHead(200, {
    'content-type': file.contentType,
    'content-length': file.content.length,
    'content-disposition': `attachment; filename="${file.fileName}"`,
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(file.content);
}

/**
 * Runs one GraphQL-over-HTTP request through Apollo Server with our own context function. `prepare` sees
 * the request's query and extensions first: it may refuse it (by throwing) before Apollo parses it, or
 * return the document to run instead (one named by its hash).
 */
export async function handleGraphQL<C extends BaseContext>(
  server: ApolloServer<C>,
  req: IncomingMessage,
  res: ServerResponse,
  context: () => Promise<C>,
  prepare?: (request: { query?: unknown; extensions?: unknown }) => string | undefined,
) {
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const raw = req.method === 'POST' ? await readBody(req) : '';
  let body: unknown = raw;
  if (raw && headers.get('content-type')?.includes('application/json')) {
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, {
        errors: [{ message: 'malformed JSON body', extensions: { code: 'BAD_REQUEST' } }],
      });
    }
  }
  if (prepare) {
    const posted = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
    const extensions = url.searchParams.get('extensions');
    let parsedExtensions: unknown;
    try {
      parsedExtensions = extensions ? JSON.parse(extensions) : undefined;
    } catch {
      throw new AppError('BAD_USER_INPUT', 'extensions is not JSON');
    }
    const request = posted ?? {
      query: url.searchParams.get('query') ?? undefined,
      extensions: parsedExtensions,
    };
    const query = prepare(request);
    if (query !== undefined && query !== request.query) {
      if (posted) posted.query = query;
      else url.searchParams.set('query', query);
    }
  }
  const result = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
    context,
  });
  for (const [k, v] of result.headers) res.setHeader(k, v);
  res.statusCode = result.status ?? 200;
  // RFC 9110: a 401 names the scheme to use, whichever part refused the request.
  if (res.statusCode === 401) res.setHeader('www-authenticate', 'Bearer');
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

/** The route key for a path: an exact key, or a `/prefix/*` key that matches `/prefix` and below. */
function routeFor(routes: Record<string, Route>, path: string): string | undefined {
  if (routes[path]) return path;
  return Object.keys(routes).find((key) => {
    if (!key.endsWith('/*')) return false;
    const base = key.slice(0, -2);
    return path === base || path.startsWith(`${base}/`);
  });
}

/**
 * A plain node:http server; errors (404 included) become typed JSON, never stack traces. Every request is
 * counted and timed under `service` and its route key (see platform/metrics).
 */
export function httpServer(routes: Record<string, Route>, service = 'http'): Server {
  return createServer(routeRequests(routes, service));
}

/** The request listener behind `httpServer`, for a server created otherwise (e.g. HTTPS). */
export function routeRequests(routes: Record<string, Route>, service = 'http') {
  return async (req: IncomingMessage, res: ServerResponse) => {
    // Only origin-form targets (`/path?query`): `//host/…` or an absolute URL would name another origin.
    const target = req.url ?? '/';
    const originForm = target.startsWith('/') && !target.startsWith('//') && !target.includes('\\');
    const path = originForm ? new URL(target, 'http://localhost').pathname : '';
    const key = originForm ? routeFor(routes, path) : undefined;
    measure(service, key ?? 'unmatched', req.method ?? 'GET', res);
    for (const [h, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(h, v);
    try {
      if (!originForm) throw new AppError('BAD_USER_INPUT', 'the request target must be a path');
      const route = key ? routes[key] : undefined;
      if (!route) throw notFound('route');
      await route(req, res);
    } catch (err) {
      const code =
        err instanceof AppError ? err.code : isTransient(err) ? 'UNAVAILABLE' : 'INTERNAL_SERVER_ERROR';
      if (code === 'INTERNAL_SERVER_ERROR') log.error({ err, path }, 'request failed');
      else if (!(err instanceof AppError)) log.warn({ err, path }, 'a dependency is unavailable');
      if (code === 'UNAVAILABLE' && !res.headersSent) res.setHeader('retry-after', '5');
      if (!res.headersSent) {
        // RFC 9110: a 401 names the scheme to use; a 429 (or 503) says when to come back.
        if (code === 'UNAUTHENTICATED') res.setHeader('www-authenticate', 'Bearer');
        const wait = (err instanceof AppError ? err.extensions.details : undefined) as
          | { retryAfterSeconds?: unknown }
          | undefined;
        if (typeof wait?.retryAfterSeconds === 'number')
          res.setHeader('retry-after', String(wait.retryAfterSeconds));
        sendJson(res, ErrorCodes[code], {
          errors: [
            {
              message:
                err instanceof AppError
                  ? err.message
                  : code === 'UNAVAILABLE'
                    ? 'a service is briefly unavailable; try again shortly'
                    : 'internal error',
              extensions: { code },
            },
          ],
        });
      } else res.end();
    }
  };
}

export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function close(server: Server) {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
}

/** An asset: a file on disk, or content made in the process (read or made once, then kept). */
export type Asset = { type: string } & ({ path: string } | { content: () => string | Buffer });

interface Loaded {
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

/**
 * Serves a fixed set of assets by name, never a directory listing or a path from the request: each is
 * loaded once, gzipped once, and answered with a content-hash ETag (304 when the browser has it). Pages
 * link them with `?v=<hash>` (see `version`), so they may be cached for a year.
 */
export function staticFiles(files: Record<string, Asset>) {
  const cache = new Map<string, Loaded>();
  const load = (name: string): Loaded => {
    let hit = cache.get(name);
    if (hit) return hit;
    const file = files[name];
    if (!file) throw notFound('asset');
    const raw = 'path' in file ? readFileSync(file.path) : file.content();
    const body = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    hit = {
      body,
      gzip: gzipSync(body, { level: 6 }),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    };
    cache.set(name, hit);
    return hit;
  };
  const serve = (name: string, req: IncomingMessage, res: ServerResponse) => {
    const file = files[name];
    const hit = load(name);
    const headers: Record<string, string | number> = {
      'content-type': file?.type ?? 'application/octet-stream',
      etag: hit.etag,
      'cache-control': 'public, max-age=31536000, immutable',
      vary: 'accept-encoding',
    };
    if (req.headers['if-none-match'] === hit.etag) {
      res.writeHead(304, headers);
      return void res.end();
    }
    const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gz ? hit.gzip : hit.body;
    res.writeHead(200, {
      ...headers,
      ...(gz ? { 'content-encoding': 'gzip' } : {}),
      'content-length': body.length,
    });
    res.end(body);
  };
  /** The asset's content hash, for a `?v=` in a link: a new build is a new URL. */
  const version = (name: string) => load(name).etag.slice(1, 9);
  return Object.assign(serve, { version });
}

/** A page's policy: its own scripts, styles and workers only; inline styles for the UI libraries. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Text placed in a page as text, never as markup. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** An HTML page under PAGE_CSP, never cached (it may name the signed-in user's data). */
export function sendPage(res: ServerResponse, html: string) {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': PAGE_CSP,
    'cache-control': 'no-store',
  });
  res.end(html);
}

/**
 * Sent with every answer: an API answer is never a page to run or frame (pages override the policy
 * with PAGE_CSP), nothing is sniffed into another type, and no address leaks to other sites.
 */
export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;
