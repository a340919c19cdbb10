import pino from 'pino';
import { config } from './config';

// Values that identify a person are masked wherever they appear in a log line, not only under known keys.
const PAN = /\b[A-Z]{5}[0-9]{4}[A-Z]\b/g;
// Not inside a longer token: a UUID's digit-only groups (…-3274-4912-8073-…) must stay as they are.
const AADHAAR = /(?<![\w-])[2-9][0-9]{3}[ -]?[0-9]{4}[ -]?[0-9]{4}(?![\w-])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /(?<![\w-])(?:\+?91[ -]?)?[6-9][0-9]{9}\b/g;
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]+/g;

export function scrub(text: string): string {
  return text
    .replace(JWT, '[token]')
    .replace(EMAIL, '[email]')
    .replace(PAN, (m) => `XXXXX${m.slice(5)}`)
    .replace(AADHAAR, (m) => `XXXX-XXXX-${m.replace(/\D/g, '').slice(-4)}`)
    .replace(PHONE, '[phone]');
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrub(value.message) };
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, depth + 1);
  return out;
}

const REDACT = [
  'password',
  '*.password',
  'pan',
  '*.pan',
  'aadhaar',
  '*.aadhaar',
  'refreshToken',
  '*.refreshToken',
  'accessToken',
  '*.accessToken',
  'otp',
  '*.otp',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers["x-loanflow-gateway-secret"]',
];

/** The platform's logger options; a destination can be given (tests capture the output). */
export function createLogger(destination?: pino.DestinationStream): pino.Logger {
  return pino(
    {
      level: config().LOG_LEVEL,
      base: undefined,
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { log: (obj) => scrubDeep(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<
            typeof method
          >;
          return method.apply(this, scrubbed);
        },
      },
    },
    destination as pino.DestinationStream,
  );
}

export const rootLogger = createLogger();

export type Logger = pino.Logger;

export function logger(component: string): Logger {
  return rootLogger.child({ component });
}
