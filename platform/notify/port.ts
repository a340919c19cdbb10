/** A message to a person through an outside provider: SMS gateway, push service or e-mail (SMTP). */
export interface Message {
  channel: 'sms' | 'push' | 'email';
  /** Phone number (E.164), the customer id for push (the push service knows their devices), or e-mail. */
  to: string;
  subject?: string;
  text: string;
}

/** The providers behind a port: SMTP and webhooks in production, the local simulator in tests. */
export interface Notifier {
  send(message: Message): Promise<void>;
}

export class NotifierUnavailable extends Error {
  override name = 'NotifierUnavailable';
}
