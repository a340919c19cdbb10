import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, portOpen, ROOT, run, STACK_DIR, startDetached, stopPidFile, waitForPort } from './util';

const BIN = join(CACHE, 'ferretdb', 'ferretdb');

/** FerretDB 1.24 built from its Go module (the Go build cache makes a rebuild quick). */
function ensureBinary() {
  if (existsSync(BIN)) return;
  console.log('building FerretDB 1.24 from its Go module…');
  run('go', ['build', '-trimpath', '-o', BIN, '.'], {
    cwd: join(ROOT, 'infra', 'ferretdb'),
    env: { CGO_ENABLED: '0' },
  });
}

/** MongoDB wire protocol on loopback, SQLite files under .data/stack/ferretdb, idempotently. */
export async function upFerretDb(port: number) {
  if (await portOpen(port)) return;
  ensureBinary();
  const dir = join(STACK_DIR, 'ferretdb');
  const { log } = startDetached('ferretdb', BIN, ['-listen', `127.0.0.1:${port}`, '-dir', join(dir, 'data')]);
  await waitForPort(port, 'FerretDB', 60_000, log);
}

export const downFerretDb = () => stopPidFile('ferretdb');
