// npm run dead-letters -- list [--type T] [--group G]
// npm run dead-letters -- replay (--event-id ID… | --type T | --group G | --all)
// What the consumers could not handle, on the Kafka dead-letter topic (KAFKA_BROKERS, KAFKA_TOPIC), and
// handing it back to the group that failed it. In the embedded mode dead letters live in the running
// process: use the deadLetters query or GET /api/v1/admin/dead-letters there.
import { parseArgs } from 'node:util';
import { createBus, listDeadLetters, replayDeadLetters } from '../platform/events';

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'event-id': { type: 'string', multiple: true },
      type: { type: 'string' },
      group: { type: 'string' },
      all: { type: 'boolean' },
    },
  });
  const bus = createBus();
  if (bus.kind !== 'kafka')
    throw new Error('set KAFKA_BROKERS: without Kafka, dead letters live in the running process');
  const filter = { eventIds: values['event-id'], type: values.type, group: values.group };
  try {
    if (positionals[0] === 'list') {
      for (const d of await listDeadLetters(bus, filter)) {
        console.log(
          `${d.failedAt}  ${d.group}  ${d.type ?? '(poison)'}  ${d.eventId ?? '-'}  ${d.attempts}×  ${d.error}`,
        );
      }
    } else if (positionals[0] === 'replay') {
      if (!values.all && !filter.eventIds?.length && !filter.type && !filter.group) {
        throw new Error('name what to replay (--event-id, --type, --group) or pass --all');
      }
      const replayed = await replayDeadLetters(bus, filter);
      console.log(`replayed ${replayed.length} dead letter(s)`);
    } else {
      throw new Error('usage: dead-letters list|replay [--event-id ID] [--type T] [--group G] [--all]');
    }
  } finally {
    await bus.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
