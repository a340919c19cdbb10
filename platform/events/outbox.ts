import type { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import { logger } from '../log';
import type { EventBus } from './bus';
import { type CloudEvent, validateEvent } from './envelope';

/** Writes the event in the caller's transaction: the state change and its event commit together. */
export async function recordEvent(manager: EntityManager, event: CloudEvent): Promise<CloudEvent> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('recordEvent must run inside the transaction that changes the state');
  }
  validateEvent(event);
  await manager.query(
    'INSERT INTO outbox (id, type, subject, partition_key, payload) VALUES ($1, $2, $3, $4, $5)',
    [event.id, event.type, event.subject, event.partitionkey, JSON.stringify(event)],
  );
  // Lets the relay publish right after this transaction commits instead of at its next poll.
  manager.queryRunner.data = { ...manager.queryRunner.data, recordedEvents: true };
  return event;
}

interface OutboxRow {
  seq: string;
  payload: CloudEvent;
}

/**
 * Publishes unsent outbox rows in order and marks them sent only after the bus accepted them.
 * Rows are locked with SKIP LOCKED, so several relays (replicas) can run; a crash between publish
 * and commit republishes, which idempotent consumers absorb (at-least-once delivery).
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private readonly log = logger('outbox-relay');
  private readonly onCommit: EntitySubscriberInterface = {
    afterTransactionCommit: (e: TransactionCommitEvent) => {
      if (e.queryRunner.data?.recordedEvents) {
        e.queryRunner.data.recordedEvents = false;
        setImmediate(() => this.nudge());
      }
    },
  };

  constructor(
    private readonly ds: DataSource,
    private readonly bus: EventBus,
    private readonly pollMs = 250,
    private readonly batch = 200,
  ) {}

  start() {
    this.stopped = false;
    this.ds.subscribers.push(this.onCommit);
    this.schedule(0);
  }

  async stop() {
    this.stopped = true;
    const i = this.ds.subscribers.indexOf(this.onCommit);
    if (i >= 0) this.ds.subscribers.splice(i, 1);
    clearTimeout(this.timer);
    await this.running;
  }

  /** Drains now rather than at the next poll (called after a transaction recorded events). */
  nudge() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(ms: number) {
    this.timer = setTimeout(() => {
      this.running = this.loop().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.again ? 0 : this.pollMs);
        this.again = false;
      });
    }, ms);
  }

  private async loop() {
    try {
      while (!this.stopped && (await this.drainOnce()) === this.batch) {}
    } catch (err) {
      this.log.warn({ err }, 'outbox relay pass failed; will retry');
    }
  }

  /** One batch: returns how many events were published. */
  async drainOnce(): Promise<number> {
    return this.ds.transaction(async (m) => {
      const rows: OutboxRow[] = await m.query(
        `SELECT seq, payload FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batch],
      );
      if (!rows.length) return 0;
      try {
        await this.bus.publish(rows.map((r) => r.payload));
      } catch (err) {
        await m.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1)', [
          rows.map((r) => r.seq),
          String((err as Error)?.message ?? err).slice(0, 500),
        ]);
        throw err;
      }
      await m.query('UPDATE outbox SET sent_at = now() WHERE seq = ANY($1)', [rows.map((r) => r.seq)]);
      return rows.length;
    });
  }
}
