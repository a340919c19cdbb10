import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { GraphQLSchema } from 'graphql';
import { type Caller, hasRole } from '../../platform/auth';
import { AppError, type ErrorCode, ErrorCodes } from '../../platform/errors';
import { escapeHtml, readBytes, sendPage, staticFiles } from '../../platform/http';
import { logger } from '../../platform/log';
import { nameRoute } from '../../platform/metrics';
import { isTransient } from '../../platform/transient';
import type { FieldProblem } from '../../platform/validation';
import { budgetKey, type Spend } from '../budget';
import type { GatewayExecutor } from '../subscriptions';
import { type CompiledRoute, compileRoute } from './compile';
import { IDEMPOTENCY_KEY } from './constraints';
import { openApiDocument } from './openapi';
import { type GatewayRoute, type GraphQLRoute, ROUTES } from './routes';
import { RestStore } from './store';

const log = logger('rest');
export const BASE = '/api/v1';

/** Every problem type the API answers with: its title, and what it means to the caller (its page says so). */
const PROBLEMS: Record<string, { title: string; meaning: string }> = {
  BAD_USER_INPUT: {
    title: 'The request is not valid',
    meaning: 'A parameter or field is missing or wrong; the errors list names each one. Nothing was changed.',
  },
  UNAUTHENTICATED: {
    title: 'Authentication required',
    meaning: 'Send a valid bearer token or X-API-Key; a token that expired needs a new sign-in.',
  },
  FORBIDDEN: { title: 'Not allowed', meaning: 'Your roles do not allow this operation on this resource.' },
  NOT_FOUND: {
    title: 'Not found',
    meaning: 'No such route, or no such resource that you may see (the two are not told apart).',
  },
  METHOD_NOT_ALLOWED: {
    title: 'Method not allowed',
    meaning: 'The path exists with other methods; the Allow header lists them.',
  },
  UNSUPPORTED_MEDIA_TYPE: { title: 'Unsupported media type', meaning: 'Send the body as application/json.' },
  CONFLICT: {
    title: 'Conflict with the current state',
    meaning: 'The resource changed or already exists (an Idempotency-Key reused with another body, too).',
  },
  ILLEGAL_TRANSITION: {
    title: 'Not possible in the current state',
    meaning: 'The resource is in a state this operation does not apply to; read it and try what it allows.',
  },
  FAILED_PRECONDITION: {
    title: 'A precondition failed',
    meaning: 'Something the operation needs is not so yet (the detail says what); nothing was changed.',
  },
  QUERY_TOO_COMPLEX: {
    title: 'The request is too complex',
    meaning: 'Ask for fewer items or a smaller page.',
  },
  RATE_LIMITED: {
    title: 'Too many requests',
    meaning: 'Your budget for the minute is spent; Retry-After says when to come back.',
  },
  UNAVAILABLE: {
    title: 'Service unavailable',
    meaning: 'A part of the platform is briefly away; retry after the Retry-After seconds. Nothing was lost.',
  },
  INTERNAL_SERVER_ERROR: {
    title: 'Internal error',
    meaning: 'Our fault, logged with the request id; nothing in the answer says more, by design.',
  },
};
const STATUS: Record<string, number> = {
  ...ErrorCodes,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
};
const problemType = (code: string) => `${BASE}/problems/${code.toLowerCase().replace(/_/g, '-')}`;

