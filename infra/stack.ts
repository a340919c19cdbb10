// npm run stack:up / stack:down: the real infrastructure the tests use, on loopback ports.
import { downFerretDb, upFerretDb } from './ferretdb';
import { downKafka, upKafka } from './kafka';
import { downPostgres, pgUrl, upPostgres } from './postgres';

export const STACK_PORTS = {
  postgres: Number(process.env.STACK_PG_PORT ?? 55432),
  kafka: Number(process.env.STACK_KAFKA_PORT ?? 59092),
  ferretdb: Number(process.env.STACK_FERRETDB_PORT ?? 57017),
};

/** Connection settings for the running stack. */
export const stackEnv = () => ({
  DATABASE_URL: pgUrl(STACK_PORTS.postgres),
  KAFKA_BROKERS: `127.0.0.1:${STACK_PORTS.kafka}`,
  MONGODB_URL: `mongodb://127.0.0.1:${STACK_PORTS.ferretdb}/`,
});

async function main() {
  const command = process.argv[2];
  if (command === 'up') {
    const started = Date.now();
    await upPostgres(STACK_PORTS.postgres);
    console.log(`PostgreSQL  ${stackEnv().DATABASE_URL.replace(/:[^:@]*@/, ':***@')}`);
    await upKafka(STACK_PORTS.kafka);
    console.log(`Kafka       ${stackEnv().KAFKA_BROKERS}`);
    await upFerretDb(STACK_PORTS.ferretdb);
    console.log(`FerretDB    ${stackEnv().MONGODB_URL}`);
    console.log(`stack up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  } else if (command === 'down') {
    await downFerretDb();
    await downKafka();
    await downPostgres();
    console.log('stack down');
  } else {
    console.error('usage: stack.ts up|down');
    process.exit(2);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
