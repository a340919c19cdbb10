import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError } from 'graphql';
import { loadConfig } from './config';
import { AppError, formatError } from './errors';
import { MinorUnits, money } from './graphql/money';

test('config: embedded defaults work, production refuses the dev secrets', () => {
  assert.equal(loadConfig({}).GATEWAY_PORT, 4000);
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /JWT_SECRET: must be set in production/);
  assert.throws(() => loadConfig({ GATEWAY_PORT: 'eighty' }), /GATEWAY_PORT/);
});

test('money: exact formatting from minor units, scalar rejects fractions', () => {
  assert.equal(money('50000000').formatted, '₹5,00,000.00');
  assert.equal(money(123456789012345678n).minor, '123456789012345678');
  assert.equal(money('5').formatted, '₹0.05');
  assert.equal(MinorUnits.parseValue('12'), 12n);
  assert.throws(() => MinorUnits.parseValue(12.5), /whole number/);
  assert.equal(MinorUnits.serialize(10n ** 20n), '100000000000000000000');
});

test('formatError: typed errors keep code and message; anything else is a bare internal error', () => {
  const typed = new AppError('NOT_FOUND', 'application not found');
  assert.deepEqual(
    formatError({ message: typed.message, extensions: { code: 'NOT_FOUND', stacktrace: ['x'] } }, typed),
    {
      message: 'application not found',
      extensions: { code: 'NOT_FOUND' },
    },
  );
  const leak = new GraphQLError('duplicate key value violates unique constraint "customers_pan_index"');
  const out = formatError({ message: leak.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, leak);
  assert.equal(out.message, 'internal error');
  assert.deepEqual(out.extensions, { code: 'INTERNAL_SERVER_ERROR' });
  // The gateway's own variable check: no code of its own, but the caller's mistake.
  const coercion = new GraphQLError(
    'Variable "$p" got invalid value "NOPE" at "p[0].category"; Value "NOPE" does not exist in "NotificationCategory" enum.',
  );
  assert.deepEqual(
    formatError({ message: coercion.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, coercion)
      .extensions,
    {
      code: 'BAD_USER_INPUT',
    },
  );
});

test('formatError: what Apollo refuses as the request’s fault (an HTTP 4xx, no code) keeps its message; a 5xx or no status stays masked', () => {
  // Apollo's persisted-query refusals: a hash that does not match, a version it does not know.
  for (const message of ['provided sha does not match query', 'Unsupported persisted query version']) {
    const refused = new GraphQLError(message, { extensions: { http: { status: 400, headers: new Map() } } });
    assert.deepEqual(formatError({ message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, refused), {
      message,
      locations: undefined,
      extensions: { code: 'BAD_REQUEST' },
    });
  }
  const notSupported = new GraphQLError('PersistedQueryNotSupported', {
    extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED', http: { status: 400, headers: new Map() } },
  });
  assert.equal(
    formatError(
      { message: notSupported.message, extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } },
      notSupported,
    ).extensions?.code,
    'PERSISTED_QUERY_NOT_SUPPORTED',
  );
  for (const http of [{ status: 500, headers: new Map() }, { headers: new Map() }, undefined]) {
    const server = new GraphQLError('connect ECONNREFUSED 10.0.0.5:5432 user=loanflow', {
      extensions: http ? { http } : {},
    });
    const out = formatError(
      { message: server.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      server,
    );
    assert.notEqual(out.message, server.message, JSON.stringify(http));
  }
});
