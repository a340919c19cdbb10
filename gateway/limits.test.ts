import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildSchema, type DocumentNode, Kind, parse, specifiedRules, validate } from 'graphql';
import { type DocumentLimits, limitRules, queryCost, tokenCount } from './limits';

const schema = buildSchema(`
  input PageInput { first: Int! = 20, after: String }
  type Query {
    me: User
    users(page: PageInput): UserConnection!
    tags: [String!]!
    search(limit: Int = 5): [User!]!
  }
  type UserConnection { totalCount: Int!, nodes: [User!]! }
  type User { id: ID!, name: String, friends: [User!]!, groups: [[User!]!]! }
`);

const limits: DocumentLimits = {
  maxTokens: 5000,
  maxDepth: 10,
  maxAliases: 50,
  maxRootFields: 20,
  maxFragmentSpreads: 100,
  maxExpandedSelections: 5000,
  maxDirectives: 50,
  maxCost: 5000,
  defaultListSize: 10,
  anonymous: { maxTokens: 500, maxCharacters: 10_000, maxCost: 50 },
};

/** Fragments F0…Fn on User, each spreading earlier ones (a random DAG), and a query that spreads the last. */
const fragmentDag = fc
  .array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: 1, maxLength: 7 })
  .map((levels) =>
    levels.map((picks, i) => ({
      fields: i % 2 === 0 ? ['id'] : ['name', 'id'],
      friends: i % 3 === 0,
      spreads: i === 0 ? [] : picks.map((p) => p % i),
    })),
  );

function render(dag: { fields: string[]; friends: boolean; spreads: number[] }[]) {
  const defs = dag.map(
    (f, i) =>
      `fragment F${i} on User { ${f.fields.join(' ')} ${f.friends ? 'friends { id }' : ''} ${f.spreads.map((s) => `...F${s}`).join(' ')} }`,
  );
  return `query { me { ...F${dag.length - 1} } }\n${defs.join('\n')}`;
}

/** The document with every spread replaced by its fragment's fields: what the naive walk would see. */
function inline(doc: DocumentNode): string {
  const frags = new Map<string, string>();
  for (const d of doc.definitions) {
    if (d.kind !== Kind.FRAGMENT_DEFINITION) continue;
    frags.set(d.name.value, '');
  }
  const text = (sel: readonly import('graphql').SelectionNode[]): string =>
    sel
      .map((s) => {
        if (s.kind === Kind.FIELD)
          return `${s.name.value}${s.selectionSet ? ` { ${text(s.selectionSet.selections)} }` : ''}`;
        if (s.kind === Kind.FRAGMENT_SPREAD) {
          const def = doc.definitions.find(
            (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value,
          );
          return def && def.kind === Kind.FRAGMENT_DEFINITION ? text(def.selectionSet.selections) : '';
        }
        return text(s.selectionSet.selections);
      })
      .join(' ');
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return op && op.kind === Kind.OPERATION_DEFINITION ? `query { ${text(op.selectionSet.selections)} }` : '';
}

test('cost with fragments memoised equals the cost of the same query written out in full', () => {
  fc.assert(
    fc.property(fragmentDag, (dag) => {
      const doc = parse(render(dag));
      const naive = parse(inline(doc));
      assert.equal(queryCost(schema, doc, undefined, {}, 10), queryCost(schema, naive, undefined, {}, 10));
    }),
    { numRuns: 300 },
  );
});

test('a list costs once per item: the page size from literals, variables, input objects and defaults', () => {
  const cost = (q: string, variables: Record<string, unknown> = {}) =>
    queryCost(schema, parse(q), undefined, variables, 10);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000 }), (n) => {
      // users: 1, nodes: 1 + n × (id + name), totalCount: 1
      assert.equal(
        cost(`query($n: Int!) { users(page: { first: $n }) { totalCount nodes { id name } } }`, { n }),
        3 + 2 * n,
      );
      assert.equal(cost(`{ users(page: { first: ${n} }) { nodes { id } } }`), 2 + n);
      assert.equal(
        cost(`query($p: PageInput) { users(page: $p) { nodes { id } } }`, { p: { first: n } }),
        2 + n,
      );
    }),
  );
  assert.equal(cost('{ users { nodes { id } } }'), 2 + 20, 'PageInput.first defaults to 20');
  assert.equal(cost('{ search { id } }'), 1 + 5, 'limit defaults to 5');
  assert.equal(cost('{ me { friends { id } } }'), 1 + 1 + 10, 'an unpaginated list is assumed to hold 10');
  assert.equal(cost('{ me { groups { id } } }'), 1 + 1 + 100, 'a list of lists multiplies twice');
  assert.equal(cost('{ me { friends { friends { id } } } }'), 1 + 1 + 10 * (1 + 10));
  assert.equal(cost('{ tags }'), 1, 'a list of scalars is one field');
  assert.equal(cost('{ __schema { types { name } } }'), 0, 'introspection is not costed here');
});

const shapeErrors = (q: string) =>
  validate(schema, parse(q), [...specifiedRules, ...limitRules(limits)]).map((e) => e.message);

test('expanded selections are counted without expanding: equal to the naive count below the limit', () => {
  fc.assert(
    fc.property(fragmentDag, (dag) => {
      const doc = render(dag);
      const naive = inline(parse(doc));
      const fields = (naive.match(/\b(id|name|friends|me)\b/g) ?? []).length;
      const errors = shapeErrors(doc).filter((m) => /expanded/.test(m));
      assert.equal(errors.length > 0, fields > limits.maxExpandedSelections, `${fields} fields`);
    }),
    { numRuns: 300 },
  );
});

test('a fragment bomb is refused by counting, whatever its fan-out and depth', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 2, max: 10 }), (levels, fanOut) => {
      const defs = ['fragment F0 on User { id }'];
      for (let i = 1; i < levels; i++) {
        defs.push(
          `fragment F${i} on User { ${Array.from({ length: fanOut }, () => `...F${i - 1}`).join(' ')} }`,
        );
      }
      const errors = shapeErrors(`query { me { ...F${levels - 1} } }\n${defs.join('\n')}`);
      const expanded = 1 + fanOut ** (levels - 1);
      const spreads = fanOut * (levels - 1);
      assert.equal(
        errors.length > 0,
        expanded > limits.maxExpandedSelections || spreads > limits.maxFragmentSpreads,
      );
    }),
    { numRuns: 200 },
  );
});

test('root fields and credential fields are counted through fragments; cycles are left to graphql-js', () => {
  assert.deepEqual(shapeErrors('{ me { id } }'), []);
  const many = `{ ${Array.from({ length: 21 }, (_, i) => `a${i}: tags`).join(' ')} }`;
  assert.ok(shapeErrors(many).some((m) => /21 root fields/.test(m)));
  const viaFragment = `query { ...R ...R } fragment R on Query { ${Array.from({ length: 11 }, (_, i) => `a${i}: tags`).join(' ')} }`;
  assert.ok(shapeErrors(viaFragment).some((m) => /22 root fields/.test(m)));
  const cycle = shapeErrors(
    'query { me { ...A } } fragment A on User { ...B } fragment B on User { id ...A }',
  );
  assert.ok(
    cycle.some((m) => /Cannot spread fragment "A" within itself/.test(m)),
    cycle.join(),
  );
});

test('token counting stops one past the limit and equals the real count below it', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 200 }), (fields, max) => {
      const q = `{ ${Array.from({ length: fields }, () => 'tags').join(' ')} }`;
      const real = fields + 2;
      assert.equal(tokenCount(q, max), Math.min(real, max + 1));
    }),
  );
});
