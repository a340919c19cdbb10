import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { close, httpServer, listen, readBody, routeRequests, sendJson } from '../../platform/http';
import { type Decision, type LenderDescriptor, pointer, setPointer } from './domain/descriptor';

/** The secrets the bundled descriptors name, for the simulator (development and tests only). */
export const SIMULATOR_SECRETS = {
  LENDER_ALPHA_API_KEY: 'dev-alpha-key',
  LENDER_BETA_CLIENT_ID: 'loanflow-dev',
  LENDER_BETA_CLIENT_SECRET: 'dev-beta-secret',
  LENDER_GAMMA_PARTNER_ID: 'loanflow-dev',
  LENDER_GAMMA_SECRET: 'dev-gamma-secret',
};

/**
 * How a simulated lender answers a new loan request (each after `delayMs`, when given). The
 * `pending-then-*` modes answer PENDING at once and decide `delayMs` later; `pending` never decides.
 */
export type Mode =
  | 'approve'
  | 'decline'
  | 'pending'
  | 'pending-then-approve'
  | 'pending-then-decline'
  | 'error'
  | 'slow'
  | 'timeout-after-approve';

interface Loan {
  reference: string;
  decision: Decision;
  /** A pending request's decision and when it is taken. */
  later?: { decision: Decision; at: number };
}

/** A pending loan whose time has come takes its decision. */
const settled = (loan: Loan) => {
  if (loan.later && Date.now() >= loan.later.at) {
    loan.decision = loan.later.decision;
    loan.later = undefined;
  }
  return loan;
};

interface Lender {
  d: LenderDescriptor;
  mode: Mode;
  delayMs: number;
  tokens: Map<string, number>;
  loans: Map<string, Loan>;
  applyCalls: number;
  statusCalls: number;
  cancelCalls: number;
}

const random = () => randomBytes(12).toString('hex');

/**
 * A certificate authority of the simulator's own, with a server certificate for the loopback address and a
 * client certificate for the platform, both signed by it: what a lender using mutual TLS exchanges with us.
 */
