// What a GraphQL document may ask of the gateway. Every limit here is applied the same way to documents
// that come over HTTP (/graphql, the REST shim) and over the WebSocket; each is linear in the document
// (fragments are visited once and memoised), so checking a hostile document costs no more than reading it.
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  GraphQLError,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  getOperationAST,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  Lexer,
  type OperationDefinitionNode,
  type SelectionSetNode,
  Source,
  TokenKind,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
  valueFromAST,
} from 'graphql';
import { type Caller, isStaff } from '../platform/auth';
import type { Config } from '../platform/config';
import { refuseRequest } from '../platform/errors';

export interface DocumentLimits {
  /** Lexical tokens in a document (checked while parsing, before anything else). */
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  /** Fields at the root of one operation (e.g. aliased mutations). */
  maxRootFields: number;
  /** Fragment spreads written in a document. */
  maxFragmentSpreads: number;
  /** Selections of an operation with every fragment spread expanded: what the query planner would walk. */
  maxExpandedSelections: number;
  maxDirectives: number;
  /** Cost of an operation, with list sizes from its slicing arguments (see queryCost). */
  maxCost: number;
  /** The size assumed for a list without a slicing argument. */
  defaultListSize: number;
  /** Anonymous callers may only send small documents: sign-up, sign-in, password reset. */
  anonymous: { maxTokens: number; maxCharacters: number; maxCost: number };
}

export function limitsFrom(c: Config): DocumentLimits {
  return {
    maxTokens: c.MAX_QUERY_TOKENS,
    maxDepth: c.MAX_QUERY_DEPTH,
    maxAliases: c.MAX_QUERY_ALIASES,
    maxRootFields: c.MAX_ROOT_FIELDS,
    maxFragmentSpreads: c.MAX_FRAGMENT_SPREADS,
    maxExpandedSelections: c.MAX_EXPANDED_SELECTIONS,
    maxDirectives: c.MAX_QUERY_DIRECTIVES,
    maxCost: c.MAX_QUERY_COST,
    defaultListSize: c.DEFAULT_LIST_SIZE,
    anonymous: {
      maxTokens: c.ANONYMOUS_MAX_TOKENS,
      maxCharacters: c.ANONYMOUS_MAX_CHARACTERS,
      maxCost: c.ANONYMOUS_MAX_COST,
    },
  };
}

/**
 * Mutations that try a credential or create an account: at most one per operation, so aliases cannot turn
 * one request into many password guesses.
 */
export const CREDENTIAL_FIELDS = new Set([
  'login',
  'register',
  'verifyEmail',
  'refresh',
  'requestPasswordReset',
  'resetPassword',
  'changePassword',
]);

const tooComplex = (message: string, limit: string) =>
  new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', limit } });

/**
 * How many lexical tokens `source` holds, counting no further than `max + 1` (a document that is too
 * long is not read to its end). At a syntax error the count so far is returned: parsing reports the error.
 */
export function tokenCount(source: string, max: number): number {
  const lexer = new Lexer(new Source(source));
  let n = 0;
  try {
    while (n <= max && lexer.advance().kind !== TokenKind.EOF) n++;
  } catch {
    return n;
  }
  return n;
}

/** What the document-shape rule counts for one operation, fragments expanded. */
interface Shape {
  rootFields: number;
  credentialFields: number;
  expanded: number;
}

/**
 * Root fields, credential fields and expanded selections per operation, and the fragment spreads written
 * in the document. Each fragment's own counts are computed once; a spread adds them (a fragment bomb of
 * ten spreads per level is a multiplication, not a walk). A cycle counts as nothing here: graphql-js's
 * NoFragmentCycles rule reports it as a validation error.
 */
