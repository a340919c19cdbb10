// npm start: the whole platform in one process on the embedded default: PostgreSQL under .data/,
// in-process events from the outbox, documents in PostgreSQL; KAFKA_BROKERS/MONGODB_URL/DATABASE_URL
// switch each part to the real thing.
import { join } from 'node:path';
import { pgUrl, startAttachedPostgres } from '../infra/postgres';

async function main() {
  const dataDir = process.env.DATA_DIR ?? join(__dirname, '..', '.data');
  let pg: Awaited<ReturnType<typeof startAttachedPostgres>> | undefined;
  if (!process.env.DATABASE_URL) {
    const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
    console.log(`starting embedded PostgreSQL (data in ${join(dataDir, 'pg')})…`);
    pg = await startAttachedPostgres(join(dataDir, 'pg'), port);
    process.env.DATABASE_URL = pgUrl(port);
  }
  // Loaded after DATABASE_URL is known: config is read once.
  const { runPlatform } = await import('./platform');
  const platform = await runPlatform();
  const shutdown = async () => {
    await platform.stop();
    await pg?.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  console.log(`\nLoanFlow is running (${platform.bus.kind} events, ${platform.docstore} documents).`);
  console.log(`GraphiQL:  ${platform.gateway.url}`);
  if (platform.notifyUrl) {
    // Sign-up links, password resets and e-sign codes go to the messaging simulator in this mode.
    console.log(
      `Messages:  ${platform.notifyUrl}/admin/messages  (the simulator's inbox: e-mail, SMS, push)`,
    );
  }
  console.log(
    `Admin:     ${platform.admin}  (password: SEED_ADMIN_PASSWORD, or the dev default in README.md)\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
