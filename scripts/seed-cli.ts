// npm run seed: creates the first ADMIN (and, with SEED_DEMO_STAFF=true, one user per staff role) in the
// database of DATABASE_URL — or, when that is not set, in the one `npm start` runs (embedded PostgreSQL).
import { EMBEDDED_PG_PORT, pgUrl } from '../infra/postgres';

process.env.DATABASE_URL ??= pgUrl(EMBEDDED_PG_PORT);

(async () => {
  // Loaded after DATABASE_URL is known: config is read once.
  const { openDatabase } = await import('../platform/db');
  const { isTransient } = await import('../platform/transient');
  const { identity } = await import('../subgraphs/identity');
  const { seed } = await import('./seed');
  const db = await openDatabase({
    schema: identity.dbSchema,
    entities: identity.entities,
    migrations: identity.migrations,
  }).catch((err: unknown) => {
    if (!isTransient(err)) throw err;
    const at = new URL(String(process.env.DATABASE_URL)).host;
    throw new Error(`no database at ${at}: start the platform (npm start) first, or set DATABASE_URL`);
  });
  const r = await seed(db);
  console.log(r.created.length ? `created: ${r.created.join(', ')}` : 'nothing to do');
  await db.destroy();
})().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
