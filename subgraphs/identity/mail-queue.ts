// Account e-mails (sign-up links, resets, notices) leave through a queue, not inside the request: the
// answer to a sign-up is the same and as fast whether or not a mail provider is reachable, and a
// provider outage is waited out with back-off instead of failing the person's request.
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { config } from '../../platform/config';
import { markForCommit } from '../../platform/db';
import { logger } from '../../platform/log';
import { notifier } from '../../platform/notify/http';
import { decryptPii, encryptPii } from '../../platform/pii';
import type { AccountMail } from './domain/mail';

const log = logger('identity');
/** Commit topic: a queued mail wakes the sender. */
export const ACCOUNT_MAIL = 'account-mail';
/** How long a claimed mail is held by one sender before another may try it. */
const LEASE_SECONDS = 60;

/** Queues a mail in the caller's transaction; the text (it may hold a token) is stored encrypted. */
export async function queueMail(m: EntityManager, to: string, mail: AccountMail) {
  await m.query('INSERT INTO account_mail (id, recipient, subject, body_enc) VALUES ($1, $2, $3, $4)', [
    randomUUID(),
    to,
    mail.subject,
    encryptPii(mail.text),
  ]);
  markForCommit(m, ACCOUNT_MAIL);
}

/**
 * Sends up to `limit` due mails: leased with one UPDATE … SKIP LOCKED (replicas share the queue), sent
 * outside any transaction, deleted once sent, otherwise retried with doubling back-off and dropped after
 * NOTIFY_MAX_ATTEMPTS (logged: the person can ask again). Returns how many were claimed.
 */
export async function sendDueMail(db: DataSource, limit: number): Promise<number> {
  const c = config();
  const [rows]: [
    { id: string; recipient: string; subject: string; body_enc: string; attempts: number }[],
    number,
  ] = await db.query(
    `UPDATE account_mail SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
        WHERE id IN (SELECT id FROM account_mail WHERE next_attempt_at <= now()
                      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, recipient, subject, body_enc, attempts`,
    [limit, LEASE_SECONDS],
  );
  await Promise.all(
    rows.map(async (r) => {
      try {
        await notifier().send({
          channel: 'email',
          to: r.recipient,
          subject: r.subject,
          text: decryptPii(r.body_enc),
        });
        await db.query('DELETE FROM account_mail WHERE id = $1', [r.id]);
      } catch (err) {
        const error = (err as Error).message;
        if (r.attempts >= c.NOTIFY_MAX_ATTEMPTS) {
          log.error(
            { mailId: r.id, attempts: r.attempts, error },
            'account e-mail dropped after its last attempt',
          );
          await db.query('DELETE FROM account_mail WHERE id = $1', [r.id]);
          return;
        }
        log.warn({ mailId: r.id, attempt: r.attempts, error }, 'account e-mail not sent; will retry');
        await db.query(
          `UPDATE account_mail SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1`,
          [r.id, error.slice(0, 500), (c.NOTIFY_BACKOFF_MS * 2 ** (r.attempts - 1)) / 1000],
        );
      }
    }),
  );
  return rows.length;
}
