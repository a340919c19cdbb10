import { request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  type Endpoint,
  type LenderDescriptor,
  type LoanRequest,
  type Outcome,
  pointer,
  readOutcome,
  render,
} from './domain/descriptor';

/** The lender did not answer within its timeout: it may or may not have acted (ask for the status). */
export class LenderTimeout extends Error {
  override name = 'LenderTimeout';
}
/** The lender failed (5xx, a broken answer, no connection): nothing to read from it. */
export class LenderUnavailable extends Error {
  override name = 'LenderUnavailable';
}

interface Answer {
  status: number;
  body: unknown;
}

type Env = Record<string, string | undefined>;

/**
 * A lender as its descriptor says: one class for every lender, so adding a lender is a descriptor, not
 * code. Tokens (OAuth 2 client credentials, handshake sessions) are kept until shortly before they expire;
 * a 401 renews them once.
 */
export class LenderClient {
  private token: { value: string; until: number } | null = null;
  private tlsAgent?: HttpsAgent;
  readonly baseUrl: string;

  constructor(
    readonly descriptor: LenderDescriptor,
    private readonly env: Env = process.env,
  ) {
    this.baseUrl = (env[`LENDER_URL_${descriptor.code}`] ?? descriptor.baseUrl).replace(/\/$/, '');
  }

  /** Our certificate and the lender's CA, read on first use (a lender not yet configured fails its calls). */
  private agent(): HttpsAgent | undefined {
    const a = this.descriptor.auth;
    if (a.scheme !== 'mtls') return undefined;
    if (!this.baseUrl.startsWith('https://')) {
      throw new LenderUnavailable(
        `lender ${this.descriptor.code} uses mutual TLS: its address must be https`,
      );
    }
    this.tlsAgent ??= new HttpsAgent({
      cert: this.secret(a.cert.env),
      key: this.secret(a.key.env),
      ca: this.secret(a.ca.env),
      keepAlive: true,
    });
    return this.tlsAgent;
  }

  private secret(name: string): string {
    const v = this.env[name];
    if (!v) throw new LenderUnavailable(`secret ${name} for lender ${this.descriptor.code} is not set`);
    return v;
  }

  /** Asks for a loan; the idempotency token makes a repeat of this call the same loan at the lender. */
  apply(req: LoanRequest): Promise<Outcome> {
    const d = this.descriptor;
    const values = { ...req } as Record<string, unknown>;
    return this.decide(d.apply.method, String(render(d.apply.path, values)), render(d.request, values));
  }

  /** What the lender did with a token (the double check after a timeout); null when it never saw it. */
  status(idempotencyToken: string): Promise<Outcome | null> {
    return this.ask(this.descriptor.status, idempotencyToken);
  }

  /**
   * Withdraws a request the lender is still deciding. Its answer says what became of it: an approval given
   * meanwhile stands. Null when the descriptor has no such endpoint or the lender never saw the token.
   */
  cancel(idempotencyToken: string): Promise<Outcome | null> {
    const e = this.descriptor.cancel;
    return e ? this.ask(e, idempotencyToken) : Promise.resolve(null);
  }

  private async ask(e: Endpoint, idempotencyToken: string): Promise<Outcome | null> {
    const a = await this.authorized(e.method, String(render(e.path, { idempotencyToken })), undefined);
    if (a.status === 404) return null;
    return this.outcomeOf(a);
  }

  private async decide(method: string, path: string, body: unknown): Promise<Outcome> {
    return this.outcomeOf(await this.authorized(method, path, body));
  }

  private outcomeOf(a: Answer): Outcome {
    if (a.status >= 500) throw new LenderUnavailable(`lender ${this.descriptor.code} answered ${a.status}`);
    const outcome = readOutcome(this.descriptor, a.body);
    if (outcome) return outcome;
    // Only the lender's own decision words decline; a refused request (bad credentials, a body it cannot
    // read) is our connector failing, not the applicant.
    throw new LenderUnavailable(`lender ${this.descriptor.code} answered ${a.status} without a decision`);
  }

