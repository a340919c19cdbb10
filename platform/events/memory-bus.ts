import { logger } from '../log';
import { type EventBus, type EventHandler, errorText, type Subscription } from './bus';
import type { CloudEvent } from './envelope';

const log = logger('memory-bus');

/**
 * In-process delivery for the embedded mode. Events still come from the outbox, so a crash
 * before delivery means the relay publishes them again on the next start.
 */
export class MemoryBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly groups = new Map<string, EventHandler[]>();
  private readonly cursor = new Map<string, number>();
  readonly deadLetters: { event: unknown; error: string; group: string; at: string }[] = [];

  async publish(events: CloudEvent[]) {
    for (const event of events) {
      for (const [group, handlers] of this.groups) {
        // Like a consumer group: one member of the group gets each event.
        const i = (this.cursor.get(group) ?? 0) % handlers.length;
        this.cursor.set(group, i + 1);
        await handlers[i]?.(event);
      }
    }
  }

  async subscribe(group: string, handler: EventHandler): Promise<Subscription> {
    const list = this.groups.get(group) ?? [];
    list.push(handler);
    this.groups.set(group, list);
    return {
      stop: async () => {
        const remaining = (this.groups.get(group) ?? []).filter((h) => h !== handler);
        if (remaining.length) this.groups.set(group, remaining);
        else this.groups.delete(group);
      },
    };
  }

  async deadLetter(event: unknown, error: unknown, group: string) {
    const entry = { event, error: errorText(error), group, at: new Date().toISOString() };
    this.deadLetters.push(entry);
    log.error({ group, error: entry.error, eventId: (event as CloudEvent)?.id }, 'event dead-lettered');
  }

  async close() {
    this.groups.clear();
  }
}
