import {
  type FieldNode,
  type GraphQLInputType,
  type GraphQLSchema,
  isNonNullType,
  Kind,
  type OperationDefinitionNode,
  parse,
  typeFromAST,
  validate,
} from 'graphql';
import { constrained, IDEMPOTENCY_KEY } from './constraints';
import { inputObjectOf, inputSchema, type JsonSchema, outputSchema } from './json-schema';
import type { GatewayRoute, GraphQLRoute, RestRoute } from './routes';

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
  description?: string;
}

/** A route checked against the API schema, with everything the router and the document need. */
export interface CompiledRoute {
  route: RestRoute;
  pattern: RegExp;
  pathNames: string[];
  params: Param[];
  body?: { schema: JsonSchema; required: boolean; type: 'application/json' | 'multipart/form-data' };
  response: JsonSchema;
  responseType: 'application/json' | 'text/plain';
  rootKey: string;
  /** Variables from the validated parts of a request. */
  variables(parts: { params: Record<string, unknown>; body: unknown }): Record<string, unknown>;
}

const unNull = (s: JsonSchema): JsonSchema => {
  const any = s.anyOf as JsonSchema[] | undefined;
  if (any) return any.find((x) => x.type !== 'null') ?? s;
  return Array.isArray(s.type) ? { ...s, type: (s.type as string[]).find((t) => t !== 'null') } : s;
};

