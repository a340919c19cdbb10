import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');
export const CACHE = process.env.LOANFLOW_CACHE_DIR ?? join(ROOT, '.cache');
export const STACK_DIR = process.env.LOANFLOW_STACK_DIR ?? join(ROOT, '.data', 'stack');

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitForPort(port: number, what: string, timeoutMs = 120_000, logFile?: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const tail =
    logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : '';
  throw new Error(`${what} did not open port ${port} within ${timeoutMs / 1000}s\n${tail}`);
}

/** Runs a command to completion, inheriting output; throws on failure. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: opts.cwd, env: { ...process.env, ...opts.env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status ?? r.signal}`);
}

/**
 * Runs a command to completion without blocking this process, with its output captured. A test file
 * hosts a platform whose Kafka consumers must keep heartbeating: a synchronous child of several
 * seconds cost every one of them its group membership (a rejoin of all groups, and events late).
 */
export function capture(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', reject);
    child.once('close', (status) =>
      resolve({
        status,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** Starts a long-lived process that outlives this one, with its output in a log file and its pid saved. */
export function startDetached(name: string, cmd: string, args: string[], opts: { cwd?: string } = {}) {
  const dir = join(STACK_DIR, name);
  mkdirSync(dir, { recursive: true });
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn(cmd, args, { cwd: opts.cwd ?? dir, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  writeFileSync(join(dir, 'pid'), String(child.pid));
  return { pid: child.pid, log };
}

export async function stopPidFile(name: string, timeoutMs = 30_000) {
  const pidFile = join(STACK_DIR, name, 'pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (alive()) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}
