/** A message to a person through an outside provider: SMS gateway or e-mail. */
export interface Message {
  channel: 'sms' | 'email';
  /** Phone number (E.164) or e-mail address. */
  to: string;
  subject?: string;
  text: string;
}

/** The providers behind a port: the HTTP adapter in production, the local simulator in tests. */
export interface Notifier {
  send(message: Message): Promise<void>;
}

export class NotifierUnavailable extends Error {
  override name = 'NotifierUnavailable';
}
