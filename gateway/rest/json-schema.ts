import {
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  type SelectionSetNode,
} from 'graphql';

import { constrained } from './constraints';

/** JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = Record<string, unknown>;

const DIGITS = '^-?[0-9]+$';
/** Text with no C0 or C1 control but tab, line feed and carriage return (the gateway refuses the rest). */
export const CONTROLS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F';

/** Scalars as JSON carries them; input and output differ only where the scalar accepts more than it sends. */
function scalar(name: string, input: boolean): JsonSchema {
  switch (name) {
    case 'ID':
    case 'String':
      // The gateway refuses control characters in any text (gateway/limits.ts): so does the schema.
      // One pattern, not a combination: schemathesis's generator fails on allOf around multipart fields.
      return input ? { type: 'string', pattern: `^[^${CONTROLS}]*$` } : { type: 'string' };
    case 'Int':
      return { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
    case 'Float':
      return { type: 'number' };
    case 'Boolean':
      return { type: 'boolean' };
    case 'DateTimeISO':
      return { type: 'string', format: 'date-time' };
    case 'MinorUnits':
      return input
        ? {
            description: 'Minor units (paise): a string of digits or a safe integer.',
            anyOf: [
              { type: 'string', pattern: DIGITS },
              { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
            ],
          }
        : { type: 'string', pattern: DIGITS, description: 'Minor units (paise), as a string of digits.' };
    default:
      throw new Error(`no JSON Schema for the scalar ${name}`);
  }
}

const nullable = (s: JsonSchema): JsonSchema =>
  typeof s.type === 'string' && !s.enum ? { ...s, type: [s.type, 'null'] } : { anyOf: [s, { type: 'null' }] };

/** The JSON Schema of a GraphQL input type (what a variable of that type accepts). */
export function inputSchema(type: GraphQLInputType): JsonSchema {
  if (isNonNullType(type)) return inputNonNull(type.ofType);
  return nullable(inputNonNull(type));
}

function inputNonNull(type: GraphQLInputType): JsonSchema {
  if (isListType(type)) return { type: 'array', items: inputSchema(type.ofType) };
  if (isScalarType(type)) return scalar(type.name, true);
  if (isEnumType(type)) return { type: 'string', enum: type.getValues().map((v) => v.name) };
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return constrained(type.name, {
      type: 'object',
      ...(type.description ? { description: type.description } : {}),
      properties: Object.fromEntries(
        fields.map((f) => [
          f.name,
          constrained(`${type.name}.${f.name}`, withDescription(inputSchema(f.type), f.description)),
        ]),
      ),
      required: fields
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => f.name),
      additionalProperties: false,
    });
  }
  throw new Error(`no JSON Schema for ${String(type)}`);
}

const withDescription = (s: JsonSchema, description?: string | null) =>
  description ? { ...s, description } : s;

/** The JSON Schema of what a selection set returns from `type` (fields only; aliases by response key). */
export function outputSchema(type: GraphQLOutputType, selection: SelectionSetNode | undefined): JsonSchema {
  if (isNonNullType(type)) return outputNonNull(type.ofType, selection);
  return nullable(outputNonNull(type, selection));
}

function outputNonNull(type: GraphQLOutputType, selection: SelectionSetNode | undefined): JsonSchema {
  if (isListType(type)) return { type: 'array', items: outputSchema(type.ofType, selection) };
  if (isScalarType(type)) return scalar(type.name, false);
  if (isEnumType(type)) return { type: 'string', enum: type.getValues().map((v) => v.name) };
  if (isObjectType(type) && selection) {
    const fields = type.getFields();
    const properties: Record<string, JsonSchema> = {};
    for (const s of selection.selections) {
      if (s.kind !== Kind.FIELD) throw new Error('REST operations select plain fields only');
      if (s.name.value === '__typename') {
        properties[s.alias?.value ?? s.name.value] = { const: type.name };
        continue;
      }
      const f = fields[s.name.value];
      if (!f) throw new Error(`${type.name} has no field ${s.name.value}`);
      properties[s.alias?.value ?? s.name.value] = withDescription(
        outputSchema(f.type, s.selectionSet),
        f.description,
      );
    }
    return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
  }
  throw new Error(`no JSON Schema for ${String(type)} with this selection`);
}

/** Unwraps to the input object type, or undefined. */
export function inputObjectOf(t: GraphQLInputType) {
  const named: GraphQLNamedType = getNamedType(t);
  return isInputObjectType(named) ? named : undefined;
}
