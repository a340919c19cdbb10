import type { EventBus } from './bus';

/** An event a consumer group could not handle, as parked with its reason. */
export interface DeadLetter {
  /** Where it is parked (`partition:offset` on Kafka, a sequence number in memory). */
  offset: string;
  eventId: string | null;
  type: string | null;
  source: string | null;
  /** The consumer group that failed it (and that a replay goes back to). */
  group: string;
  errorClass: string;
  error: string;
  attempts: number;
  failedAt: string;
  /** The message as it was on the wire. */
  payload: string;
}

export interface DeadLetterFilter {
  eventIds?: string[] | null;
  type?: string | null;
  group?: string | null;
}

const matches = (d: DeadLetter, f: DeadLetterFilter) =>
  (!f.eventIds?.length || (d.eventId !== null && f.eventIds.includes(d.eventId))) &&
  (!f.type || d.type === f.type) &&
  (!f.group || d.group === f.group);

export async function listDeadLetters(bus: EventBus, filter: DeadLetterFilter = {}) {
  return (await bus.listDeadLetters()).filter((d) => matches(d, filter));
}

/**
 * Hands the dead letters that match back to the groups that failed them; the same event parked twice
 * (or replayed twice) is handled once, by the consumers' inboxes. Poison (not an event) is not replayed.
 * Returns what was replayed.
 */
export async function replayDeadLetters(bus: EventBus, filter: DeadLetterFilter) {
  const seen = new Set<string>();
  const replayed: DeadLetter[] = [];
  for (const d of await listDeadLetters(bus, filter)) {
    if (d.eventId === null || seen.has(`${d.group}:${d.eventId}`)) continue;
    seen.add(`${d.group}:${d.eventId}`);
    await bus.replay(d);
    replayed.push(d);
  }
  return replayed;
}
