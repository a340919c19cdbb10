import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { GraphQLSchema } from 'graphql';
import { type Caller, hasRole } from '../../platform/auth';
import { AppError, type ErrorCode, ErrorCodes } from '../../platform/errors';
import { readBody } from '../../platform/http';
import { logger } from '../../platform/log';
import type { GatewayExecutor } from '../subscriptions';
import { type CompiledRoute, compileRoute } from './compile';
import { openApiDocument } from './openapi';
import { ROUTES } from './routes';

const log = logger('rest');
export const BASE = '/api/v1';

const TITLES: Record<string, string> = {
  BAD_USER_INPUT: 'The request is not valid',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  CONFLICT: 'Conflict with the current state',
  ILLEGAL_TRANSITION: 'Not possible in the current state',
  FAILED_PRECONDITION: 'A precondition failed',
  QUERY_TOO_COMPLEX: 'The request is too complex',
  RATE_LIMITED: 'Too many requests',
  UNAVAILABLE: 'Service unavailable',
  INTERNAL_SERVER_ERROR: 'Internal error',
};
const STATUS: Record<string, number> = {
  ...ErrorCodes,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
};
const problemType = (code: string) => `${BASE}/problems/${code.toLowerCase().replace(/_/g, '-')}`;

interface Problem {
  code: string;
  detail?: string;
  errors?: { in: string; name?: string; message: string }[];
  headers?: Record<string, string>;
}

function sendProblem(res: ServerResponse, instance: string, p: Problem) {
  const code = p.code in STATUS ? p.code : 'INTERNAL_SERVER_ERROR';
  const status = STATUS[code] ?? 500;
  res.writeHead(status, {
    'content-type': 'application/problem+json; charset=utf-8',
    'cache-control': 'no-store',
    ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
    ...p.headers,
  });
  res.end(
    JSON.stringify({
      type: problemType(code),
      title: TITLES[code] ?? code,
      status,
      ...(p.detail ? { detail: p.detail } : {}),
      instance,
      code,
      ...(p.errors ? { errors: p.errors } : {}),
    }),
  );
}

const ajvErrors = (where: string, errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => ({
    in: where,
    name:
      where === 'body'
        ? e.instancePath || '/'
        : (e.instancePath.split('/')[1] ?? (e.params as { missingProperty?: string }).missingProperty),
    message: e.message ?? 'invalid',
  }));

