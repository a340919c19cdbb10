import type { CompiledRoute } from './compile';

export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details.',
  properties: {
    type: { type: 'string', description: 'Stable per error code; resolves to its description.' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: 'The GraphQL extensions.code behind the problem.' },
    errors: {
      type: 'array',
      description: 'What was wrong with the request, for 400s.',
      items: {
        type: 'object',
        properties: { in: { type: 'string' }, name: { type: 'string' }, message: { type: 'string' } },
        required: ['in', 'message'],
      },
    },
  },
  required: ['type', 'title', 'status'],
};

const operationId = (r: CompiledRoute) =>
  `${r.route.method.toLowerCase()}${r.route.path
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/[{}]/g, ''))
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
    .join('')}`;

const who = (r: CompiledRoute) =>
  r.route.roles === 'public'
    ? 'Anyone.'
    : r.route.roles === 'authenticated'
      ? 'Any signed-in caller (ownership applies).'
      : `Roles: ${r.route.roles.join(', ')}.`;

/** Other statuses a route answers with the same body. */
const alsoAnswers = (r: CompiledRoute): Record<string, string> =>
  'serve' in r.route
    ? (r.route.also ?? {})
    : r.route.upload
      ? { 200: 'The same file was uploaded for this application before: that document.' }
      : {};

const PROBLEM_RESPONSE = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/**
 * The refusals a route can answer with, each an RFC 9457 problem: what its shape makes possible (input to
 * check, a caller to know, roles to hold, a resource to find, a write to refuse), and the budget for all.
 */
function refusals(r: CompiledRoute): Record<string, ReturnType<typeof PROBLEM_RESPONSE>> {
  const write = r.route.method !== 'GET';
  const out: Record<string, ReturnType<typeof PROBLEM_RESPONSE>> = {};
  if (r.params.length || r.body)
    out[400] = PROBLEM_RESPONSE('The request is not valid; `errors` names each field.');
  if (r.route.roles !== 'public') out[401] = PROBLEM_RESPONSE('No valid token or API key.');
  if (Array.isArray(r.route.roles)) out[403] = PROBLEM_RESPONSE('The caller’s roles do not allow this.');
  if (r.pathNames.length) out[404] = PROBLEM_RESPONSE('No such resource that the caller may see.');
  if (write) {
    out[409] = PROBLEM_RESPONSE(
      'A conflict with the current state, or an Idempotency-Key reused with another body.',
    );
    out[422] = PROBLEM_RESPONSE('A precondition of the operation does not hold; nothing changed.');
  }
  out[429] = PROBLEM_RESPONSE('The caller’s budget for the minute is spent (see Retry-After).');
  return out;
}

/** The OpenAPI 3.1 document of the partner API, from the same compiled routes the router serves. */
export function openApiDocument(routes: readonly CompiledRoute[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const status = r.route.status ?? 200;
    paths[r.route.path] ??= {};
    const entry = paths[r.route.path] as Record<string, unknown>;
    entry[r.route.method.toLowerCase()] = {
      operationId: operationId(r),
      tags: [r.route.tag],
      summary: r.route.summary,
      description:
        (r.route.alias ? `The same as ${r.route.alias}, under another name. ` : '') +
        ('serve' in r.route
          ? `${who(r)} Answered by the gateway itself${r.route.atRoot ? `, also at ${r.route.path} outside /api/v1` : ''}.`
          : `${who(r)}${r.route.upload ? ` The file goes to the ${r.route.upload.subgraph} service first; then` : ''} Runs the GraphQL operation:\n\n\`\`\`graphql\n${r.route.operation}\n\`\`\``),
      parameters: r.params.map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required,
        schema: p.schema,
        ...(p.description ? { description: p.description } : {}),
      })),
      ...(r.body
        ? {
            requestBody: {
              required: r.body.required,
              content: { [r.body.type]: { schema: r.body.schema } },
            },
          }
        : {}),
      responses: {
        [String(status)]: {
          description: { 200: 'OK', 201: 'Created', 202: 'Accepted' }[status],
          content: { [r.responseType]: { schema: r.response } },
        },
        ...Object.fromEntries(
          Object.entries(alsoAnswers(r)).map(([s, description]) => [
            s,
            { description, content: { [r.responseType]: { schema: r.response } } },
          ]),
        ),
        ...refusals(r),
        default: PROBLEM_RESPONSE('The service failed or is briefly unavailable (RFC 9457 problem details).'),
      },
      security: r.route.roles === 'public' ? [] : [{ apiKey: [] }, { bearer: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'LoanFlow partner API',
      version,
      description:
        'A REST layer over the LoanFlow GraphQL graph: every route runs one GraphQL operation as the caller.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/api/v1' }],
    paths,
    components: {
      schemas: { Problem: PROBLEM_SCHEMA },
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description:
            'A partner key issued by an admin (createApiKey); it acts with the roles it was given.',
        },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An access token from POST /auth/login.',
        },
      },
    },
  };
}
