// Import first in every integration test: points this test process at the running stack (npm run
// stack:up) with its own database, Kafka topic and MongoDB database, before config() is first read.
import { randomBytes } from 'node:crypto';
import { stackEnv } from '../../infra/stack';

export const TEST_ID = `t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

const stack = stackEnv();
export const ADMIN_DATABASE_URL = stack.DATABASE_URL;

Object.assign(process.env, {
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  DATABASE_URL: stack.DATABASE_URL.replace(/\/postgres$/, `/${TEST_ID}`),
  KAFKA_BROKERS: stack.KAFKA_BROKERS,
  KAFKA_TOPIC: `loanflow.${TEST_ID}`,
  KAFKA_CLIENT_ID: `loanflow-${TEST_ID}`,
  MONGODB_URL: stack.MONGODB_URL,
  MONGODB_DB: TEST_ID,
  OUTBOX_POLL_MS: '100',
  CONSUMER_BACKOFF_MS: '50',
  OFFER_EXPIRY_POLL_MS: '200',
  NOTIFY_BACKOFF_MS: '200',
  NOTIFY_POLL_MS: '200',
  // The fuzz run sends thousands of requests a minute as one caller; the limit itself is tested with its own.
  REST_RATE_LIMIT_PER_MINUTE: '1000000',
  // Dated scenarios move the business date forward (never the clock).
  BUSINESS_DATE_SETTABLE: 'true',
});