async function simulatorPki() {
  const subject = (cn: string) => [{ name: 'commonName', value: cn }];
  const ec = { keyType: 'ec', algorithm: 'sha256' } as const;
  const ca = await generate(subject('LoanFlow lender simulator CA'), {
    ...ec,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const signed = (cn: string, use: { serverAuth?: boolean; clientAuth?: boolean }) =>
    generate(subject(cn), {
      ...ec,
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', ...use },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ],
    });
  return {
    ca: ca.cert,
    server: await signed('lender-simulator', { serverAuth: true }),
    client: await signed('loanflow-platform', { clientAuth: true }),
  };
}
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An endpoint template as a pattern: each `{{value}}` becomes a captured path segment. */
const pathPattern = (template: string) =>
  new RegExp(
    `^${template
      .split(/\{\{\w+\}\}/)
      .map(literal)
      .join('([^/]+)')}$`,
  );

/** Where in the lender's request body the platform's idempotency token travels. */
function tokenPointer(template: unknown, at = ''): string | null {
  if (template === '{{idempotencyToken}}') return at;
  if (template && typeof template === 'object') {
    for (const [k, v] of Object.entries(template)) {
      const found = tokenPointer(v, `${at}/${k}`);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * Partner lenders for tests and the embedded mode, each driven by its descriptor: the same auth scheme
 * (API key, OAuth 2 client credentials, a multi-step session handshake), endpoints, field names and
 * decision words as the real one. A lender can approve, decline, stay pending, fail with 5xx, be slow,
 * approve and then not answer in time (the ghost loan), and drop its sessions. One loan per idempotency
 * token: a repeated request gets the first answer. Lender `CODE` lives under `<url>/CODE`.
 */
export async function startLenderSimulator(
  descriptors: LenderDescriptor[],
  env: Record<string, string | undefined> = process.env,
  port = 0,
  host = '127.0.0.1',
) {
  const lenders = new Map<string, Lender>(
    descriptors.map((d) => [
      d.code,
      {
        d,
        mode: 'approve',
        delayMs: 0,
        tokens: new Map(),
        loans: new Map(),
        applyCalls: 0,
        statusCalls: 0,
        cancelCalls: 0,
      },
    ]),
  );
  const held = new Set<ServerResponse>();
  const hold = (res: ServerResponse, ms: number, then: () => void) => {
    held.add(res);
    const t = setTimeout(() => {
      held.delete(res);
      if (!res.destroyed) then();
    }, ms);
    res.once('close', () => {
      clearTimeout(t);
      held.delete(res);
    });
  };

  const answer = (l: Lender, loan: Loan | null) => {
    const r = l.d.response;
    const body: Record<string, unknown> = {};
    const word =
      loan?.decision === 'APPROVED'
        ? r.approved[0]
        : loan?.decision === 'DECLINED'
          ? r.declined[0]
          : (r.pending?.[0] ?? 'PENDING');
    setPointer(body, r.decision, word);
    if (loan && r.loanReference && loan.decision === 'APPROVED')
      setPointer(body, r.loanReference, loan.reference);
    if (loan?.decision === 'DECLINED' && r.reason) setPointer(body, r.reason, 'outside our lending policy');
    return body;
  };

  const secret = (name: string) => env[name] ?? '';
  const authorized = (l: Lender, req: IncomingMessage) => {
    const a = l.d.auth;
    const now = Date.now();
    const live = (t: string | undefined) => !!t && (l.tokens.get(t) ?? 0) > now;
    switch (a.scheme) {
      case 'apiKey':
        return req.headers[a.header.toLowerCase()] === secret(a.secret.env);
      case 'oauth2':
        return live(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]);
      case 'handshake':
        return live(req.headers[a.tokenHeader.toLowerCase()] as string | undefined);
      case 'mtls':
        // Only on the TLS listener, which has already refused a certificate our CA did not sign.
        return (req.socket as Partial<TLSSocket>).authorized === true;
    }
  };

  async function handle(l: Lender, req: IncomingMessage, res: ServerResponse, path: string) {
    const a = l.d.auth;
    const raw = req.method === 'GET' ? '' : await readBody(req);
    if (a.scheme === 'oauth2' && path === a.tokenPath && req.method === 'POST') {
      const form = new URLSearchParams(raw);
      if (
        form.get('client_id') !== secret(a.clientId.env) ||
        form.get('client_secret') !== secret(a.clientSecret.env)
      ) {
        return sendJson(res, 401, { error: 'invalid_client' });
      }
      const token = random();
      l.tokens.set(token, Date.now() + 300_000);
      return sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 300 });
    }
    if (a.scheme === 'handshake') {
      const step = a.steps.findIndex((s) => s.path === path);
      if (step >= 0 && req.method === 'POST') {
        const body: Record<string, unknown> = {};
        const last = step === a.steps.length - 1;
        for (const [name, at] of Object.entries(a.steps[step]?.extract ?? {})) {
          if (last && name === (a.tokenVariable ?? 'token')) {
            const token = random();
            l.tokens.set(token, Date.now() + 300_000);
            setPointer(body, at, token);
          } else if (last && name === a.expiresInVariable) setPointer(body, at, 300);
          else setPointer(body, at, random());
        }
        return sendJson(res, 200, body);
      }
    }
    const applying = req.method === l.d.apply.method && pathPattern(l.d.apply.path).test(path);
    const asking = req.method === l.d.status.method && pathPattern(l.d.status.path).exec(path);
    const cancelling =
      l.d.cancel && req.method === l.d.cancel.method && pathPattern(l.d.cancel.path).exec(path);
    if (!applying && !asking && !cancelling) return sendJson(res, 404, { error: 'no such endpoint' });
    if (!authorized(l, req)) return sendJson(res, 401, { error: 'unauthorized' });

    if (applying) {
      l.applyCalls++;
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        return sendJson(res, 400, { error: 'not JSON' });
      }
      const at = tokenPointer(l.d.request);
      const token = at === null ? undefined : pointer(body, at);
      if (typeof token !== 'string' || !token)
        return sendJson(res, 400, { error: 'idempotency token missing' });
      const seen = l.loans.get(token);
      if (seen) return sendJson(res, 200, answer(l, settled(seen)));
      if (l.mode === 'error') return sendJson(res, 503, { error: 'temporarily unavailable' });
      const loan: Loan = { reference: `${l.d.code}-${random().slice(0, 10)}`, decision: 'APPROVED' };
      if (l.mode === 'decline') loan.decision = 'DECLINED';
      if (l.mode.startsWith('pending')) loan.decision = 'PENDING';
      if (l.mode === 'pending-then-approve' || l.mode === 'pending-then-decline') {
        const later = l.mode === 'pending-then-approve' ? 'APPROVED' : 'DECLINED';
        loan.later = { decision: later, at: Date.now() + l.delayMs };
        l.loans.set(token, loan);
        return sendJson(res, 200, answer(l, loan));
      }
      l.loans.set(token, loan);
      const respond = () => sendJson(res, 200, answer(l, loan));
      // The ghost loan: approved and booked, but the answer arrives long after the caller gave up.
      if (l.mode === 'timeout-after-approve')
        return hold(res, Math.max(l.delayMs, l.d.timeoutMs * 10), respond);
      // Any decision can take its time (`slow` is an approval that does).
      return l.delayMs > 0 ? hold(res, l.delayMs, respond) : respond();
    }
    const token = decodeURIComponent(((asking || cancelling) as RegExpExecArray)[1] ?? '');
    const loan = l.loans.get(token);
    if (asking) l.statusCalls++;
    else l.cancelCalls++;
    if (!loan) return sendJson(res, 404, { error: 'unknown reference' });
    settled(loan);
    // Withdrawn while still undecided; a decision already taken stands.
    if (cancelling && loan.decision === 'PENDING') {
      loan.decision = 'DECLINED';
      loan.later = undefined;
    }
    return sendJson(res, 200, answer(l, loan));
  }

  const routes = {
    '/*': async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const [, code, ...rest] = url.pathname.split('/');
      const l = lenders.get(code ?? '');
      if (!l) return sendJson(res, 404, { error: 'no such lender' });
      await handle(l, req, res, `/${rest.join('/')}`);
    },
  };
  const server: Server = httpServer(routes, 'lender-simulator');
  const url = `http://${host}:${await listen(server, port, host)}`;
  // Lenders on mutual TLS get a second listener that asks for a client certificate and refuses others.
  const mtls = descriptors.filter((d) => d.auth.scheme === 'mtls');
  const pki = mtls.length ? await simulatorPki() : undefined;
  const tls = pki
    ? createHttpsServer(
        {
          key: pki.server.private,
          cert: pki.server.cert,
          ca: pki.ca,
          requestCert: true,
          rejectUnauthorized: true,
        },
        routeRequests(routes, 'lender-simulator'),
      )
    : undefined;
  const tlsUrl = tls ? `https://${host}:${await listen(tls, 0, host)}` : undefined;
  /** The client certificate, its key and the CA, under the names the mTLS descriptors give them. */
  const mtlsSecrets = Object.fromEntries(
    mtls.flatMap((d) =>
      d.auth.scheme === 'mtls' && pki
        ? [
            [d.auth.cert.env, pki.client.cert],
            [d.auth.key.env, pki.client.private],
            [d.auth.ca.env, pki.ca],
          ]
        : [],
    ),
  );
  const lender = (code: string) => {
    const l = lenders.get(code);
    if (!l) throw new Error(`no simulated lender ${code}`);
    return l;
  };
  return {
    /** The plain-HTTP address (an mTLS lender refuses every call there). */
    url,
    /** LENDER_URL_<CODE> for each simulated lender, and the certificates of those on mutual TLS. */
    env: {
      ...Object.fromEntries(
        descriptors.map((d) => [
          `LENDER_URL_${d.code}`,
          `${d.auth.scheme === 'mtls' ? tlsUrl : url}/${d.code}`,
        ]),
      ),
      ...mtlsSecrets,
    } as Record<string, string>,

    behave(code: string, mode: Mode, delayMs = 0) {
      Object.assign(lender(code), { mode, delayMs });
    },
    /** Ends every OAuth token and handshake session: the next call must authenticate again. */
    expireSessions(code: string) {
      lender(code).tokens.clear();
    },
    stats(code: string) {
      const l = lender(code);
      return {
        applyCalls: l.applyCalls,
        statusCalls: l.statusCalls,
        cancelCalls: l.cancelCalls,
        approvedLoans: [...l.loans.values()].filter((x) => x.decision === 'APPROVED').length,
      };
    },
    async stop() {
      for (const res of held) res.destroy();
      await close(server);
      if (tls) await close(tls);
    },
  };
}
