import { config } from '../config';
import { logger } from '../log';
import { type OutboundOptions, OutboundUnavailable, postJson } from '../outbound';
import { type Message, type Notifier, NotifierUnavailable } from './port';

const log = logger('notifier');

/** Providers' webhooks: `POST /v1/sms` and `POST /v1/email` on the configured base URL. */
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

let current: Notifier | undefined;

/** The configured notifier (NOTIFY_URL); `npm start` and the tests point it at the local simulator. */
export function notifier(): Notifier {
  if (current) return current;
  const c = config();
  if (!c.NOTIFY_URL) throw new Error('NOTIFY_URL is not set');
  current = httpNotifier(c.NOTIFY_URL);
  return current;
}

/** The HTTP notifier for the providers at `baseUrl`: 2 s a try, 3 tries, back-off from 200 ms. */
export const httpNotifier = (baseUrl: string) =>
  new HttpNotifier({ baseUrl, timeoutMs: 2000, attempts: 3, backoffMs: 200 });

export function useNotifier(n: Notifier | undefined) {
  current = n;
}