  /** Sends with the lender's credentials; a 401 renews a kept token and tries once more. */
  private async authorized(method: string, path: string, body: unknown): Promise<Answer> {
    const first = await this.send(method, path, body, await this.headers(false));
    if (first.status !== 401 || !this.renews()) return first;
    return this.send(method, path, body, await this.headers(true));
  }

  private renews() {
    const s = this.descriptor.auth.scheme;
    return s === 'oauth2' || s === 'handshake';
  }

  private async headers(renew: boolean): Promise<Record<string, string>> {
    const a = this.descriptor.auth;
    switch (a.scheme) {
      case 'apiKey':
        return { [a.header]: this.secret(a.secret.env) };
      case 'mtls':
        return {};
      case 'oauth2':
        return { authorization: `Bearer ${await this.kept(renew, () => this.oauth2(a))}` };
      case 'handshake':
        return { [a.tokenHeader]: await this.kept(renew, () => this.handshake(a)) };
    }
  }

  private async kept(renew: boolean, fetchToken: () => Promise<{ value: string; ttlSeconds: number }>) {
    if (!renew && this.token && this.token.until > Date.now()) return this.token.value;
    const t = await fetchToken();
    // Renewed 10 % early (at least a second), so a token never expires on the way.
    const margin = Math.max(1000, t.ttlSeconds * 100);
    this.token = { value: t.value, until: Date.now() + t.ttlSeconds * 1000 - margin };
    return t.value;
  }

  private async oauth2(a: Extract<LenderDescriptor['auth'], { scheme: 'oauth2' }>) {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.secret(a.clientId.env),
      client_secret: this.secret(a.clientSecret.env),
      ...(a.scope ? { scope: a.scope } : {}),
    }).toString();
    const r = await this.send('POST', a.tokenPath, form, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const token = pointer(r.body, '/access_token');
    if (r.status !== 200 || typeof token !== 'string') {
      throw new LenderUnavailable(`lender ${this.descriptor.code} gave no token (${r.status})`);
    }
    return { value: token, ttlSeconds: Number(pointer(r.body, '/expires_in') ?? 300) };
  }

  /** A multi-step session: each step's answer feeds the next step's body; the last gives the token. */
  private async handshake(a: Extract<LenderDescriptor['auth'], { scheme: 'handshake' }>) {
    const vars: Record<string, unknown> = {};
    const secrets = (o: unknown): unknown =>
      render(
        o,
        new Proxy(vars, { get: (t, k: string) => (k.startsWith('env.') ? this.secret(k.slice(4)) : t[k]) }),
      );
    for (const step of a.steps) {
      const r = await this.send('POST', step.path, secrets(step.body), {});
      if (r.status !== 200) {
        throw new LenderUnavailable(
          `lender ${this.descriptor.code} handshake ${step.path} answered ${r.status}`,
        );
      }
      for (const [name, at] of Object.entries(step.extract)) vars[name] = pointer(r.body, at);
    }
    const token = vars[a.tokenVariable ?? 'token'];
    if (typeof token !== 'string')
      throw new LenderUnavailable(`lender ${this.descriptor.code} handshake gave no token`);
    return { value: token, ttlSeconds: Number(a.expiresInVariable ? vars[a.expiresInVariable] : 300) || 300 };
  }

  /** One HTTP exchange within the lender's timeout. */
  private send(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<Answer> {
    const url = new URL(`${this.baseUrl}${path}`);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const agent = this.agent();
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent,
          timeout: this.descriptor.timeoutMs,
          headers: {
            accept: 'application/json',
            ...(payload !== undefined && typeof body !== 'string'
              ? { 'content-type': 'application/json' }
              : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = null;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              parsed = null;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', (err) => reject(new LenderUnavailable(err.message)));
        },
      );
      req.on('timeout', () => {
        req.destroy();
        reject(
          new LenderTimeout(
            `lender ${this.descriptor.code} did not answer within ${this.descriptor.timeoutMs} ms`,
          ),
        );
      });
      req.on('error', (err) => {
        if (!(err instanceof LenderTimeout)) reject(new LenderUnavailable(err.message));
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
}
