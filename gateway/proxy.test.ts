import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { upstreamUrl } from './proxy';

const documents = { name: 'documents', baseUrl: 'http://127.0.0.1:4003/graphql' };

test('a file route reaches only its subgraph, under its prefix, whatever the request target', () => {
  const segment = fc.oneof(
    fc.constantFrom('', '.', '..', '%2e%2e', '%2E.', '.%2e', 'evil.test:80', '@evil', 'documents', 'x'),
    fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
  );
  const target = fc.oneof(
    fc.array(segment, { maxLength: 6 }).map((s) => `/${s.join('/')}`),
    fc.array(segment, { maxLength: 6 }).map((s) => `//${s.join('/')}`),
    fc.array(segment, { maxLength: 6 }).map((s) => `/documents/${s.join('/')}`),
    fc.webUrl().map((u) => u),
    fc.string({ maxLength: 40 }),
  );
  fc.assert(
    fc.property(target, (raw) => {
      let url: URL;
      try {
        url = upstreamUrl(documents, raw, '/documents');
      } catch {
        return; // refused: nothing is sent anywhere
      }
      assert.equal(url.origin, 'http://127.0.0.1:4003', raw);
      assert.ok(url.pathname === '/documents' || url.pathname.startsWith('/documents/'), raw);
    }),
    { numRuns: 5000 },
  );
});

test('the known ways out are refused: another host, an absolute URL, climbing out of the prefix', () => {
  for (const raw of [
    '//127.0.0.1:9/documents/x',
    '//evil.test/documents/x',
    'http://evil.test/documents/x',
    '/documents/../graphql',
    '/documents/%2e%2e/graphql',
    '/\\evil.test/documents',
    '/graphql',
  ]) {
    assert.throws(
      () => upstreamUrl(documents, raw, '/documents'),
      { extensions: { code: 'BAD_USER_INPUT' } },
      raw,
    );
  }
  const ok = upstreamUrl(documents, '/documents/abc/content?expires=1&sig=x', '/documents');
  assert.equal(ok.href, 'http://127.0.0.1:4003/documents/abc/content?expires=1&sig=x');
});
