// npm start: the whole platform in one process on the embedded default: PostgreSQL under .data/,
// in-process events from the outbox, documents in PostgreSQL; KAFKA_BROKERS/MONGODB_URL/DATABASE_URL
// switch each part to the real thing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_PG_PORT, pgUrl, startAttachedPostgres } from '../infra/postgres';
import { portOpen } from '../infra/util';

/** A start-up failure a person can fix: said in one line, without a stack trace. */
class CannotStart extends Error {}

/** The PostgreSQL already running on this data folder, if any (its postmaster.pid names a live process). */
function dataDirOwner(dir: string): number | undefined {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function main() {
  const dataDir = process.env.DATA_DIR ?? join(__dirname, '..', '.data');
  const embedded = !process.env.DATABASE_URL;
  let pg: Awaited<ReturnType<typeof startAttachedPostgres>> | undefined;
  if (embedded) {
    const dir = join(dataDir, 'pg');
    const owner = dataDirOwner(dir);
    if (owner) {
      throw new CannotStart(
        `a PostgreSQL (pid ${owner}) is using ${dir}, another LoanFlow's or one left behind: stop it (kill ${owner}), or set DATA_DIR to another folder (see README)`,
      );
    }
    if (await portOpen(EMBEDDED_PG_PORT)) {
      throw new CannotStart(
        `port ${EMBEDDED_PG_PORT} is in use: stop what holds it, or set EMBEDDED_PG_PORT to a free port (see README)`,
      );
    }
    console.log(`starting embedded PostgreSQL (data in ${dir})…`);
    pg = await startAttachedPostgres(dir, EMBEDDED_PG_PORT).catch((err: Error) => {
      // Taken since the check above, or by a connection's local port (the check sees only listeners).
      if (!/Address already in use/.test(err.message)) throw err;
      throw new CannotStart(
        `port ${EMBEDDED_PG_PORT} is in use: set EMBEDDED_PG_PORT to a free port (see README)`,
      );
    });
    process.env.DATABASE_URL = pgUrl(EMBEDDED_PG_PORT);
    // A development platform comes with one user per staff role, so every officer's screen can be tried.
    if (process.env.NODE_ENV !== 'production') process.env.SEED_DEMO_STAFF ??= 'true';
  }
  // Loaded after DATABASE_URL is known: config is read once.
  const { config } = await import('../platform/config');
  const { runPlatform } = await import('./platform');
  const platform = await runPlatform().catch(async (err: NodeJS.ErrnoException & { port?: number }) => {
    await pg?.stop();
    if (err.code !== 'EADDRINUSE') throw err;
    const c = config();
    const setting = err.port === c.GATEWAY_PORT ? 'GATEWAY_PORT' : 'SUBGRAPH_BASE_PORT';
    throw new CannotStart(
      `port ${err.port} is in use (another LoanFlow still running?): stop it, or set ${setting} to a free port (see README)`,
    );
  });
  const shutdown = async () => {
    await platform.stop();
    await pg?.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  const seeded = platform.seeded;
  const lines = [
    `\nLoanFlow is running (${platform.bus.kind} events, ${platform.docstore} documents).`,
    `Start here: ${platform.gateway.url.replace(/\/graphql$/, '/')}`,
    `GraphiQL:   ${platform.gateway.url}  (sign in with the bar at the top)`,
  ];
  // Sign-up links, password resets and e-sign codes go to the messaging simulator in this mode.
  if (platform.messagesUrl)
    lines.push(`Messages:   ${platform.messagesUrl}  (every e-mail, SMS and OTP sent)`);
  if (seeded) {
    lines.push(`Admin:      ${seeded.adminEmail}`);
    if (seeded.staff.length) lines.push(`Staff:      ${seeded.staff.join(', ')}`);
    lines.push(
      seeded.devPassword
        ? `Password:   ${seeded.devPassword}  (the development default for all of these; never use it in production)`
        : 'Password:   SEED_ADMIN_PASSWORD',
    );
  }
  console.log(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  console.error(err instanceof CannotStart ? `cannot start: ${err.message}` : err);
  process.exit(1);
});
