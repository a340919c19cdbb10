import 'reflect-metadata';
import { z } from 'zod';

// The embedded defaults let `npm start` run on a blank machine; production refuses them (see superRefine).
const DEV_JWT_SECRET = 'loanflow-dev-jwt-secret-change-me-0123456789';
// Ed25519 seed, base64, with its key id: signs the gateway's per-request assertions in the embedded mode only.
const DEV_GATEWAY_SIGNING_KEY = 'dev1:vhVOwPIKf9xVzESIbHL+TDdkOu24SeypxCf1JMUqUmM=';
// 32 bytes, base64: AES-256-GCM key for PII in the embedded mode only.
const DEV_PII_KEY = 'bG9hbmZsb3ctZGV2LXBpaS1rZXktMzItYnl0ZXMhISE=';
const DEV_BLIND_INDEX_KEY = 'loanflow-dev-blind-index-key';
const DEV_DOCUMENT_URL_SECRET = 'loanflow-dev-document-url-secret';
const DEV_OTP_SECRET = 'loanflow-dev-otp-secret';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Unset: embedded PostgreSQL under .data/ (started by `npm start`). */
    DATABASE_URL: z.string().url().optional(),
    /** Unset: events are delivered in-process from the same outbox. */
    KAFKA_BROKERS: z.string().optional(),
    KAFKA_TOPIC: z.string().default('loanflow.events'),
    KAFKA_CLIENT_ID: z.string().default('loanflow'),
    /** Unset: documents and files are kept in PostgreSQL behind the same port. */
    MONGODB_URL: z.string().optional(),
    MONGODB_DB: z.string().default('loanflow'),
    HOST: z.string().default('127.0.0.1'),
    GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    SUBGRAPH_BASE_PORT: z.coerce.number().int().min(0).max(65535).default(4001),
    DATA_DIR: z.string().default('.data'),
    JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
    JWT_ISSUER: z.string().default('loanflow'),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(15 * 60),
    REFRESH_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(7 * 24 * 3600),
    /** `kid:base64 32-byte seed`: the gateway's Ed25519 key for the assertion it sends with each call. */
    GATEWAY_SIGNING_KEY: z
      .string()
      .regex(/^[\w.-]+:[A-Za-z0-9+/]{43}=$/, 'kid:base64 of a 32-byte Ed25519 seed')
      .default(DEV_GATEWAY_SIGNING_KEY),
    /** `kid:base64 SPKI,…`: public keys subgraphs accept; unset, the public half of GATEWAY_SIGNING_KEY. */
    GATEWAY_TRUSTED_KEYS: z.string().optional(),
    /** How long an assertion is good for: a captured one is useless after this. */
    GATEWAY_ASSERTION_TTL_SECONDS: z.coerce.number().int().min(5).max(300).default(60),
    /** Current PII key id and the keys by id, `id:base64key,id2:base64key`; old ids stay to decrypt. */
    PII_KEY_ID: z.string().default('dev1'),
    PII_KEYS: z.string().default(`dev1:${DEV_PII_KEY}`),
    BLIND_INDEX_KEY: z.string().min(16).default(DEV_BLIND_INDEX_KEY),
    /** Where people reach the platform (links in e-mails); unset, http://HOST:GATEWAY_PORT. */
    PUBLIC_URL: z.string().url().optional(),
    /** Failed sign-ins per e-mail address before each try must wait (1 s, 2 s, 4 s… up to the maximum). */
    LOGIN_FREE_ATTEMPTS: z.coerce.number().int().min(1).default(3),
    LOGIN_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).default(900),
    /** Failed sign-ins (within a day) after which the account is locked until a password reset or an admin. */
    LOGIN_LOCK_AFTER: z.coerce.number().int().min(2).default(10),
    /** The same per client address, set high: many people share one address behind a carrier's NAT. */
    LOGIN_IP_FREE_ATTEMPTS: z.coerce.number().int().min(1).default(100),
    LOGIN_IP_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).default(60),
    /** How long a gateway trusts what identity said about a user's sessions (ending them also reaches it as an event). */
    SESSION_CHECK_CACHE_SECONDS: z.coerce.number().int().min(0).default(5),
    DOCUMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    DOCUMENT_URL_SECRET: z.string().min(16).default(DEV_DOCUMENT_URL_SECRET),
    DOCUMENT_URL_TTL_SECONDS: z.coerce.number().int().positive().default(300),
    /** SMS and push providers (their webhooks); `npm start` and the tests run a local simulator. */
    NOTIFY_URL: z.string().url().optional(),
    /** Outgoing mail relay, e.g. smtp://user:pass@relay:587; unset, the simulator's SMTP sink is used. */
    SMTP_URL: z.string().url().optional(),
    MAIL_FROM: z.string().default('LoanFlow <no-reply@loanflow.local>'),
    /** Keys the HMAC of one-time passwords at rest. */
    OTP_SECRET: z.string().min(16).default(DEV_OTP_SECRET),
    /** Credit bureau; unset, `npm start` and the tests run the local bureau simulator. */
    BUREAU_URL: z.string().url().optional(),
    BUREAU_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
    BUREAU_ATTEMPTS: z.coerce.number().int().positive().default(3),
    BUREAU_BACKOFF_MS: z.coerce.number().int().positive().default(200),
    /**
     * Partner lenders: `false` runs the local lender simulator with development secrets (npm start, tests);
     * `true` calls the descriptors' URLs (LENDER_URL_<CODE> overrides) with the secrets they name.
     */
    LENDERS_LIVE: z.enum(['true', 'false']).default('false'),
    /** Limits on what one GraphQL document may ask (gateway/limits.ts; docs/security.md lists them). */
    MAX_QUERY_DEPTH: z.coerce.number().int().positive().default(10),
    MAX_QUERY_COST: z.coerce.number().int().positive().default(5000),
    MAX_QUERY_TOKENS: z.coerce.number().int().positive().default(5000),
    MAX_QUERY_ALIASES: z.coerce.number().int().min(0).default(50),
    MAX_ROOT_FIELDS: z.coerce.number().int().positive().default(20),
    MAX_FRAGMENT_SPREADS: z.coerce.number().int().min(0).default(100),
    MAX_EXPANDED_SELECTIONS: z.coerce.number().int().positive().default(5000),
    MAX_QUERY_DIRECTIVES: z.coerce.number().int().min(0).default(50),
    /** The size a list without `first`/`last`/`limit` is assumed to have when costing a query. */
    DEFAULT_LIST_SIZE: z.coerce.number().int().positive().default(10),
    /** Production: run only registered documents (gateway/trusted.ts); the manifest of the clients' ones. */
    TRUSTED_DOCUMENTS: z.enum(['true', 'false']).default('false'),
    TRUSTED_DOCUMENTS_FILE: z.string().optional(),
    ANONYMOUS_MAX_TOKENS: z.coerce.number().int().positive().default(500),
    ANONYMOUS_MAX_CHARACTERS: z.coerce.number().int().positive().default(10_000),
    ANONYMOUS_MAX_COST: z.coerce.number().int().positive().default(50),
    /** How far back a reconnecting subscriber can catch up with `since` (the gateway keeps that much). */
    SUBSCRIPTION_REPLAY_SECONDS: z.coerce.number().int().min(0).default(900),
    /** Partner API requests per caller (user or API key; IP when anonymous) per minute, across replicas. */
    REST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
    /**
     * How long a REST request holds its Idempotency-Key: longer than any request runs, so a crash leaves
     * the key held no longer than this. A retry after it runs the operation again; payments then find the
     * payment the same key recorded downstream and answer with it.
     */
    REST_IDEMPOTENCY_LEASE_SECONDS: z.coerce.number().int().min(1).default(30),
    /** How long a gateway trusts what identity said about an API key (revocation also reaches it as an event). */
    API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).default(30),
    SUBSCRIPTION_REPLAY_MAX_EVENTS: z.coerce.number().int().min(0).default(50_000),
    /** Loans below this amount (minor units) are sanctioned at level 2; the credit committee is skipped. */
    APPROVAL_COMMITTEE_THRESHOLD_MINOR: z.coerce.bigint().positive().default(250_000_000n),
    /** Notification sends per second per replica (all channels), so bulk reminders cannot flood providers. */
    NOTIFY_RATE_PER_SECOND: z.coerce.number().int().positive().default(50),
    /** A failed send is retried with doubling back-off from this, then recorded as FAILED. */
    NOTIFY_BACKOFF_MS: z.coerce.number().int().positive().default(30_000),
    NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
    NOTIFY_POLL_MS: z.coerce.number().int().positive().default(1000),
    /** Days before a due date that the borrower is reminded of the instalment. */
    REMINDER_DAYS_AHEAD: z.coerce.number().int().min(0).max(30).default(3),
    /**
     * The business date moves to the next day once that day's cut-off (Asia/Kolkata time, HH:MM) has
     * passed; with BUSINESS_DATE_MANUAL it moves only when an operator advances it.
     */
    BUSINESS_DAY_CUTOFF: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')
      .default('00:00'),
    BUSINESS_DATE_MANUAL: bool,
    /** Staff may move the business date to any later date (tests and demos walk loans through months). */
    BUSINESS_DATE_SETTABLE: bool,
    /**
     * Close of business: borrowers per chunk (the unit replicas claim), borrowers per transaction within a
     * chunk (loans are locked only that long), and how long a claim lasts without news from its owner
     * before another replica takes the chunk over (a crashed owner's work resumes then).
     */
    COB_CHUNK_BORROWERS: z.coerce.number().int().positive().default(1000),
    COB_BATCH_BORROWERS: z.coerce.number().int().positive().default(100),
    COB_LEASE_MS: z.coerce.number().int().positive().default(60_000),
    /** How often the close-of-business worker checks (it is idempotent for a business date). */
    OVERDUE_POLL_MS: z.coerce.number().int().positive().default(3_600_000),
    OFFER_EXPIRY_POLL_MS: z.coerce.number().int().positive().default(30_000),
    OUTBOX_POLL_MS: z.coerce.number().int().positive().default(250),
    CONSUMER_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
    CONSUMER_BACKOFF_MS: z.coerce.number().int().positive().default(200),
    RUN_RELAY: bool,
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV !== 'production') return;
    const defaults: [string, string, string][] = [
      ['JWT_SECRET', c.JWT_SECRET, DEV_JWT_SECRET],
      ['PII_KEYS', c.PII_KEYS, `dev1:${DEV_PII_KEY}`],
      ['BLIND_INDEX_KEY', c.BLIND_INDEX_KEY, DEV_BLIND_INDEX_KEY],
      ['DOCUMENT_URL_SECRET', c.DOCUMENT_URL_SECRET, DEV_DOCUMENT_URL_SECRET],
      ['OTP_SECRET', c.OTP_SECRET, DEV_OTP_SECRET],
    ];
    // A subgraph needs only the public keys it trusts; a process that would sign needs its own key.
    if (c.GATEWAY_SIGNING_KEY === DEV_GATEWAY_SIGNING_KEY && !c.GATEWAY_TRUSTED_KEYS) {
      defaults.push(['GATEWAY_SIGNING_KEY', c.GATEWAY_SIGNING_KEY, DEV_GATEWAY_SIGNING_KEY]);
    }
    for (const [name, value, dev] of defaults) {
      if (value === dev) ctx.addIssue({ code: 'custom', path: [name], message: 'must be set in production' });
    }
    if (c.BUSINESS_DATE_SETTABLE) {
      ctx.addIssue({
        code: 'custom',
        path: ['BUSINESS_DATE_SETTABLE'],
        message: 'is for tests and demos only',
      });
    }
  });

export type Config = z.infer<typeof schema>;

/** The platform's address as people reach it, for links in messages. */
export const publicUrl = (c: Config) =>
  (c.PUBLIC_URL ?? `http://${c.HOST}:${c.GATEWAY_PORT}`).replace(/\/$/, '');

/** Whether this configuration still signs with the development key (the gateway refuses it in production). */
export const signsWithDevKey = (c: Config) => c.GATEWAY_SIGNING_KEY === DEV_GATEWAY_SIGNING_KEY;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // Names only: a value may be a secret.
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

let cached: Config | undefined;

/** The process-wide configuration, read from the environment once. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
