// Which failures are a dependency that is away for a while (wait and try again) and which are final
// (retrying cannot help). Consumers wait out the first kind without limit; callers are told UNAVAILABLE.
import { AppError } from './errors';

/** Node and driver error codes of a connection that failed, broke or timed out. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/**
 * PostgreSQL SQLSTATEs that pass: serialization failure, deadlock, lock timeout, too many connections,
 * and the server shutting down or starting up (class 57P), connection exceptions (class 08).
 */
const PG_TRANSIENT = new Set([
  '40001',
  '40P01',
  '55P03',
  '53300',
  '53400',
  '57P01',
  '57P02',
  '57P03',
  '57P05',
]);

/** Messages of drivers that carry no code for these cases (pg's pool, TypeORM, the MongoDB driver). */
const TRANSIENT_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /Client has encountered a connection error/i,
  /connect(ion)? (refused|reset|timed? ?out)/i,
  /socket hang up/i,
  /fetch failed/i,
  /getaddrinfo/i,
  /Server selection timed out/i,
  /Topology is closed/i,
  /This server does not host this topic-partition/i,
  /There is no leader for this topic-partition/i,
  /The group coordinator is not available/i,
  /broker not available|No brokers? available/i,
  /Request timed out/i,
];

/** Kafka, MongoDB and messaging errors that say so themselves. */
const TRANSIENT_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSLockTimeout',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'PoolClosedError',
  'NotifierUnavailable',
  'BureauUnavailable',
  'TimeoutError',
]);

/**
 * True when the failure is a dependency being away (a database restarting, a broker down, a connection
 * reset, a serialization conflict): the same work will succeed later. Looks through `cause` chains.
 */
export function isTransient(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    retriable?: unknown;
  };
  if (err instanceof AppError) return err.code === 'UNAVAILABLE';
  if (
    typeof e.code === 'string' &&
    (NETWORK_CODES.has(e.code) || PG_TRANSIENT.has(e.code) || e.code.startsWith('08'))
  )
    return true;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  // kafkajs marks retriable protocol errors (leader moved, coordinator loading, …).
  if (typeof e.name === 'string' && e.name.startsWith('KafkaJS') && e.retriable === true) return true;
  if (typeof e.message === 'string' && TRANSIENT_MESSAGES.some((m) => m.test(e.message as string)))
    return true;
  return isTransient(e.cause, depth + 1);
}
