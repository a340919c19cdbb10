import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BASE } from './index';
import { type RestRoute, ROUTES } from './routes';

const ROOT = join(__dirname, '..', '..');
const tsv = (file: string) =>
  readFileSync(join(ROOT, 'docs', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('\t'));

/** The seed's table as docs/api-table.tsv carries it. */
const TABLE = tsv('api-table.tsv').map(([method, endpoint, service, description, auth]) => ({
  method,
  endpoint,
  service,
  description,
  auth,
}));
const SEED = readFileSync(join(ROOT, '..', 'shared', 'seeds', '000_d99325829b6fbb82.txt'), 'utf8');

const rolesOf = (r: RestRoute) => (Array.isArray(r.roles) ? r.roles.join(',') : (r.roles as string));
/** Where a route is served: under /api/v1, and for some also at the root. */
const addresses = (r: RestRoute) => [
  `${r.method} ${BASE}${r.path}`,
  ...(r.atRoot ? [`${r.method} ${r.path}`] : []),
];

test('docs/api-table.tsv is the seed’s API table, every row word for word and none left out', () => {
  // In the seed a row is its cells run together (the table lost its cell borders as text).
  const seedRows = SEED.split('\n').filter((l) => /^(GET|POST|PUT|PATCH|DELETE)\//.test(l));
  assert.deepEqual(
    TABLE.map((r) => `${r.method}${r.endpoint}${r.service}${r.description}${r.auth}`),
    seedRows,
  );
  assert.ok(TABLE.every((r) => r.auth && r.service && r.description));
});

test('every row of the table is a declared route with its method, path and path parameters', () => {
  const served = new Set(ROUTES.flatMap(addresses));
  for (const row of TABLE)
    assert.ok(served.has(`${row.method} ${row.endpoint}`), `missing: ${row.method} ${row.endpoint}`);
});

test('docs/api-routes.tsv lists every declared route once: the table’s, our aliases of them, and ours', () => {
  const table = new Set(TABLE.map((r) => `${r.method} ${r.endpoint}`));
  const listed = tsv('api-routes.tsv').map(([source, method, path, roles, aliasOf]) => ({
    key: `${method} ${path}`,
    line: [source, roles, aliasOf ?? ''].join(' | '),
  }));
  const declared = ROUTES.map((r) => ({
    key: `${r.method} ${r.path}`,
    line: [
      addresses(r).some((a) => table.has(a)) ? 'table' : r.alias ? 'alias' : 'added',
      rolesOf(r),
      r.alias ?? '',
    ].join(' | '),
  }));
  assert.deepEqual(listed, declared);
});

test('an alias names a declared route that runs the same operation, and is not itself an alias', () => {
  const byKey = new Map(ROUTES.map((r) => [`${r.method} ${r.path}`, r]));
  for (const r of ROUTES.filter((x) => x.alias)) {
    const target = byKey.get(r.alias as string);
    assert.ok(target, `${r.method} ${r.path}: alias of nothing (${r.alias})`);
    assert.equal(target.alias, undefined, `${r.alias} is an alias itself`);
    assert.equal(rolesOf(target), rolesOf(r), `${r.method} ${r.path}: roles`);
    // Variables may be named after the alias's own path parameters; the rest is the same.
    const op = (x: RestRoute) =>
      'operation' in x
        ? {
            ...x,
            operation: x.operation.replace(/\$\w+/g, '$v'),
            method: '',
            path: '',
            summary: '',
            alias: '',
            self: '',
          }
        : x;
    const { tag: _a, ...mine } = op(r) as RestRoute & Record<string, unknown>;
    const { tag: _b, ...theirs } = op(target) as RestRoute & Record<string, unknown>;
    assert.deepEqual(
      { ...mine, self: '' },
      { ...theirs, self: '' },
      `${r.method} ${r.path}: not the same as ${r.alias}`,
    );
  }
});
