// Decorated classes below: the metadata polyfill must be loaded before them, whoever imports this first.
import 'reflect-metadata';
import { Directive, Field, InputType, Int, ObjectType } from 'type-graphql';
import { Brackets, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { AppError } from '../errors';

@InputType({ description: 'Keyset pagination: up to `first` items after the `after` cursor.' })
export class PageInput {
  @Field(() => Int, { defaultValue: 20 }) first!: number;
  @Field(() => String, { nullable: true }) after?: string;
}

@ObjectType()
@Directive('@shareable')
export class PageInfo {
  @Field(() => String, { nullable: true }) endCursor!: string | null;
  @Field(() => Boolean) hasNextPage!: boolean;
}

const encode = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');

function decode(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime()))
    throw new AppError('BAD_USER_INPUT', 'invalid cursor', { field: 'after' });
  return { at: date, id };
}

/**
 * One page of a query ordered by a timestamp column and id (stable while rows arrive): the rows, the
 * total, and the cursor of the last row.
 */
export async function keysetPage<T extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<T>,
  column: { sql: string; of: (row: T) => Date },
  direction: 'ASC' | 'DESC',
  page: { first: number; after?: string | null },
) {
  if (page.first < 1 || page.first > 100)
    throw new AppError('BAD_USER_INPUT', 'first: 1 to 100', { field: 'first' });
  const totalCount = await qb.getCount();
  const alias = qb.alias;
  if (page.after) {
    const c = decode(page.after);
    const cmp = direction === 'DESC' ? '<' : '>';
    qb.andWhere(
      new Brackets((w) =>
        w
          .where(`${column.sql} ${cmp} :at`, { at: c.at })
          .orWhere(`${column.sql} = :at AND ${alias}.id ${cmp} :id`, { id: c.id }),
      ),
    );
  }
  const rows = await qb
    .orderBy(column.sql, direction)
    .addOrderBy(`${alias}.id`, direction)
    .take(page.first + 1)
    .getMany();
  const nodes = rows.slice(0, page.first);
  const last = nodes.at(-1);
  return {
    nodes,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > page.first,
      endCursor: last ? encode(column.of(last), last.id) : null,
    },
  };
}
