import { Ajv2020 } from 'ajv/dist/2020';
import { schemaJson } from '../../../platform/schema-files';

type SecretRef = { env: string };
export type LenderAuth =
  | { scheme: 'apiKey'; header: string; secret: SecretRef }
  | { scheme: 'oauth2'; tokenPath: string; clientId: SecretRef; clientSecret: SecretRef; scope?: string }
  | { scheme: 'mtls'; cert: SecretRef; key: SecretRef; ca: SecretRef }
  | {
      scheme: 'handshake';
      steps: { path: string; body: Record<string, unknown>; extract: Record<string, string> }[];
      tokenHeader: string;
      tokenVariable?: string;
      expiresInVariable?: string;
    };

export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
}

/** A partner lender's connector, as `schema/lender-descriptor.json` describes it. */
export interface LenderDescriptor {
  code: string;
  name: string;
  baseUrl: string;
  timeoutMs: number;
  auth: LenderAuth;
  apply: Endpoint;
  status: Endpoint;
  /** Withdraws a request still pending; answers like `status`. */
  cancel?: Endpoint;
  /** How long a PENDING answer is followed up before the request is withdrawn (default 2,000 ms). */
  pendingWaitMs?: number;
  request: Record<string, unknown>;
  response: {
    decision: string;
    approved: string[];
    declined: string[];
    pending?: string[];
    loanReference?: string;
    reason?: string;
  };
}

let validate: ReturnType<Ajv2020['compile']> | undefined;

export class InvalidDescriptor extends Error {
  override name = 'InvalidDescriptor';
}

/** Checks a descriptor against its JSON Schema; the message names what is wrong. */
export function parseDescriptor(value: unknown): LenderDescriptor {
  validate ??= new Ajv2020({ allErrors: true, strict: false }).compile(
    schemaJson('lender-descriptor.json') as object,
  );
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw new InvalidDescriptor(
      `descriptor ${first?.instancePath || '/'} ${first?.message ?? 'is not valid'}`,
    );
  }
  return value as LenderDescriptor;
}

/** What the platform asks of a lender; the descriptor maps it to the lender's own fields. */
export interface LoanRequest {
  /** The same for every try at this lender for this application: the lender's duplicate guard. */
  idempotencyToken: string;
  applicationId: string;
  customerRef: string;
  amountMinor: string;
  currency: string;
  tenureMonths: number;
  annualRateBps: number;
  product: string;
  bureauBand: string | null;
}

export type Decision = 'APPROVED' | 'DECLINED' | 'PENDING';

export interface Outcome {
  decision: Decision;
  loanReference: string | null;
  reason: string | null;
}

const WHOLE = /^\{\{([\w.]+)\}\}$/;
const PART = /\{\{([\w.]+)\}\}/g;

/**
 * Fills a template: a string that is exactly `{{name}}` takes the value itself (numbers stay numbers),
 * `{{name}}` inside a string is replaced by its text; objects and arrays are filled throughout.
 */
export function render(template: unknown, values: Record<string, unknown>): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole) return values[whole[1] as string] ?? null;
    return template.replace(PART, (_, name: string) => String(values[name] ?? ''));
  }
  if (Array.isArray(template)) return template.map((t) => render(t, values));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, render(v, values)]));
  }
  return template;
}

/** RFC 6901 JSON Pointer read; undefined when the path is not there. */
export function pointer(doc: unknown, path: string): unknown {
  if (path === '') return doc;
  let at: unknown = doc;
  for (const raw of path.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** RFC 6901 JSON Pointer write, making objects on the way. */
export function setPointer(doc: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.slice(1).split('/');
  let at = doc;
  for (const key of keys.slice(0, -1)) {
    at[key] ??= {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys.at(-1) as string] = value;
}

/** How the lender's answer reads: approved, declined or pending by its own words; anything else is none. */
export function readOutcome(d: LenderDescriptor, body: unknown): Outcome | null {
  const word = String(pointer(body, d.response.decision) ?? '');
  const decision: Decision | null = d.response.approved.includes(word)
    ? 'APPROVED'
    : d.response.declined.includes(word)
      ? 'DECLINED'
      : (d.response.pending ?? []).includes(word)
        ? 'PENDING'
        : null;
  if (!decision) return null;
  const text = (p?: string) => {
    const v = p ? pointer(body, p) : undefined;
    return v === undefined || v === null ? null : String(v);
  };
  return { decision, loanReference: text(d.response.loanReference), reason: text(d.response.reason) };
}