function documentShapeRule(limits: DocumentLimits): ValidationRule {
  return (context: ValidationContext) => ({
    Document: {
      enter(document) {
        const fragments = new Map<string, FragmentDefinitionNode>();
        let spreads = 0;
        for (const d of document.definitions) {
          if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
        }
        const memo = new Map<string, { expanded: number; root: Shape }>();
        const active = new Set<string>();
        // Counts a selection set; `atRoot` is true for the operation's own selection set.
        const walk = (set: SelectionSetNode, atRoot: boolean): Shape => {
          const s: Shape = { rootFields: 0, credentialFields: 0, expanded: 0 };
          for (const sel of set.selections) {
            if (sel.kind === Kind.FIELD) {
              s.expanded += 1;
              if (atRoot) {
                s.rootFields += 1;
                if (CREDENTIAL_FIELDS.has(sel.name.value)) s.credentialFields += 1;
              }
              if (sel.selectionSet) s.expanded += walk(sel.selectionSet, false).expanded;
            } else if (sel.kind === Kind.INLINE_FRAGMENT) {
              add(s, walk(sel.selectionSet, atRoot));
            } else {
              const f = fragment(sel.name.value);
              add(s, atRoot ? f.root : { rootFields: 0, credentialFields: 0, expanded: f.expanded });
            }
          }
          return s;
        };
        const fragment = (name: string) => {
          const known = memo.get(name);
          if (known) return known;
          const def = fragments.get(name);
          if (!def || active.has(name))
            return { expanded: 0, root: { rootFields: 0, credentialFields: 0, expanded: 0 } };
          active.add(name);
          const root = walk(def.selectionSet, true);
          active.delete(name);
          const counted = { expanded: root.expanded, root };
          memo.set(name, counted);
          return counted;
        };
        const add = (to: Shape, from: Shape) => {
          to.rootFields += from.rootFields;
          to.credentialFields += from.credentialFields;
          to.expanded += from.expanded;
        };
        const countSpreads = (set: SelectionSetNode) => {
          for (const sel of set.selections) {
            if (sel.kind === Kind.FRAGMENT_SPREAD) spreads++;
            else if (sel.selectionSet) countSpreads(sel.selectionSet);
          }
        };
        for (const d of document.definitions) {
          if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) {
            countSpreads(d.selectionSet);
          }
        }
        if (spreads > limits.maxFragmentSpreads) {
          context.reportError(
            tooComplex(
              `the document spreads fragments ${spreads} times; the limit is ${limits.maxFragmentSpreads}`,
              'fragmentSpreads',
            ),
          );
          return;
        }
        for (const d of document.definitions) {
          if (d.kind !== Kind.OPERATION_DEFINITION) continue;
          const s = walk(d.selectionSet, true);
          const name = d.name ? `operation ${d.name.value}` : 'the operation';
          if (s.rootFields > limits.maxRootFields) {
            context.reportError(
              tooComplex(
                `${name} has ${s.rootFields} root fields; the limit is ${limits.maxRootFields}`,
                'rootFields',
              ),
            );
          }
          if (s.credentialFields > 1) {
            context.reportError(
              tooComplex(`${name} tries a credential more than once; send one per request`, 'credentials'),
            );
          }
          if (s.expanded > limits.maxExpandedSelections) {
            context.reportError(
              tooComplex(
                `${name} selects ${s.expanded} fields once its fragments are expanded; the limit is ${limits.maxExpandedSelections}`,
                'expandedSelections',
              ),
            );
          }
        }
      },
    },
  });
}

/** C0 and C1 control characters (NUL among them) other than tab, line feed and carriage return. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
const controlRefusal = (where: string) => `${where}: text may not contain control characters`;

/** Where in a variables value a string holds a control character (`$input.fullName`), if anywhere. */
export function controlCharacterAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return CONTROL.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const at = controlCharacterAt(v, `${path}[${i}]`);
      if (at) return at;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const at = controlCharacterAt(v, `${path}.${k}`);
      if (at) return at;
    }
  }
  return undefined;
}

/** String literals written in the document obey the same rule as variables. */
const plainStringsRule: ValidationRule = (context) => ({
  StringValue(node) {
    if (CONTROL.test(node.value)) {
      context.reportError(new GraphQLError(controlRefusal('a string'), { nodes: [node] }));
    }
  },
});

