import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, capture } from './util';

/**
 * A command-line tool from PyPI, pinned, in a venv of its own under .cache (pip's own cache makes a
 * repeat install fast). Returns the path of its executable.
 */
async function pypiTool(name: string, version: string): Promise<string> {
  const venv = join(CACHE, `${name}-${version}`);
  const bin = join(venv, 'bin', name);
  if (existsSync(bin)) return bin;
  for (const [cmd, args] of [
    ['python3', ['-m', 'venv', venv]],
    [join(venv, 'bin', 'pip'), ['install', '--quiet', `${name}==${version}`]],
  ] as const) {
    const r = await capture(cmd, [...args]);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status}: ${r.stderr}`);
  }
  return bin;
}

/** The version the partner API's fuzz run is pinned to. */
export const SCHEMATHESIS_VERSION = '4.32.5';
export const schemathesis = () => pypiTool('schemathesis', SCHEMATHESIS_VERSION);

/** An OpenAPI validator written apart from the project, for the partner API's document. */
export const openapiSpecValidator = () => pypiTool('openapi-spec-validator', '0.9.0');