const problemPage = (code: string, p: { title: string; meaning: string }) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(p.title)} — LoanFlow API</title></head>
<body><h1>${escapeHtml(p.title)}</h1>
<p>HTTP status ${STATUS[code]}; <code>code</code>: <code>${code}</code>; type <code>${problemType(code)}</code>.</p>
<p>${escapeHtml(p.meaning)}</p>
<p>The answer is an RFC 9457 problem (application/problem+json). <a href="${BASE}/docs">API reference</a></p>
</body></html>`;

interface Problem {
  code: string;
  detail?: string;
  errors?: { in: string; name?: string; message: string }[];
  headers?: Record<string, string>;
}

/** An answer not yet sent: it can be kept for an Idempotency-Key and sent with the rate headers. */
export interface Reply {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
}

function problem(instance: string, p: Problem): Reply {
  const code = p.code in STATUS ? p.code : 'INTERNAL_SERVER_ERROR';
  const status = STATUS[code] ?? 500;
  return {
    status,
    type: 'application/problem+json',
    headers: {
      ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
      // A dependency away (a database restarting): come back shortly.
      ...(status === 503 ? { 'retry-after': '5' } : {}),
      ...p.headers,
    },
    body: JSON.stringify({
      type: problemType(code),
      title: PROBLEMS[code]?.title ?? code,
      status,
      ...(p.detail ? { detail: p.detail } : {}),
      instance,
      code,
      ...(p.errors ? { errors: p.errors } : {}),
    }),
  };
}

const clientIp = (req: IncomingMessage) => req.socket.remoteAddress ?? undefined;

function send(res: ServerResponse, reply: Reply, extra: Record<string, string> = {}) {
  res.writeHead(reply.status, {
    'content-type': `${reply.type}; charset=utf-8`,
    'cache-control': 'no-store',
    ...reply.headers,
    ...extra,
  });
  res.end(reply.body);
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
const docsAssets = staticFiles({
  'swagger-ui.css': { path: join(SWAGGER, 'swagger-ui.css'), type: 'text/css' },
  'swagger-ui-bundle.js': { path: join(SWAGGER, 'swagger-ui-bundle.js'), type: 'text/javascript' },
  // The page's one line of set-up, as a file so the page needs no inline script (PAGE_CSP).
  'swagger-init.js': {
    content: () => `SwaggerUIBundle({ url: '${BASE}/openapi.json', dom_id: '#api', deepLinking: true });`,
    type: 'text/javascript',
  },
});
const docsPage = () => {
  const v = (name: string) => `${BASE}/docs/${name}?v=${docsAssets.version(name)}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LoanFlow partner API</title>
