import { createTransport, type Transporter } from 'nodemailer';
import { config } from '../config';
import { logger } from '../log';
import { type OutboundOptions, OutboundUnavailable, postJson } from '../outbound';
import { type Message, type Notifier, NotifierUnavailable } from './port';

const log = logger('notifier');

/** SMS and push providers' webhooks: `POST /v1/sms` and `POST /v1/push` on the configured base URL. */
export class HttpNotifier implements Notifier {
  constructor(private readonly options: OutboundOptions & { baseUrl: string }) {}

  async send(message: Message): Promise<void> {
    const { channel, ...body } = message;
    try {
      await postJson(new URL(`/v1/${channel}`, this.options.baseUrl), body, this.options, log);
    } catch (err) {
      if (err instanceof OutboundUnavailable)
        throw new NotifierUnavailable(`${channel} provider unavailable: ${err.message}`);
      throw err;
    }
  }
}

/** E-mail over SMTP (nodemailer, pooled connections). */
export class SmtpMailer implements Notifier {
  private readonly transport: Transporter;
  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = createTransport({
      url,
      pool: true,
      maxConnections: 4,
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 10_000,
    });
  }

  async send(message: Message): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
      });
    } catch (err) {
      // The SMTP reply says enough; the address never goes into the error. A 5xx reply is final (the
      // relay will not take this message); a 4xx or no reply at all is a relay that is away for now.
      const code =
        (err as { responseCode?: number; code?: string }).responseCode ?? (err as { code?: string }).code;
      if (typeof code === 'number' && code >= 500) throw new Error(`SMTP delivery refused (${code})`);
      throw new NotifierUnavailable(`SMTP delivery failed (${code ?? 'no reply'})`);
    }
  }

  close() {
    this.transport.close();
  }
}

/** E-mail by SMTP, SMS and push by the providers' webhooks. */
export class ChannelNotifier implements Notifier {
  constructor(
    private readonly webhooks: Notifier,
    private readonly mail: Notifier | undefined,
  ) {}

  send(message: Message): Promise<void> {
    if (message.channel !== 'email') return this.webhooks.send(message);
    if (!this.mail) return Promise.reject(new NotifierUnavailable('SMTP_URL is not set'));
    return this.mail.send(message);
  }

  close() {
    (this.mail as { close?: () => void } | undefined)?.close?.();
  }
}

let current: Notifier | undefined;

/** The configured notifier (NOTIFY_URL, SMTP_URL); `npm start` and the tests point it at the local simulator. */
export function notifier(): Notifier {
  if (current) return current;
  const c = config();
  if (!c.NOTIFY_URL) throw new Error('NOTIFY_URL is not set');
  current = channelNotifier(c.NOTIFY_URL, c.SMTP_URL);
  return current;
}

/** Webhooks at `baseUrl` (2 s a try, 3 tries, back-off from 200 ms) and e-mail through `smtpUrl`. */
export const channelNotifier = (baseUrl: string, smtpUrl: string | undefined) =>
  new ChannelNotifier(
    new HttpNotifier({ baseUrl, timeoutMs: 2000, attempts: 3, backoffMs: 200 }),
    smtpUrl ? new SmtpMailer(smtpUrl, config().MAIL_FROM) : undefined,
  );

/** Replaces the notifier (the previous one's SMTP connections are closed). */
export function useNotifier(n: Notifier | undefined) {
  (current as { close?: () => void } | undefined)?.close?.();
  current = n;
}