/** "Did you mean …?" names fields of the schema: only for callers who may read the schema anyway. */
export const withoutSuggestions = (message: string) => message.replace(/ ?Did you mean .+\?$/s, '');

/** graphql-armor's rules report into the validation context instead of throwing (a throw would be a 500). */
const report = [
  (ctx: ValidationContext | null, error: GraphQLError) =>
    ctx?.reportError(tooComplex(error.message.replace(/^Syntax Error: /, ''), 'armor')),
];

/** The validation rules every document passes besides graphql-js's own. */
export function limitRules(limits: DocumentLimits): ValidationRule[] {
  const armor = { propagateOnRejection: false, onReject: report };
  return [
    plainStringsRule,
    documentShapeRule(limits),
    // Depth counts fields, not fragments (a spread adds no level), as graphql-depth-limit did.
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...armor }),
    maxAliasesRule({ n: limits.maxAliases, ...armor }),
    maxDirectivesRule({ n: limits.maxDirectives, ...armor }),
  ];
}

const SLICING_ARGUMENTS = ['first', 'last', 'limit'];

/** A non-negative integer, or undefined. */
const size = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

/**
 * The page size a field asks for: a `first`/`last`/`limit` argument, or one inside an input object argument
 * (`page: { first }`), from the literal, the variables or the schema's default. Undefined when the field
 * has no slicing argument.
 */
function sliceSize(
  def: GraphQLField<unknown, unknown>,
  nodes: readonly ArgumentNode[] | undefined,
  variables: Record<string, unknown>,
): number | undefined {
  const given = (arg: GraphQLArgument) => nodes?.find((n) => n.name.value === arg.name)?.value;
  const argValue = (node: ValueNode | undefined, type: GraphQLInputType, fallback: unknown) =>
    node === undefined ? fallback : valueFromAST(node, type, variables);
  for (const arg of def.args) {
    if (SLICING_ARGUMENTS.includes(arg.name)) {
      return size(argValue(given(arg), arg.type, arg.defaultValue));
    }
    const input = getNullableType(arg.type);
    if (!isInputObjectType(input)) continue;
    const fields = input.getFields();
    const slicing = SLICING_ARGUMENTS.map((n) => fields[n]).find((f) => f !== undefined);
    if (!slicing) continue;
    const value = argValue(given(arg), arg.type, arg.defaultValue) as
      | Record<string, unknown>
      | null
      | undefined;
    return size(value?.[slicing.name] ?? slicing.defaultValue);
  }
  return undefined;
}

/**
 * The cost of running an operation: one per field, and a field under a list costs once per item. A list's
 * size comes from the field's slicing argument (`first`, `last`, `limit`, or the same inside an input such
 * as `page`), else, when its parent was sliced (a connection's `nodes`), from the parent's; else
 * `defaultListSize`. Introspection fields cost nothing here (they are staff-only and answered locally).
 * Fragments are costed once per size they are spread under.
 */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  defaultListSize: number,
): number {
  const op: OperationDefinitionNode | null | undefined = getOperationAST(document, operationName);
  if (!op) return 0;
  const root = schema.getRootType(op.operation);
  if (!root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  }
  const memo = new Map<string, number>();
  const active = new Set<string>();

  const selectionCost = (set: SelectionSetNode, parent: GraphQLNamedType, sliced?: number): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
        const def = parent.getFields()[sel.name.value];
        if (!def) continue;
        const own = sliceSize(def, sel.arguments, variables);
        let items = 1;
        let first = true;
        for (let t = getNullableType(def.type); isListType(t); t = getNullableType(t.ofType)) {
          items *= first ? (own ?? sliced ?? defaultListSize) : defaultListSize;
          first = false;
        }
        const below = sel.selectionSet
          ? selectionCost(sel.selectionSet, getNamedType(def.type), first ? own : undefined)
          : 0;
        total += 1 + items * below;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        if (type) total += selectionCost(sel.selectionSet, type, sliced);
      } else {
        const name = sel.name.value;
        const key = `${name}:${sliced ?? ''}`;
        const known = memo.get(key);
        if (known !== undefined) {
          total += known;
          continue;
        }
        const def = fragments.get(name);
        const type = def && schema.getType(def.typeCondition.name.value);
        if (!def || !type || active.has(name)) continue;
        active.add(name);
        const cost = selectionCost(def.selectionSet, type, sliced);
        active.delete(name);
        memo.set(key, cost);
        total += cost;
      }
    }
    return total;
  };
  return selectionCost(op.selectionSet, root);
}

