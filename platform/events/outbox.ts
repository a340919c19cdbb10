import type { DataSource, EntityManager } from 'typeorm';
import { afterCommitOf, markForCommit } from '../db';
import { Worker } from '../worker';
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
  markForCommit(manager, RECORDED_EVENTS);
  return event;
}

const RECORDED_EVENTS = 'outbox';

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
  private readonly worker: Worker;

  constructor(
    private readonly ds: DataSource,
    private readonly bus: EventBus,
    pollMs = 250,
    private readonly batch = 200,
  ) {
    this.worker = new Worker('outbox-relay', async () => (await this.drainOnce()) === this.batch, pollMs);
  }

  start() {
    afterCommitOf(this.ds, RECORDED_EVENTS, () => this.worker.nudge());
    this.worker.start();
  }

  async stop() {
    afterCommitOf(this.ds, RECORDED_EVENTS, undefined);
    await this.worker.stop();
  }

  /**
   * One batch: returns how many events were published. The rows are marked sent and locked in one
   * statement, and the mark commits only after the bus accepted them; a refusal is recorded on the rows
   * (attempts, last error) and they stay due.
   */
  async drainOnce(): Promise<number> {
    let refused: unknown;
    const sent = await this.ds.transaction(async (m) => {
      // TypeORM answers an UPDATE with [rows, rowCount]; RETURNING has no order of its own.
      const [rows]: [OutboxRow[], number] = await m.query(
        `UPDATE outbox SET sent_at = now() WHERE seq IN (
           SELECT seq FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING seq, payload`,
        [this.batch],
      );
      if (!rows.length) return 0;
      rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
      try {
        await this.bus.publish(rows.map((r) => r.payload));
      } catch (err) {
        refused = err;
        await m.query(
          'UPDATE outbox SET sent_at = NULL, attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1)',
          [rows.map((r) => r.seq), String((err as Error)?.message ?? err).slice(0, 500)],
        );
        return 0;
      }
      return rows.length;
    });
    if (refused) throw refused;
    return sent;
  }
}
