import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, run } from './util';

/** The version the partner API's fuzz run is pinned to (PyPI). */
export const SCHEMATHESIS_VERSION = '4.32.5';
const VENV = join(CACHE, `schemathesis-${SCHEMATHESIS_VERSION}`);

/** schemathesis from PyPI in a venv under .cache (pip's own cache makes a repeat install fast). */
export function schemathesis(): string {
  const bin = join(VENV, 'bin', 'schemathesis');
  if (existsSync(bin)) return bin;
  run('python3', ['-m', 'venv', VENV]);
  run(join(VENV, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`]);
  return bin;
}
