import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PoisonMessage } from './bus';
import { deadLetterMessage } from './kafka-bus';

// Whatever arrives on the topic, partly an envelope or not at all.
const arrived = fc.oneof(
  fc.jsonValue(),
  fc.string(),
  fc.record(
    {
      id: fc.string(),
      type: fc.string(),
      source: fc.oneof(fc.string(), fc.jsonValue()),
      partitionkey: fc.oneof(fc.string(), fc.jsonValue()),
      data: fc.jsonValue(),
    },
    { requiredKeys: ['id', 'type'] },
  ),
);

test('a dead letter is always a message Kafka takes: text headers, a text key or none, a text value', () => {
  fc.assert(
    fc.property(arrived, fc.string(), (event, group) => {
      const m = deadLetterMessage(event, new PoisonMessage('no schema'), group, { attempts: 2 });
      for (const [name, v] of Object.entries(m.headers)) assert.equal(typeof v, 'string', name);
      assert.ok(m.key === null || typeof m.key === 'string');
      assert.equal(typeof m.value, 'string');
      assert.equal(m.headers['x-consumer-group'], group);
      assert.equal(m.headers['x-attempts'], '2');
    }),
  );
});

test('an envelope without a source (an unknown type from elsewhere) keeps its id and type for the operator', () => {
  const m = deadLetterMessage({ id: 'e-1', type: 'no.such.type', specversion: '1.0' }, new Error('x'), 'gw');
  assert.equal(m.headers['x-event-id'], 'e-1');
  assert.equal(m.headers['x-event-type'], 'no.such.type');
  assert.equal('x-event-source' in m.headers, false);
  assert.equal(m.key, null);
});
