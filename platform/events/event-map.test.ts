import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DataSource } from 'typeorm';
import { SUBGRAPHS } from '../../subgraphs';
import { type EventMap, newEvent } from './envelope';
import { EVENT_TYPES } from './event-map';

const ROOT = join(__dirname, '..', '..');

/** Every `.ts` file (tests aside) under a folder. */
function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/**
 * The types the code publishes: each `newEvent({ type: '…' })`, and every event type named in a
 * subgraph's events.ts (the factories; one picks its type from a table). The compiler holds each to EventMap.
 */
const produced = new Set(
  ['subgraphs', 'platform', 'gateway'].flatMap((dir) =>
    sources(join(ROOT, dir)).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const named = [...text.matchAll(/newEvent\(\{\s*type: '([a-z.]+)'/g)].map((m) => m[1] as string);
      if (!file.endsWith('events.ts')) return named;
      return [...named, ...[...text.matchAll(/'([a-z]+(?:\.[a-z]+)+)'/g)].map((m) => m[1] as string)];
    }),
  ),
);

test('every event type has a schema and a producer, and every consumed type is produced', () => {
  const schemas = new Set<string>(EVENT_TYPES);
  for (const type of produced) assert.ok(schemas.has(type), `${type} is published without a schema`);
  for (const type of schemas) assert.ok(produced.has(type), `${type} has a schema and no producer`);
  for (const subgraph of SUBGRAPHS) {
    const consumed = Object.keys(subgraph.consumes?.({} as DataSource) ?? {});
    for (const type of consumed) {
      assert.ok(produced.has(type), `${subgraph.name} consumes ${type}, which nothing publishes`);
    }
  }
});

// Type-level checks: tsc (npm run lint) fails if any of these lines compiles.
export function typeChecks(data: EventMap['loan.closed']) {
  // @ts-expect-error a misspelt event type is not an event
  newEvent({ type: 'loan.closd', source: '/t', subject: 's', data });
  // @ts-expect-error a field the schema does not have
  newEvent({ type: 'loan.closed', source: '/t', subject: 's', data: { ...data, closedBy: 'x' } });
  // @ts-expect-error a value outside the schema's enum
  newEvent({ type: 'loan.closed', source: '/t', subject: 's', data: { ...data, reason: 'PAID' } });
  const d: EventMap['payment.verified'] = {} as EventMap['payment.verified'];
  // @ts-expect-error a field a consumer reads that the payload does not carry
  return d.loanNumber;
}
