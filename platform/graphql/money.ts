// Decorated classes below: the metadata polyfill must be loaded before them, whoever imports this first.
import 'reflect-metadata';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { Directive, Field, ObjectType } from 'type-graphql';

/**
 * Money in minor units (paise). Serialized as a string of digits so no client parses it into a float;
 * accepted as such a string or as a safe integer.
 */
export const MinorUnits = new GraphQLScalarType<bigint, string>({
  name: 'MinorUnits',
  description: 'An amount in minor units (paise), as a string of digits; integers are accepted as input.',
  serialize(value) {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    throw new GraphQLError('MinorUnits cannot represent a non-integer value');
  },
  parseValue(value) {
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
    if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
    throw new GraphQLError('MinorUnits must be a whole number of minor units', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.INT || (ast.kind === Kind.STRING && /^-?\d+$/.test(ast.value)))
      return BigInt(ast.value);
    throw new GraphQLError('MinorUnits must be a whole number of minor units', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  },
});

@ObjectType({ description: 'An amount of money: exact minor units plus a display string.' })
@Directive('@shareable')
export class Money {
  @Field(() => MinorUnits) minor!: string;
  @Field(() => String) currency!: string;
  @Field(() => String, { description: 'For display only, e.g. ₹5,00,000.00' }) formatted!: string;
}

const MINOR_DIGITS: Record<string, number> = { INR: 2 };

export function money(minor: string | bigint, currency = 'INR'): Money {
  const digits = MINOR_DIGITS[currency] ?? 2;
  const m = BigInt(minor);
  const neg = m < 0n;
  const abs = (neg ? -m : m).toString().padStart(digits + 1, '0');
  const decimal = `${neg ? '-' : ''}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  // Intl formats a decimal string exactly (no float in between).
  const formatted = new Intl.NumberFormat('en-IN', { style: 'currency', currency }).format(
    decimal as unknown as number,
  );
  return { minor: m.toString(), currency, formatted };
}