const pathOf = (path: string) => ({
  pathNames: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
  pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '([^/]+)')}$`),
});

/** The Idempotency-Key header every POST takes. */
const IDEMPOTENCY_PARAM: Param = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: IDEMPOTENCY_KEY,
  description: 'A retry with the same key and body gets the first answer; another body gets 422.',
};

export function compileRoute(route: RestRoute, schema: GraphQLSchema): CompiledRoute {
  return 'serve' in route ? compileGatewayRoute(route) : compileGraphQLRoute(route, schema);
}

function compileGatewayRoute(route: GatewayRoute): CompiledRoute {
  const { pathNames, pattern } = pathOf(route.path);
  return {
    route,
    pattern,
    pathNames,
    params: [
      ...pathNames.map((name) => ({
        name,
        in: 'path' as const,
        required: true,
        schema: route.pathParams?.[name] ?? { type: 'string' },
      })),
      ...(route.method === 'POST' ? [IDEMPOTENCY_PARAM] : []),
    ],
    response: route.response.schema,
    responseType: route.response.type,
    rootKey: '',
    variables: ({ params }) => params,
  };
}

/** The multipart form of an upload route: its declared fields, typed from the graph, and the file. */
function uploadForm(upload: NonNullable<GraphQLRoute['upload']>, schema: GraphQLSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, typeName] of Object.entries(upload.fields)) {
    const type = schema.getType(typeName);
    if (!type) throw new Error(`upload field ${name}: no type ${typeName}`);
    properties[name] = unNull(constrained(`${upload.path}.${name}`, inputSchema(type as GraphQLInputType)));
  }
  properties.file = { type: 'string', format: 'binary', description: 'The file (PDF, JPEG or PNG).' };
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

function compileGraphQLRoute(route: GraphQLRoute, schema: GraphQLSchema): CompiledRoute {
  const document = parse(route.operation);
  const errors = validate(schema, document);
  if (errors.length) throw new Error(`${route.method} ${route.path}: ${errors[0]?.message}`);
  const op = document.definitions[0] as OperationDefinitionNode;
  const root = op.selectionSet.selections[0] as FieldNode;
  if (
    document.definitions.length !== 1 ||
    op.selectionSet.selections.length !== 1 ||
    root.kind !== Kind.FIELD
  ) {
    throw new Error(`${route.method} ${route.path}: one operation with one root field`);
  }
  const rootType = op.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  const field = rootType?.getFields()[root.name.value];
  if (!field) throw new Error(`${route.method} ${route.path}: no root field ${root.name.value}`);
  let response = outputSchema(field.type, root.selectionSet);
  if (route.pick) {
    const picked = (unNull(response).properties as Record<string, JsonSchema> | undefined)?.[route.pick];
    if (!picked) throw new Error(`${route.method} ${route.path}: nothing to pick at ${route.pick}`);
    response = picked;
  }
  // A missing entity is a 404, so the body itself is never null.
  response = unNull(response);

  const { pathNames, pattern } = pathOf(route.path);
  const params: Param[] = [];
  const bodyProps: Record<string, JsonSchema> = {};
  const bodyRequired: string[] = [];
  let wholeBody: { name: string; schema: JsonSchema; required: boolean } | undefined;
  const flattened = new Map<string, string[]>();
  const takesQuery = route.method === 'GET' || route.method === 'DELETE';

  for (const def of op.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type as never) as GraphQLInputType;
    const required = isNonNullType(type) && !def.defaultValue;
    const schemaOf = () => constrained(`${root.name.value}.${name}`, inputSchema(type));
    if ((route.fixed && name in route.fixed) || route.upload?.variable === name) continue;
    if (pathNames.includes(name)) {
      params.push({ name, in: 'path', required: true, schema: unNull(schemaOf()) });
    } else if (route.headers?.[name]) {
      params.push({ name: route.headers[name], in: 'header', required, schema: schemaOf() });
    } else if (takesQuery) {
      const object = inputObjectOf(type);
      if (object) {
        const fields = Object.values(object.getFields());
        flattened.set(
          name,
          fields.map((f) => f.name),
        );
        for (const f of fields) {
          params.push({
            name: f.name,
            in: 'query',
            required: required && isNonNullType(f.type) && f.defaultValue === undefined,
            schema: unNull(constrained(`${object.name}.${f.name}`, inputSchema(f.type))),
            ...(f.description ? { description: f.description } : {}),
          });
        }
      } else params.push({ name, in: 'query', required, schema: unNull(schemaOf()) });
    } else if (route.body === name) {
      wholeBody = { name, schema: unNull(schemaOf()), required };
    } else {
      bodyProps[name] = schemaOf();
      if (required) bodyRequired.push(name);
    }
  }
  for (const name of pathNames) {
    if (params.some((p) => p.in === 'path' && p.name === name)) continue;
    if (route.self !== name) throw new Error(`${route.method} ${route.path}: no variable takes {${name}}`);
    params.push({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string', format: 'uuid' },
      description: 'The caller’s own id: the operation acts on the signed-in customer.',
    });
  }
  if (route.method === 'POST' && !params.some((p) => p.in === 'header' && p.name === 'Idempotency-Key')) {
    params.push(IDEMPOTENCY_PARAM);
  }
  const seen = new Set<string>();
  for (const p of params) {
    if (seen.has(`${p.in}:${p.name}`))
      throw new Error(`${route.method} ${route.path}: two parameters ${p.name}`);
    seen.add(`${p.in}:${p.name}`);
  }
  const json = 'application/json' as const;
  const body = route.upload
    ? { schema: uploadForm(route.upload, schema), required: true, type: 'multipart/form-data' as const }
    : wholeBody
      ? { schema: wholeBody.schema, required: wholeBody.required, type: json }
      : Object.keys(bodyProps).length
        ? {
            schema: {
              type: 'object',
              properties: bodyProps,
              required: bodyRequired,
              additionalProperties: false,
            } as JsonSchema,
            required: bodyRequired.length > 0,
            type: json,
          }
        : undefined;
  const headerVar = Object.entries(route.headers ?? {});

  return {
    route,
    pattern,
    pathNames,
    params,
    body,
    response,
    responseType: json,
    rootKey: root.alias?.value ?? root.name.value,
    variables({ params: values, body: sent }) {
      const vars: Record<string, unknown> = { ...route.fixed };
      for (const p of params) {
        if (p.in === 'path' && p.name !== route.self && values[p.name] !== undefined)
          vars[p.name] = values[p.name];
      }
      for (const [v, header] of headerVar) {
        if (values[header] !== undefined) vars[v] = values[header];
      }
      if (takesQuery) {
        for (const p of params) {
          if (p.in === 'query' && values[p.name] !== undefined) vars[p.name] = values[p.name];
        }
        for (const [v, fields] of flattened) {
          const object = Object.fromEntries(
            fields.filter((f) => values[f] !== undefined).map((f) => [f, values[f]]),
          );
          for (const f of fields) delete vars[f];
          if (Object.keys(object).length) vars[v] = object;
        }
      } else if (wholeBody) {
        if (sent !== undefined) vars[wholeBody.name] = sent;
      } else if (sent && typeof sent === 'object') {
        Object.assign(vars, sent);
      }
      return vars;
    },
  };
}