<link rel="stylesheet" href="${v('swagger-ui.css')}"></head><body><div id="api"></div>
<script src="${v('swagger-ui-bundle.js')}"></script>
<script src="${v('swagger-init.js')}"></script>
</body></html>`;
};

/**
 * A multipart body with its boundary replaced: a client retrying an upload picks a new boundary, and the
 * retry is still the same request.
 */
function sameForm(contentType: string | undefined, raw: Buffer): Buffer | string {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  if (!boundary || !/^multipart\/form-data\b/i.test(contentType ?? '')) return raw;
  return raw.toString('latin1').split(boundary).join('BOUNDARY');
}

interface Built {
  of: GraphQLSchema;
  routes: CompiledRoute[];
  document: ReturnType<typeof openApiDocument>;
  validators: WeakMap<CompiledRoute, { params: ValidateFunction; body?: ValidateFunction }>;
}

/**
 * Of the routes a path matches, those that name the most of it literally: the table's
 * `POST /documents/upload` is that route, not `/documents/{docId}` with "upload" as an id.
 */
function mostSpecific(routes: CompiledRoute[]) {
  const literal = (r: CompiledRoute) => r.route.path.split('/').filter((s) => s && !s.startsWith('{')).length;
  const most = Math.max(...routes.map(literal));
  return routes.filter((r) => literal(r) === most);
}

/**
 * The partner REST API: routes declared in routes.ts, each run as one GraphQL operation through the
 * gateway as the caller, answering JSON or RFC 9457 problem details. The OpenAPI document is built from
 * the same declarations. Every POST honours an Idempotency-Key; every caller has a per-minute budget.
 */
export function restApi(options: {
  schema: () => GraphQLSchema;
  execute: GatewayExecutor;
  caller: (req: IncomingMessage) => Promise<Caller | null>;
  store: RestStore;
  /** The caller's budget (shared with /graphql). */
  spend: Spend;
  version: string;
  /** Hands an upload's multipart body to a subgraph's file route as the caller; its status and JSON. */
  forward: (
    subgraph: string,
    path: string,
    body: { bytes: Buffer; contentType: string },
    caller: Caller | null,
  ) => Promise<{ status: number; json: unknown }>;
  /** The routes the gateway answers itself. */
  serve: Record<GatewayRoute['serve'], (params: Record<string, unknown>) => Promise<Reply>>;
  /** Largest body an upload route takes. */
  maxUploadBytes: number;
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
  const pruner = setInterval(() => void options.store.prune().catch(() => undefined), 60_000);
  pruner.unref();

  /** Runs a matched route for a caller whose budget allows it. */
  async function run(
    r: CompiledRoute,
    req: IncomingMessage,
    url: URL,
    path: string,
    caller: Caller | null,
    raw: Buffer,
  ): Promise<Reply> {
    const instance = url.pathname;
    const params: Record<string, unknown> = {};
    const segments = path.match(r.pattern)?.slice(1) ?? [];
    try {
      r.pathNames.forEach((name, i) => {
        params[name] = decodeURIComponent(segments[i] ?? '');
      });
    } catch {
      return problem(instance, { code: 'BAD_USER_INPUT', detail: 'malformed path' });
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
    const v = current().validators.get(r);
    if (v && !v.params(params)) {
      const where = (name?: string) => r.params.find((p) => p.name === name)?.in ?? 'query';
      return problem(instance, {
        code: 'BAD_USER_INPUT',
        detail: 'a parameter is missing or not valid',
        errors: ajvErrors('parameter', v.params.errors).map((e) => ({ ...e, in: where(e.name) })),
      });
    }
    if ('serve' in r.route) return options.serve[r.route.serve](params);
    if (r.route.self && params[r.route.self] !== caller?.userId) {
      // Another customer's id: the same answer as for an id that does not exist.
      return problem(instance, { code: 'NOT_FOUND', detail: 'no such customer' });
    }
    if (r.route.upload) return upload(r, r.route, req, instance, caller, raw);
    const text = raw.toString('utf8');
    let body: unknown;
    if (text.trim()) {
      if (!/^application\/(.+\+)?json\b/i.test(req.headers['content-type'] ?? '')) {
        return problem(instance, {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          detail: 'send the body as application/json',
        });
      }
      try {
        body = JSON.parse(text);
      } catch {
        return problem(instance, { code: 'BAD_USER_INPUT', detail: 'the body is not JSON' });
      }
    }
    if (r.body) {
      if (body === undefined && r.body.required) {
        return problem(instance, { code: 'BAD_USER_INPUT', detail: 'a JSON body is required' });
      }
      if (body !== undefined && v?.body && !v.body(body)) {
        return problem(instance, {
          code: 'BAD_USER_INPUT',
          detail: 'the body does not match the schema',
          errors: ajvErrors('body', v.body.errors),
        });
      }
    } else if (body !== undefined && !(typeof body === 'object' && body && !Object.keys(body).length)) {
      return problem(instance, { code: 'BAD_USER_INPUT', detail: 'this route takes no body' });
    }

    return answer(r, r.route, instance, r.variables({ params, body }), caller, undefined, clientIp(req));
  }

  /** Runs the route's operation; its root value (or the picked part) is the body, an error a problem. */
  async function answer(
    r: CompiledRoute,
    route: GraphQLRoute,
    instance: string,
    variables: Record<string, unknown>,
    caller: Caller | null,
    status = route.status ?? 200,
    ip?: string,
  ): Promise<Reply> {
    const result = await options.execute(route.operation, variables, caller, { ip });
    const value = (result.data?.[r.rootKey] ?? null) as Record<string, unknown> | null;
    const picked = value && route.pick ? value[route.pick] : value;
    if (picked === null || picked === undefined) {
      const e = result.errors?.[0];
      const reply = failure(route, instance, e?.extensions?.code as string | undefined, e?.message, !!e, e);
      // A refusal that says when to come back (a throttled sign-in) says it as HTTP does.
      const wait = (e?.extensions?.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (typeof wait === 'number') reply.headers = { ...reply.headers, 'retry-after': String(wait) };
      return reply;
    }
    return { status, type: 'application/json', body: JSON.stringify(picked) };
  }

  function failure(
    route: GraphQLRoute,
    instance: string,
    code: string | undefined,
    message?: string,
    failed = true,
    error?: { extensions?: { details?: unknown } },
  ) {
    const c = code ?? (failed ? 'INTERNAL_SERVER_ERROR' : 'NOT_FOUND');
    if (c === 'INTERNAL_SERVER_ERROR') log.error({ path: route.path, error: message }, 'route failed');
    // Every field the service refused (platform/validation parseInput), as the request's own checks list them.
    const fields = (error?.extensions?.details as { fields?: FieldProblem[] } | undefined)?.fields;
    return problem(instance, {
      code: c === 'GRAPHQL_VALIDATION_FAILED' ? 'BAD_USER_INPUT' : c,
      detail: c === 'INTERNAL_SERVER_ERROR' ? undefined : (message ?? 'not found'),
      ...(c === 'BAD_USER_INPUT' && Array.isArray(fields)
        ? {
            errors: fields.map((f) => ({
              in: route.method === 'GET' ? 'query' : 'body',
              ...(f.field ? { name: f.field } : {}),
              message: f.message,
            })),
          }
        : {}),
    });
  }

  /** An upload: the multipart body goes to the subgraph's file route, then the operation reads back what it made. */
  async function upload(
    r: CompiledRoute,
    route: GraphQLRoute,
    req: IncomingMessage,
    instance: string,
    caller: Caller | null,
    raw: Buffer,
  ): Promise<Reply> {
    const up = route.upload as NonNullable<GraphQLRoute['upload']>;
    const contentType = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\b/i.test(contentType)) {
      return problem(instance, {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        detail: 'send the file as multipart/form-data',
      });
    }
    const sent = await options.forward(up.subgraph, up.path, { bytes: raw, contentType }, caller);
    if (sent.status >= 400) {
      const e = (sent.json as { errors?: { message?: string; extensions?: { code?: string } }[] } | null)
        ?.errors?.[0];
      return failure(route, instance, e?.extensions?.code, e?.message);
    }
    const id = up.id
      .split('.')
      .reduce<unknown>((v, k) => (v as Record<string, unknown> | null)?.[k], sent.json);
    if (typeof id !== 'string')
      return failure(route, instance, undefined, 'the upload answered without an id');
    return answer(
      r,
      route,
      instance,
      { [up.variable]: id },
      caller,
      sent.status === 201 ? 201 : 200,
      clientIp(req),
    );
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string, url: URL, atRoot: boolean) {
    const instance = url.pathname;
    const matching = mostSpecific(
      current().routes.filter((r) => (!atRoot || r.route.atRoot) && r.pattern.test(path)),
    );
    if (!matching.length) return send(res, problem(instance, { code: 'NOT_FOUND', detail: 'no such route' }));
    const r = matching.find((m) => m.route.method === req.method);
    if (!r) {
      return send(
        res,
        problem(instance, {
          code: 'METHOD_NOT_ALLOWED',
          detail: `${req.method} is not served here; ${matching.map((m) => m.route.method).join(', ')} is`,
          headers: { allow: matching.map((m) => m.route.method).join(', ') },
        }),
      );
    }
    // Every request counts against the budget, refused ones too: a bad token is answered after counting.
    let caller: Caller | null = null;
    let refusal: unknown;
    try {
      caller = await options.caller(req);
    } catch (err) {
      refusal = err;
    }
    // Each partner key has its own budget (and its own Idempotency-Keys), apart from its account's logins.
    const who = budgetKey(caller, clientIp(req));
    const budget = await options.spend(who);
    const rate = budget.headers;
    if (budget.over) {
      return send(
        res,
        problem(instance, {
          code: 'RATE_LIMITED',
          detail: `at most ${budget.perMinute} requests a minute`,
          headers: { 'retry-after': String(budget.retryAfter) },
        }),
        rate,
      );
    }
    if (refusal) throw refusal;
    if (r.route.roles !== 'public') {
      if (!caller) {
        return send(res, problem(instance, { code: 'UNAUTHENTICATED', detail: 'sign in first' }), rate);
      }
      if (r.route.roles !== 'authenticated' && !hasRole(caller, ...r.route.roles)) {
        return send(
          res,
          problem(instance, { code: 'FORBIDDEN', detail: 'your roles do not allow this' }),
          rate,
        );
      }
    }

    nameRoute(res, `${atRoot ? '' : BASE}${r.route.path}`);
    const takesFile = 'upload' in r.route && !!r.route.upload;
    const raw =
      req.method === 'GET' || req.method === 'DELETE'
        ? Buffer.alloc(0)
        : await readBytes(req, takesFile ? options.maxUploadBytes + 64 * 1024 : undefined);
    const key = req.method === 'POST' ? req.headers['idempotency-key'] : undefined;
    if (typeof key !== 'string') return send(res, await run(r, req, url, path, caller, raw), rate);
    if (!new RegExp(IDEMPOTENCY_KEY.pattern as string).test(key)) {
      return send(
        res,
        problem(instance, { code: 'BAD_USER_INPUT', detail: 'an Idempotency-Key is 8 to 100 characters' }),
        rate,
      );
    }
    const claim = await options.store.claim(
      who,
      key,
      RestStore.requestHash(req.method ?? 'POST', instance, sameForm(req.headers['content-type'], raw)),
    );
    if (claim.kind === 'mismatch') {
      return send(
        res,
        problem(instance, {
          code: 'FAILED_PRECONDITION',
          detail: 'this Idempotency-Key was used for another request',
        }),
        rate,
      );
    }
    if (claim.kind === 'in-progress') {
      return send(
        res,
        problem(instance, {
          code: 'CONFLICT',
          detail: 'a request with this Idempotency-Key is still running',
        }),
        rate,
      );
    }
    if (claim.kind === 'replay') {
      const type = claim.status >= 400 ? 'application/problem+json' : 'application/json';
      return send(
        res,
        { status: claim.status, type, body: claim.response },
        { ...rate, 'idempotent-replayed': 'true' },
      );
    }
    let reply: Reply;
    try {
      reply = await run(r, req, url, path, caller, raw);
    } catch (err) {
      await options.store.settle(who, key, 500, '');
      throw err;
    }
    await options.store.settle(who, key, reply.status, reply.body);
    return send(res, reply, rate);
  }

  return {
    routes: () => current().routes,
    document: () => current().document,
    stop: () => clearInterval(pruner),
    async handle(req: IncomingMessage, res: ServerResponse) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      // The table's /health/{service} and /metrics are also served outside /api/v1, where it puts them.
      const atRoot = url.pathname !== BASE && !url.pathname.startsWith(`${BASE}/`);
      const path = atRoot ? url.pathname : url.pathname.slice(BASE.length) || '/';
      try {
        if (atRoot) return await route(req, res, path, url, true);
        if (path === '/openapi.json' && req.method === 'GET') {
          return send(res, {
            status: 200,
            type: 'application/json',
            body: JSON.stringify(current().document),
          });
        }
        if ((path === '/docs' || path === '/docs/') && req.method === 'GET') return sendPage(res, docsPage());
        if (path.startsWith('/docs/') && req.method === 'GET')
          return docsAssets(path.slice('/docs/'.length), req, res);
        const code = path
          .match(/^\/problems\/([a-z-]+)$/)?.[1]
          ?.replace(/-/g, '_')
          .toUpperCase();
        const known = code ? PROBLEMS[code] : undefined;
        if (code && known && req.method === 'GET') {
          // A person following the type URI reads a page; a program gets the same facts as JSON.
          if (req.headers.accept?.includes('text/html')) return sendPage(res, problemPage(code, known));
          const body = { type: problemType(code), title: known.title, status: STATUS[code], code };
          return send(res, { status: 200, type: 'application/json', body: JSON.stringify(body) });
        }
        await route(req, res, path, url, false);
      } catch (err) {
        // A store that is away (the budget's, a key's) is a 503 to retry, not a failure of ours.
        const code: ErrorCode =
          err instanceof AppError ? err.code : isTransient(err) ? 'UNAVAILABLE' : 'INTERNAL_SERVER_ERROR';
        if (code === 'INTERNAL_SERVER_ERROR') log.error({ err, path }, 'REST request failed');
        if (!res.headersSent) {
          send(
            res,
            problem(url.pathname, { code, detail: err instanceof AppError ? err.message : undefined }),
          );
        } else res.end();
      }
    },
  };
}