/** Whether an operation asks about the schema itself. */
export function introspects(document: DocumentNode): boolean {
  const seen = new Set<string>();
  const visitSet = (set: SelectionSetNode): boolean =>
    set.selections.some((sel) => {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value === '__schema' || sel.name.value === '__type') return true;
        return sel.selectionSet ? visitSet(sel.selectionSet) : false;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) return visitSet(sel.selectionSet);
      if (seen.has(sel.name.value)) return false;
      seen.add(sel.name.value);
      const f = document.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value,
      ) as FragmentDefinitionNode | undefined;
      return f ? visitSet(f.selectionSet) : false;
    });
  return document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && visitSet(d.selectionSet));
}

/**
 * The checks that depend on who calls and with which variables, run once the operation is known and
 * before anything is planned: introspection for staff only, and the cost limit (a small one for anonymous
 * callers). Throws a typed 400/403.
 */
/**
 * The operation a request runs, as graphql-js picks it — or a 400 with graphql-js's own words when the
 * document has several and none is named, or none by the name given (never an internal error).
 */
export function operationOf(document: DocumentNode, operationName?: string | null): OperationDefinitionNode {
  const op = getOperationAST(document, operationName);
  if (op) return op;
  throw refuseRequest(
    'BAD_USER_INPUT',
    operationName
      ? `Unknown operation named "${operationName}".`
      : 'Must provide operation name if query contains multiple operations.',
  );
}

export function checkOperation(
  limits: DocumentLimits,
  request: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variables?: Record<string, unknown> | null;
    caller: Caller | null;
  },
) {
  if (!isStaff(request.caller) && introspects(request.document)) {
    throw refuseRequest('FORBIDDEN', 'introspection is available to staff only');
  }
  for (const [name, value] of Object.entries(request.variables ?? {})) {
    const control = controlCharacterAt(value, `$${name}`);
    if (control) throw refuseRequest('BAD_USER_INPUT', controlRefusal(control));
  }
  const max = request.caller ? limits.maxCost : limits.anonymous.maxCost;
  const cost = queryCost(
    request.schema,
    request.document,
    request.operationName,
    request.variables ?? {},
    limits.defaultListSize,
  );
  if (cost > max) {
    throw refuseRequest(
      'QUERY_TOO_COMPLEX',
      `query cost ${cost} exceeds the limit of ${max}${request.caller ? '' : ' for a caller who is not signed in'}`,
    );
  }
}

/** Refuses a document that is too long for its caller before it is parsed (anonymous callers get less). */
export function checkSource(limits: DocumentLimits, source: string, caller: Caller | null) {
  // Whitespace and comments are no tokens: the text itself is bounded too (the body limit, 1 MiB, when signed in).
  if (!caller && source.length > limits.anonymous.maxCharacters) {
    throw refuseRequest(
      'QUERY_TOO_COMPLEX',
      `the document is longer than ${limits.anonymous.maxCharacters} characters (the limit for a caller who is not signed in)`,
    );
  }
  const max = caller ? limits.maxTokens : limits.anonymous.maxTokens;
  if (tokenCount(source, max) > max) {
    throw refuseRequest(
      'QUERY_TOO_COMPLEX',
      `the document is longer than ${max} tokens${caller ? '' : ' (the limit for a caller who is not signed in)'}`,
    );
  }
}
