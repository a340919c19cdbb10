import { logger } from '../log';
import {
  type DeadLetterInfo,
  type EventBus,
  type EventHandler,
  errorClass,
  errorText,
  isEnvelope,
  PoisonMessage,
  type Subscription,
} from './bus';
import type { DeadLetter } from './dead-letters';
import type { CloudEvent } from './envelope';

const log = logger('memory-bus');

interface Member {
  handler: EventHandler;
  stopping: AbortController;
}

/**
 * In-process delivery for the embedded mode. Events still come from the outbox, so a crash
 * before delivery means the relay publishes them again on the next start. Dead letters are kept for the
 * life of the process (the events themselves stay in their producers' outboxes).
 */
export class MemoryBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly groups = new Map<string, Member[]>();
  private readonly cursor = new Map<string, number>();
  private readonly parked: DeadLetter[] = [];
  private sequence = 0;

  async publish(events: CloudEvent[]) {
    for (const event of events) {
      for (const group of [...this.groups.keys()]) await this.deliver(group, event);
    }
  }

  /** Like a consumer group: one member of the group gets each event. */
  private async deliver(group: string, event: unknown) {
    const members = this.groups.get(group) ?? [];
    if (!members.length) return;
    const i = (this.cursor.get(group) ?? 0) % members.length;
    this.cursor.set(group, i + 1);
    const member = members[i] as Member;
    if (!isEnvelope(event)) {
      return this.deadLetter(event, new PoisonMessage('not an event envelope (id and type)'), group);
    }
    await member.handler(event, { heartbeat: async () => undefined, signal: member.stopping.signal });
  }

  async subscribe(group: string, handler: EventHandler): Promise<Subscription> {
    const member = { handler, stopping: new AbortController() };
    this.groups.set(group, [...(this.groups.get(group) ?? []), member]);
    return {
      stop: async () => {
        member.stopping.abort();
        const remaining = (this.groups.get(group) ?? []).filter((m) => m !== member);
        if (remaining.length) this.groups.set(group, remaining);
        else this.groups.delete(group);
      },
    };
  }

  async deadLetter(event: unknown, error: unknown, group: string, info: DeadLetterInfo = {}) {
    const e = isEnvelope(event) ? event : undefined;
    this.parked.push({
      offset: String(this.sequence++),
      eventId: e?.id ?? null,
      type: e?.type ?? null,
      source: e?.source ?? null,
      group,
      errorClass: errorClass(error),
      error: errorText(error).slice(0, 2000),
      attempts: info.attempts ?? 1,
      failedAt: new Date().toISOString(),
      payload: typeof event === 'string' ? event : JSON.stringify(event ?? null),
    });
    log.error({ group, error: errorText(error), eventId: e?.id }, 'event dead-lettered');
  }

  async listDeadLetters() {
    return [...this.parked];
  }

  async replay(letter: DeadLetter) {
    await this.deliver(letter.group, JSON.parse(letter.payload));
  }

  async close() {
    for (const members of this.groups.values()) for (const m of members) m.stopping.abort();
    this.groups.clear();
  }
}