const SWAGGER = dirname(require.resolve('swagger-ui-dist/package.json'));
const DOCS_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'text/javascript',
};
const DOCS_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LoanFlow partner API</title>
<link rel="stylesheet" href="${BASE}/docs/swagger-ui.css"></head><body><div id="api"></div>
<script src="${BASE}/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: '${BASE}/openapi.json', dom_id: '#api', deepLinking: true });</script>
</body></html>`;

interface Built {
  of: GraphQLSchema;
  routes: CompiledRoute[];
  document: ReturnType<typeof openApiDocument>;
  validators: WeakMap<CompiledRoute, { params: ValidateFunction; body?: ValidateFunction }>;
}

/**
 * The partner REST API: routes declared in routes.ts, each run as one GraphQL operation through the
 * gateway as the caller, answering JSON or RFC 9457 problem details. The OpenAPI document is built from
 * the same declarations.
 */
export function restApi(options: {
  schema: () => GraphQLSchema;
  execute: GatewayExecutor;
  caller: (req: IncomingMessage) => Promise<Caller | null>;
  version: string;
}) {
  // Query strings and path segments are text: coerce them to the declared types (and single values to lists).
  const paramsAjv = addFormats(new Ajv({ coerceTypes: 'array', strict: false, allErrors: true }));
  const bodyAjv = addFormats(new Ajv({ strict: false, allErrors: true }));
  let built: Built | undefined;
  const current = (): Built => {
    const schema = options.schema();
    if (built?.of === schema) return built;
    const routes = ROUTES.map((r) => compileRoute(r, schema));
    const validators = new WeakMap<CompiledRoute, { params: ValidateFunction; body?: ValidateFunction }>();
    for (const r of routes) {
      validators.set(r, {
        params: paramsAjv.compile({
          type: 'object',
          properties: Object.fromEntries(r.params.map((p) => [p.name, p.schema])),
          required: r.params.filter((p) => p.required).map((p) => p.name),
        }),
        ...(r.body ? { body: bodyAjv.compile(r.body.schema) } : {}),
      });
    }
    built = { of: schema, routes, document: openApiDocument(routes, options.version), validators };
    return built;
  };

  async function serveRoute(req: IncomingMessage, res: ServerResponse, path: string, url: URL) {
    const b = current();
    const matching = b.routes.filter((r) => r.pattern.test(path));
    if (!matching.length)
      return sendProblem(res, url.pathname, { code: 'NOT_FOUND', detail: 'no such route' });
    const r = matching.find((m) => m.route.method === req.method);
    if (!r) {
      return sendProblem(res, url.pathname, {
        code: 'METHOD_NOT_ALLOWED',
        headers: { allow: matching.map((m) => m.route.method).join(', ') },
      });
    }
    const caller = await options.caller(req);
    if (r.route.roles !== 'public') {
      if (!caller)
        return sendProblem(res, url.pathname, { code: 'UNAUTHENTICATED', detail: 'sign in first' });
      if (r.route.roles !== 'authenticated' && !hasRole(caller, ...r.route.roles)) {
        return sendProblem(res, url.pathname, { code: 'FORBIDDEN', detail: 'your roles do not allow this' });
      }
    }

    const params: Record<string, unknown> = {};
    const segments = path.match(r.pattern)?.slice(1) ?? [];
    try {
      r.pathNames.forEach((name, i) => {
        params[name] = decodeURIComponent(segments[i] ?? '');
      });
    } catch {
      return sendProblem(res, url.pathname, { code: 'BAD_USER_INPUT', detail: 'malformed path' });
    }
    for (const p of r.params) {
      if (p.in === 'query') {
        const values = url.searchParams.getAll(p.name);
        if (values.length) params[p.name] = p.schema.type === 'array' ? values : values[0];
      } else if (p.in === 'header') {
        const v = req.headers[p.name.toLowerCase()];
        if (typeof v === 'string') params[p.name] = v;
      }
    }
    const v = b.validators.get(r);
    if (v && !v.params(params)) {
      const where = (name?: string) => r.params.find((p) => p.name === name)?.in ?? 'query';
      return sendProblem(res, url.pathname, {
        code: 'BAD_USER_INPUT',
        detail: 'a parameter is missing or not valid',
        errors: ajvErrors('parameter', v.params.errors).map((e) => ({ ...e, in: where(e.name) })),
      });
    }

    let body: unknown;
    if (req.method !== 'GET' && req.method !== 'DELETE') {
      const raw = await readBody(req);
      if (raw.trim()) {
        if (!/^application\/(.+\+)?json\b/i.test(req.headers['content-type'] ?? '')) {
          return sendProblem(res, url.pathname, {
            code: 'UNSUPPORTED_MEDIA_TYPE',
            detail: 'send the body as application/json',
          });
        }
        try {
          body = JSON.parse(raw);
        } catch {
          return sendProblem(res, url.pathname, { code: 'BAD_USER_INPUT', detail: 'the body is not JSON' });
        }
      }
    }
    if (r.body) {
      if (body === undefined && r.body.required) {
        return sendProblem(res, url.pathname, { code: 'BAD_USER_INPUT', detail: 'a JSON body is required' });
      }
      if (body !== undefined && v?.body && !v.body(body)) {
        return sendProblem(res, url.pathname, {
          code: 'BAD_USER_INPUT',
          detail: 'the body does not match the schema',
          errors: ajvErrors('body', v.body.errors),
        });
      }
    } else if (body !== undefined && !(typeof body === 'object' && body && !Object.keys(body).length)) {
      return sendProblem(res, url.pathname, { code: 'BAD_USER_INPUT', detail: 'this route takes no body' });
    }

    const result = await options.execute(r.route.operation, r.variables({ params, body }), caller);
    const value = (result.data?.[r.rootKey] ?? null) as Record<string, unknown> | null;
    const picked = value && r.route.pick ? value[r.route.pick] : value;
    if (picked === null || picked === undefined) {
      const e = result.errors?.[0];
      const code = (e?.extensions?.code as string | undefined) ?? (e ? 'INTERNAL_SERVER_ERROR' : 'NOT_FOUND');
      if (code === 'INTERNAL_SERVER_ERROR')
        log.error({ path: r.route.path, error: e?.message }, 'route failed');
      return sendProblem(res, url.pathname, {
        code: code === 'GRAPHQL_VALIDATION_FAILED' ? 'BAD_USER_INPUT' : code,
        detail: code === 'INTERNAL_SERVER_ERROR' ? undefined : (e?.message ?? 'not found'),
      });
    }
    res.writeHead(r.route.status ?? 200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(JSON.stringify(picked));
  }

  return {
    routes: () => current().routes,
    document: () => current().document,
    async handle(req: IncomingMessage, res: ServerResponse) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname.slice(BASE.length) || '/';
      try {
        if (path === '/openapi.json' && req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(current().document));
          return;
        }
        if ((path === '/docs' || path === '/docs/') && req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(DOCS_PAGE);
          return;
        }
        const asset = path.startsWith('/docs/') ? path.slice('/docs/'.length) : undefined;
        if (asset && DOCS_ASSETS[asset] && req.method === 'GET') {
          res.writeHead(200, { 'content-type': DOCS_ASSETS[asset], 'cache-control': 'public, max-age=3600' });
          res.end(readFileSync(join(SWAGGER, asset)));
          return;
        }
        const problem = path
          .match(/^\/problems\/([a-z-]+)$/)?.[1]
          ?.replace(/-/g, '_')
          .toUpperCase();
        if (problem && TITLES[problem] && req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end(
            JSON.stringify({
              type: problemType(problem),
              title: TITLES[problem],
              status: STATUS[problem],
              code: problem,
            }),
          );
          return;
        }
        await serveRoute(req, res, path, url);
      } catch (err) {
        const code: ErrorCode = err instanceof AppError ? err.code : 'INTERNAL_SERVER_ERROR';
        if (!(err instanceof AppError)) log.error({ err, path }, 'REST request failed');
        if (!res.headersSent) {
          sendProblem(res, url.pathname, {
            code,
            detail: err instanceof AppError ? err.message : undefined,
          });
        } else res.end();
      }
    },
  };
}
